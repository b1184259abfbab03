-- install.sql: install the ILS schema and its PL/SQL into the current Oracle schema.
-- Run from this folder:  sql user/password@//host:1521/FREEPDB1 @install.sql   (SQLcl or SQL*Plus)
-- The same file list drives the PostgreSQL build (database/postgres/build.py) and
-- `scripts/ils oracle install` (python-oracledb): keep one @@ line per file, in load order.
-- Run it as the schema owner a DBA created with create_users.sql: the pre-flight below names every
-- privilege, quota or role that is missing before anything is created.
-- EXIT FAILURE, not SQL.SQLCODE: the shell sees the code modulo 256, so ORA-01536 (quota exceeded) exited 0.
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET DEFINE OFF
SET ECHO OFF

PROMPT == pre-flight: privileges, quota, application role
@@000_preflight_oracle.sql

PROMPT == tables, indexes, comments
-- then: a half-done install is a schema_version table without a row
@@005_schema_version.sql
@@006_install_started_oracle.sql
@@009_vocabulary.sql
@@010_tables.sql
@@015_search_documents.sql
@@016_search_index_oracle.sql
@@017_catalog_records.sql
@@020_indexes.sql
@@030_comments.sql
@@050_app_errors.sql
@@060_app_settings.sql
@@065_jobs.sql
@@070_job_runs.sql
@@075_notices.sql
@@076_notice_content.sql
@@077_role_requests.sql
@@080_user_sessions.sql

-- packages, views and triggers: the part an upgrade creates again (upgrade.sql)
@@install_code.sql

PROMPT == reference data
@@089_vocabulary_data.sql
@@090_reference_data.sql
@@091_app_errors_data.sql
@@092_jobs_data.sql
@@093_notice_templates_data.sql

PROMPT == grants to the application role
@@grants_oracle.sql

@@099_verify_oracle.sql
-- last: the version row says the install finished (scripts/ils writes its own, with checksums)
@@999_stamp_version_oracle.sql
PROMPT == ILS schema installed
