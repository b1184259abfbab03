-- migrate_first.sql VERSION SCRIPT FILE: migration 002, which creates schema_version itself, so its
-- guard asks the data dictionary instead (a schema of version 1 has no schema_version table).
COLUMN ils_step NEW_VALUE ils_step NOPRINT
SELECT CASE WHEN COUNT(*) = 0 THEN '../migrations/&3' ELSE 'nothing.sql' END AS ils_step
  FROM user_tables WHERE table_name = 'SCHEMA_VERSION';
@@&ils_step
INSERT INTO schema_version (version, script, checksum, applied_at)
SELECT TO_NUMBER('&1'), '&2', 'sqlplus', CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE) FROM dual
 WHERE NOT EXISTS (SELECT 1 FROM schema_version WHERE version >= TO_NUMBER('&1'));
COMMIT;
