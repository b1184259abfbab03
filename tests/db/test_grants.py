"""The two roles as the install leaves them (database/postgres/grants.sql on PostgreSQL,
database/grants_oracle.sql on Oracle): the schema owner owns everything and nobody logs in as it; the
application role may execute exactly the routines the package specs declare (except the committing jobs
package), each with the owner's rights, read the tables and views, and nothing else."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from database.postgres import build
from database.tooling import plsql_model
from datalayer.session import DbError
from tests.db.conftest import refused

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "plsql").glob("*.pks"))
SPEC_PACKAGES = {re.search(r"(?im)^CREATE OR REPLACE PACKAGE (\w+) AS", p.read_text()).group(1).lower() for p in SPECS}
# the package whose body COMMITs: run by the owner (pg_cron, DBMS_SCHEDULER, `scripts/ils jobs run`), never the app
COMMITTING = {"lib_jobs"}
# their specs say @internal: only the triggers and the other packages call them
INTERNAL = {"lib_audit", "lib_fines_core", "lib_holds_core", "lib_inspections", "lib_notices_core", "lib_search"}
WITHHELD = COMMITTING | INTERNAL
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
# every routine of the database that is neither PostgreSQL's nor an extension's
OWN_ROUTINES = """
SELECT p.oid, n.nspname || '.' || p.proname || '(' || COALESCE(array_to_string(p.proargnames, ','), '') || ')' AS sig,
       p.proowner::regrole::text AS owner, p.prosecdef, p.proconfig,
       has_function_privilege('ils_app', p.oid, 'EXECUTE') AS app_may,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'ora_compat')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
"""


def spec_routines() -> set[str]:
    """'package.routine(arg,...)' of every routine the specs declare, read here from the .pks files."""
    model = plsql_model.build([(p, p.read_text()) for p in SPECS])
    return {f"{pkg.lower()}.{r.name.up.lower()}({','.join(a.name.up.lower() for a in r.params)})"
            for pkg, spec in model.specs.items() for r in spec.routines}


def test_the_specs_declare_packages_and_only_lib_jobs_commits():
    assert {"lib_err", "lib_circulation", "lib_jobs"} <= SPEC_PACKAGES
    routines = spec_routines()
    assert {"lib_session.set_actor(p_user_id,p_session_key)", "lib_jobs.run_job(p_job_name,p_as_of,p_run_id)"} <= routines
    # the build grants the spec routines minus those of the committing packages, found in the bodies
    assert build.internal_packages() == INTERNAL
    assert set(build.app_routines()) == {r for r in routines if r.split(".")[0] not in WITHHELD}


@pytest.mark.postgres_only
def test_neither_role_has_an_attribute_or_a_membership_and_the_owner_never_logs_in(db):
    roles = db.rows("SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin "
                    "FROM pg_roles WHERE rolname IN ('ils_owner', 'ils_app') ORDER BY rolname")
    assert [r["rolname"] for r in roles] == ["ils_app", "ils_owner"]
    for r in roles:  # ils_app may have LOGIN: the embedded run gives it a password
        assert not any(r[a] for a in ("rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls")), r
    assert roles[1]["rolcanlogin"] is False
    assert db.rows("SELECT roleid::regrole::text AS granted, member::regrole::text AS member FROM pg_auth_members "
                   "WHERE member IN ('ils_app'::regrole, 'ils_owner'::regrole)") == []


@pytest.mark.postgres_only
def test_the_owner_owns_every_table_view_package_schema_and_routine(db):
    not_owned = db.rows(
        "SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
        "AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> 'ils_owner'::regrole "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
        "AND d.deptype = 'e') "
        "UNION ALL SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lib\\_%' AND nspowner <> 'ils_owner'::regrole")
    assert not_owned == []
    routines = db.rows(OWN_ROUTINES)
    assert len(routines) > 150  # body-private routines and trigger functions included
    assert [r["sig"] for r in routines if r["owner"] != "ils_owner"] == []
    assert {"audit_log", "loans"} <= {r["relname"] for r in db.rows(
        "SELECT relname FROM pg_class WHERE relowner = 'ils_owner'::regrole")}


@pytest.mark.postgres_only
def test_the_app_may_execute_exactly_the_spec_routines_each_with_the_owners_rights(db):
    routines = db.rows(OWN_ROUTINES)
    expected = {r for r in spec_routines() if r.split(".")[0] not in WITHHELD}
    assert {r["sig"] for r in routines if r["app_may"]} == expected
    assert [r["sig"] for r in routines if r["public_may"]] == []  # body-private routines included
    definer_path = f"search_path={build.SEARCH_PATH}"
    for r in routines:
        if r["app_may"]:
            assert r["prosecdef"] and r["proconfig"] == [definer_path], r["sig"]
        else:  # body-private routines, trigger functions, the jobs (which COMMIT: invoker's rights)
            assert not r["prosecdef"], r["sig"]
    assert any(r["sig"].startswith("lib_jobs.run_job(") and not r["prosecdef"] for r in routines)


@pytest.mark.postgres_only
def test_the_app_reads_every_table_and_view_writes_none_and_creates_nothing(db):
    tables = db.rows(
        "SELECT c.relname, has_table_privilege('ils_app', c.oid, 'SELECT') AS can_read, "
        + ", ".join(f"has_table_privilege('ils_app', c.oid, '{w}') AS can_{w.lower()}" for w in WRITES)
        + " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'p')")
    assert {"loans", "app_errors", "audit_log", "copy_availability_v"} <= {t["relname"] for t in tables}
    assert [t["relname"] for t in tables if not t["can_read"]] == []
    assert [(t["relname"], w) for t in tables for w in WRITES if t[f"can_{w.lower()}"]] == []
    schemas = db.rows("SELECT nspname, has_schema_privilege('ils_app', oid, 'USAGE') AS can_use, "
                      "has_schema_privilege('ils_app', oid, 'CREATE') AS can_create FROM pg_namespace")
    assert [s["nspname"] for s in schemas if s["can_create"]] == []
    used = {s["nspname"] for s in schemas if s["can_use"] and s["nspname"].startswith("lib_")}
    assert used == SPEC_PACKAGES - WITHHELD
    assert db.scalar("SELECT has_database_privilege('ils_app', current_database(), 'CREATE') "
                     "OR has_database_privilege('ils_app', current_database(), 'TEMPORARY')") is False


@pytest.mark.postgres_only
def test_acting_as_the_role_a_package_is_called_and_a_table_cannot_be_written(db):
    db.execute("SET LOCAL ROLE ils_app")
    assert db.fn("lib_err.code_of", "COPY_NOT_AVAILABLE") == -20104
    refused(db, -20104, "lib_err.raise_error", "COPY_NOT_AVAILABLE", None)
    assert db.scalar("SELECT COUNT(*) FROM copy_availability_v") >= 0
    for sql in ("INSERT INTO genres (name) VALUES ('Grants test')", "UPDATE app_settings SET value = value",
                "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DbError) as err:
            with db.savepoint():
                db.execute(sql)
        assert err.value.sqlstate == "42501", sql  # insufficient_privilege


@pytest.mark.oracle_only
def test_oracle_role_executes_every_spec_package_but_the_jobs_and_reads_every_table(db):
    role = db.scalar("SELECT USER FROM dual") + "_APP_ROLE"
    made = db.rows("SELECT table_name, privilege FROM user_tab_privs_made WHERE grantee = :role", {"role": role})
    assert {r["table_name"].lower() for r in made if r["privilege"] == "EXECUTE"} == SPEC_PACKAGES - WITHHELD
    readable = {r["table_name"].lower() for r in made if r["privilege"] == "READ"}
    objects = {r["name"].lower() for r in db.rows(
        "SELECT table_name AS name FROM user_tables WHERE secondary = 'N' AND COALESCE(dropped, 'NO') = 'NO' "
        "UNION ALL SELECT view_name FROM user_views")}
    assert objects and objects <= readable
    assert [r for r in made if r["privilege"] not in ("EXECUTE", "READ")] == []


@pytest.mark.postgres_only
def test_an_upgrade_applies_it_all_again(database_url):
    """What a superuser left behind (a table of its own, an attribute, a membership, a grant to PUBLIC)
    is put right by `scripts/ils db upgrade` (build.upgrade loads grants.sql again)."""
    admin = urlsplit(database_url)._replace(path="/postgres").geturl()
    name = "ils_grants_upgrade_probe"
    url = urlsplit(database_url)._replace(path="/" + name).geturl()
    try:
        build.install(admin, name)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE probe_extra (n integer)")
            conn.execute("GRANT EXECUTE ON FUNCTION lib_auth.setting_number(text, numeric) TO PUBLIC")
            conn.execute("ALTER ROLE ils_app CREATEDB")
            conn.execute("GRANT pg_read_all_data TO ils_app")
        build.upgrade(admin, name)
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT relowner::regrole::text, has_table_privilege('ils_app', oid, 'SELECT') "
                                "FROM pg_class WHERE relname = 'probe_extra'").fetchone() == ("ils_owner", True)
            assert conn.execute("SELECT has_function_privilege('ils_app', "
                                "'lib_auth.setting_number(text, numeric)', 'EXECUTE')").fetchone()[0] is False
            assert conn.execute("SELECT rolcreatedb FROM pg_roles WHERE rolname = 'ils_app'").fetchone()[0] is False
            assert conn.execute("SELECT COUNT(*) FROM pg_auth_members WHERE member = 'ils_app'::regrole").fetchone()[0] == 0
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute("ALTER ROLE ils_app NOCREATEDB")
            conn.execute("REVOKE pg_read_all_data FROM ils_app")
