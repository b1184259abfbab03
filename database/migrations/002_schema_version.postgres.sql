-- 002_schema_version: the version history table (database/005_schema_version.sql), which version 1
-- did not have, as the PostgreSQL build translates it. The upgrade that runs this writes its first row.

CREATE TABLE schema_version (
    version         integer NOT NULL,
    script          varchar(200) NOT NULL,
    checksum        varchar(64) NOT NULL,
    applied_at      timestamp(0) NOT NULL,
    CONSTRAINT schema_version_pk PRIMARY KEY (version, script)
);

COMMENT ON TABLE schema_version IS 'Install and upgrade history: one row per step, the highest version is the schema version. Written by the installers only (database/versioning.py, install.sql).';
COMMENT ON COLUMN schema_version.version IS 'Schema version the step brought the database to: the number of the newest migration in database/migrations.';
COMMENT ON COLUMN schema_version.script IS 'The step: install.sql (a fresh install), NNN_name.sql (a migration), or sources (packages, views, triggers and grants re-created from the sources by an upgrade).';
COMMENT ON COLUMN schema_version.checksum IS 'SHA-256 (hex, cut to 64) of what the step ran: the migration file, or the sources of the packages for install.sql and sources rows, or sqlplus when install.sql ran under SQL*Plus (it cannot hash files).';
COMMENT ON COLUMN schema_version.applied_at IS 'When the step finished, UTC.';
