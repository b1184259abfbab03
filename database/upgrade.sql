-- upgrade.sql: bring an installed ILS schema to these sources under SQL*Plus/SQLcl, keeping its data
-- (what `scripts/ils oracle upgrade` does through python-oracledb). Run from this folder as the owner:
--   sql ils/password@//host:1521/FREEPDB1 @upgrade.sql
-- Each migration runs only when the schema is older than it and is recorded in schema_version as soon
-- as it ran (Oracle commits DDL), so running this again after a failure resumes. Then the packages,
-- views and triggers are created again and the grants applied again.
-- Keep one line per file of migrations/, in order (tests/db/test_versioning.py checks it).
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET ECHO OFF
SET VERIFY OFF
SET DEFINE OFF

PROMPT == pre-flight: privileges, quota, application role
@@000_preflight_oracle.sql

PROMPT == pending migrations
SET DEFINE ON
@@sqlplus/migrate_first.sql 2 002_schema_version.sql 002_schema_version.oracle.sql
@@sqlplus/migrate.sql 3 003_blank_text_and_null_keys.sql 003_blank_text_and_null_keys.sql
@@sqlplus/migrate.sql 4 004_utc_clock.sql 004_utc_clock.oracle.sql
@@sqlplus/migrate.sql 5 005_audit_log_comments.sql 005_audit_log_comments.sql
@@sqlplus/migrate.sql 6 006_admin_writes.sql 006_admin_writes.oracle.sql
@@sqlplus/migrate.sql 7 007_sessions.sql 007_sessions.oracle.sql
@@sqlplus/migrate.sql 8 008_vocabulary.sql 008_vocabulary.oracle.sql
@@sqlplus/migrate.sql 9 009_notice_delivery.sql 009_notice_delivery.oracle.sql
@@sqlplus/migrate.sql 10 010_notice_content.sql 010_notice_content.oracle.sql
@@sqlplus/migrate.sql 11 011_search.sql 011_search.oracle.sql
@@sqlplus/migrate.sql 12 012_policy_rules.sql 012_policy_rules.oracle.sql
@@sqlplus/migrate.sql 13 013_circ_desk.sql 013_circ_desk.oracle.sql
@@sqlplus/migrate.sql 14 014_copy_call_numbers.sql 014_copy_call_numbers.oracle.sql
@@sqlplus/migrate.sql 15 015_catalog_identifiers.sql 015_catalog_identifiers.oracle.sql
@@sqlplus/migrate.sql 16 016_refunds.sql 016_refunds.oracle.sql
@@sqlplus/migrate.sql 17 017_circ_gaps.sql 017_circ_gaps.oracle.sql
@@sqlplus/migrate.sql 18 018_import_report_counts.sql 018_import_report_counts.oracle.sql
SET DEFINE OFF

-- the Oracle Text index of the search documents, created when missing (not SQL a migration may hold)
@@016_search_index_oracle.sql

-- packages, views and triggers, created again over what is there
@@install_code.sql

PROMPT == grants to the application role
@@grants_oracle.sql

@@099_verify_oracle.sql
@@sqlplus/stamp_sources.sql
PROMPT == ILS schema upgraded
