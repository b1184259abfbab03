-- 999_stamp_version_oracle.sql: the last step of install.sql under SQL*Plus/SQLcl: record the schema
-- version this install is (the newest file in migrations/; tests/db/test_versioning.py keeps the two
-- equal). SQL*Plus cannot hash the sources, so the checksum says sqlplus: the next upgrade re-creates
-- the packages once and records their checksum. The Python installers write this row themselves.
INSERT INTO schema_version (version, script, checksum, applied_at)
VALUES (18, 'install.sql', 'sqlplus', CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE));
COMMIT;
