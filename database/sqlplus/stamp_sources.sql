-- stamp_sources.sql: the last step of upgrade.sql: the packages were created from these sources.
-- SQL*Plus cannot hash files: checksum sqlplus (the next `scripts/ils oracle upgrade` records a real one).
DELETE FROM schema_version
 WHERE script = 'sources' AND version = (SELECT MAX(version) FROM schema_version);
INSERT INTO schema_version (version, script, checksum, applied_at)
SELECT MAX(version), 'sources', 'sqlplus', CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE) FROM schema_version;
COMMIT;
