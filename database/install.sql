-- install.sql: install the ILS schema and its PL/SQL into the current Oracle schema.
-- Run from this folder:  sql user/password@//host:1521/FREEPDB1 @install.sql   (SQLcl or SQL*Plus)
-- The same file list drives the PostgreSQL build (database/postgres/build.py) and
-- `scripts/ils oracle install` (python-oracledb): keep one @@ line per file, in load order.
WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK
SET DEFINE OFF
SET ECHO OFF

PROMPT == tables, indexes, comments, views
@@010_tables.sql
@@020_indexes.sql
@@030_comments.sql
@@040_views.sql
@@050_app_errors.sql
@@060_app_settings.sql
@@065_jobs.sql
@@070_job_runs.sql
@@075_notices.sql

PROMPT == package specs
@@../plsql/lib_err.pks
@@../plsql/lib_session.pks
@@../plsql/lib_clock.pks
-- specs: circulation team (policy, calendar, circulation, fines)
@@../plsql/lib_policy.pks
@@../plsql/lib_calendar.pks
@@../plsql/lib_fines.pks
@@../plsql/lib_circulation.pks
-- specs: accounts and holds team (auth, audit, patrons, catalog, holds)
@@../plsql/lib_audit.pks
@@../plsql/lib_auth.pks
@@../plsql/lib_patrons.pks
@@../plsql/lib_catalog.pks
@@../plsql/lib_holds.pks
@@../plsql/lib_jobs.pks

PROMPT == package bodies
@@../plsql/lib_err.pkb
@@../plsql/lib_session.pkb
@@../plsql/lib_clock.pkb
-- bodies: circulation team (policy, calendar, circulation, fines)
@@../plsql/lib_policy.pkb
@@../plsql/lib_calendar.pkb
@@../plsql/lib_fines.pkb
@@../plsql/lib_circulation.pkb
-- bodies: accounts and holds team (auth, audit, patrons, catalog, holds)
@@../plsql/lib_audit.pkb
@@../plsql/lib_auth.pkb
@@../plsql/lib_patrons.pkb
@@../plsql/lib_catalog.pkb
@@../plsql/lib_holds.pkb
@@../plsql/lib_jobs.pkb

PROMPT == triggers
-- triggers: accounts and holds team
@@../plsql/triggers.sql

PROMPT == reference data
@@090_reference_data.sql
@@091_app_errors_data.sql
@@092_jobs_data.sql

@@099_verify_oracle.sql
PROMPT == ILS schema installed
