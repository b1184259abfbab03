-- migrate.sql VERSION SCRIPT FILE: run migration FILE (in ../migrations) when the schema is older than
-- VERSION, then record it as SCRIPT. Called by upgrade.sql with DEFINE on.
COLUMN ils_step NEW_VALUE ils_step NOPRINT
SELECT CASE WHEN MAX(version) < TO_NUMBER('&1') THEN '../migrations/&3' ELSE 'nothing.sql' END AS ils_step
  FROM schema_version;
@@&ils_step
INSERT INTO schema_version (version, script, checksum, applied_at)
SELECT TO_NUMBER('&1'), '&2', 'sqlplus', CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE) FROM dual
 WHERE NOT EXISTS (SELECT 1 FROM schema_version WHERE version >= TO_NUMBER('&1'));
COMMIT;
