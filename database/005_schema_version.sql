-- 005_schema_version.sql: the schema's version history. Created first, written last: an install that
-- stopped half-way leaves this table without a row, so the installers can tell it from a finished one.

CREATE TABLE schema_version (
    version         NUMBER(6) NOT NULL,
    script          VARCHAR2(200 CHAR) NOT NULL,
    checksum        VARCHAR2(64 CHAR) NOT NULL,
    applied_at      DATE NOT NULL,
    CONSTRAINT schema_version_pk PRIMARY KEY (version, script)
);

COMMENT ON TABLE schema_version IS 'Install and upgrade history: one row per step, the highest version is the schema version. Written by the installers only (database/versioning.py, install.sql).';
COMMENT ON COLUMN schema_version.version IS 'Schema version the step brought the database to: the number of the newest migration in database/migrations.';
COMMENT ON COLUMN schema_version.script IS 'The step: install.sql (a fresh install), NNN_name.sql (a migration), or sources (packages, views, triggers and grants re-created from the sources by an upgrade).';
COMMENT ON COLUMN schema_version.checksum IS 'SHA-256 (hex, cut to 64) of what the step ran: the migration file, or the sources of the packages for install.sql and sources rows, or sqlplus when install.sql ran under SQL*Plus (it cannot hash files).';
COMMENT ON COLUMN schema_version.applied_at IS 'When the step finished, UTC.';
