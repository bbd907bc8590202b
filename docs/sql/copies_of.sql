-- Every copy of a clip across the facility, by name (here A001C001).
SELECT l.host, l.path, l.size
FROM latest l
JOIN (SELECT DISTINCT blake3 FROM latest
      WHERE rel_path LIKE '%A001C001%' AND blake3 IS NOT NULL) c
  ON l.blake3 = c.blake3
ORDER BY l.host, l.path
