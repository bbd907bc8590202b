-- Hashed media files whose content is on no other host, by clip folder.
-- (Unhashed files are not listed: whether they have a copy is unknown.)
SELECT l.host,
       regexp_replace(l.path, '/[^/]*$', '') AS folder,
       count(*) AS files,
       sum(l.size) AS bytes
FROM latest l
JOIN (SELECT blake3 FROM latest
      WHERE size > 0 AND blake3 IS NOT NULL
      GROUP BY blake3 HAVING count(DISTINCT host) = 1) c
  ON l.blake3 = c.blake3
WHERE l.kind IN ('video', 'audio', 'image_sequence', 'dcp')
GROUP BY l.host, regexp_replace(l.path, '/[^/]*$', '')
ORDER BY bytes DESC, l.host, folder
