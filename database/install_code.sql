-- install_code.sql: the views, package specs, package bodies and triggers, in load order. Run by
-- install.sql on a new schema and by upgrade.sql (and `scripts/ils db|oracle upgrade`) on an installed
-- one: every statement here is CREATE OR REPLACE, so it can run again over what is there.
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET DEFINE OFF

PROMPT == views
@@040_views.sql

PROMPT == package specs
@@../plsql/lib_err.pks
@@../plsql/lib_session.pks
@@../plsql/lib_clock.pks
-- specs: notices (preferences, templates, the outbox written as things happen)
@@../plsql/lib_notices.pks
@@../plsql/lib_notices_core.pks
-- specs: circulation team (policy, calendar, fines, circulation)
@@../plsql/lib_policy.pks
@@../plsql/lib_calendar.pks
@@../plsql/lib_fines.pks
@@../plsql/lib_fines_core.pks
@@../plsql/lib_inspections.pks
@@../plsql/lib_circulation.pks
-- specs: accounts and holds team (auth, audit, patrons, catalog, holds)
@@../plsql/lib_audit.pks
@@../plsql/lib_auth.pks
@@../plsql/lib_patrons.pks
@@../plsql/lib_catalog.pks
@@../plsql/lib_holds.pks
@@../plsql/lib_holds_core.pks
@@../plsql/lib_jobs.pks
-- specs: the notice outbox's delivery
@@../plsql/lib_outbox.pks
@@../plsql/lib_search.pks
-- specs: configuration (branches, closed days, policies, settings)
@@../plsql/lib_admin.pks
-- specs: bulk imports of catalog records
@@../plsql/lib_imports.pks

PROMPT == package bodies
@@../plsql/lib_err.pkb
@@../plsql/lib_session.pkb
@@../plsql/lib_clock.pkb
-- bodies: notices
@@../plsql/lib_notices.pkb
@@../plsql/lib_notices_core.pkb
-- bodies: circulation team (policy, calendar, circulation, fines)
@@../plsql/lib_policy.pkb
@@../plsql/lib_calendar.pkb
@@../plsql/lib_fines.pkb
@@../plsql/lib_fines_core.pkb
@@../plsql/lib_inspections.pkb
@@../plsql/lib_circulation.pkb
-- bodies: accounts and holds team (auth, audit, patrons, catalog, holds)
@@../plsql/lib_audit.pkb
@@../plsql/lib_auth.pkb
@@../plsql/lib_patrons.pkb
@@../plsql/lib_catalog.pkb
@@../plsql/lib_holds.pkb
@@../plsql/lib_holds_core.pkb
@@../plsql/lib_jobs.pkb
-- bodies: the notice outbox's delivery
@@../plsql/lib_outbox.pkb
@@../plsql/lib_search.pkb
-- bodies: configuration
@@../plsql/lib_admin.pkb
-- bodies: bulk imports
@@../plsql/lib_imports.pkb

PROMPT == triggers
-- the append-only guard of audit_log, then the generated audit triggers (scripts/ils audit-triggers)
@@../plsql/triggers.sql
@@../plsql/audit_triggers.sql

