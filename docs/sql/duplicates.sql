-- Content held by more than one inode, wherever it is: hard links count
-- once, empty files are never duplicates, unhashed files cannot be compared.
SELECT blake3, size,
       count(*) AS copies,
       count(DISTINCT host) AS hosts,
       size * (count(*) - 1) AS wasted_bytes
FROM (SELECT DISTINCT blake3, size, host, device, inode
      FROM latest
      WHERE size > 0 AND blake3 IS NOT NULL) f
GROUP BY blake3, size
HAVING count(*) > 1
ORDER BY wasted_bytes DESC, blake3
