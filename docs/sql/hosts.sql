-- Files (names) and bytes per host, each inode once (hard links).
SELECT n.host, n.files, b.bytes
FROM (SELECT host, count(*) AS files FROM latest GROUP BY host) n
JOIN (SELECT host, sum(size) AS bytes
      FROM (SELECT DISTINCT host, device, inode, size FROM latest) i
      GROUP BY host) b
  ON n.host = b.host
ORDER BY b.bytes DESC, n.host
