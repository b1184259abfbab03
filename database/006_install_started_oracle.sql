-- 006_install_started_oracle.sql: Oracle only, the install's first row in schema_version. An install that
-- stops after this and before 999_stamp_version_oracle.sql leaves version 0 on top: half-done, so
-- `scripts/ils oracle install --if-missing` removes it and installs again. (An empty schema_version is
-- instead an upgrade from version 1 stopped right after migration 002: kept and resumed, never removed.)
-- PostgreSQL needs no such row: its build loads a template database and copies it whole.
INSERT INTO schema_version (version, script, checksum, applied_at)
VALUES (0, 'install.sql', 'started', CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE));
COMMIT;
