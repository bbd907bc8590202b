-- The newest scan of each volume (host and root): a folder of weekly scans
-- counts each volume once, as `footprint fleet` does. Defines `latest` over
-- `manifest`, a view of every manifest file (see docs/FLEET.md).
CREATE OR REPLACE TEMP VIEW latest AS
SELECT m.*
FROM manifest m
JOIN (SELECT host, root, max(scan_time) AS scan_time
      FROM manifest GROUP BY host, root) newest
  ON m.host = newest.host AND m.root = newest.root AND m.scan_time = newest.scan_time
