"""What the application role may do, as the install grants it (database/postgres/grants.sql on
PostgreSQL, database/grants_oracle.sql on Oracle): call the packages of the specs, read the tables and
views, write nothing directly."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.db.session import DbError
from tests.db.conftest import refused

ROOT = Path(__file__).resolve().parents[2]
SPEC_PACKAGES = {re.search(r"(?im)^CREATE OR REPLACE PACKAGE (\w+) AS", p.read_text()).group(1).lower()
                 for p in (ROOT / "plsql").glob("*.pks")}
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def test_the_specs_declare_packages():
    assert {"lib_err", "lib_circulation", "lib_jobs"} <= SPEC_PACKAGES


@pytest.mark.postgres_only
def test_the_role_is_a_plain_nologin_role(db):
    role = db.one("SELECT rolsuper, rolcanlogin, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
                  "FROM pg_roles WHERE rolname = 'ils_app'")
    assert role == {"rolsuper": False, "rolcanlogin": False, "rolcreaterole": False, "rolcreatedb": False,
                    "rolreplication": False, "rolbypassrls": False}


@pytest.mark.postgres_only
def test_the_role_may_use_every_spec_package_and_read_every_table_but_write_none(db):
    usable = {r["nspname"] for r in db.rows(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lib\\_%' "
        "AND has_schema_privilege('ils_app', oid, 'USAGE')")}
    assert SPEC_PACKAGES <= usable
    tables = db.rows(
        "SELECT c.relname, has_table_privilege('ils_app', c.oid, 'SELECT') AS can_read, "
        + ", ".join(f"has_table_privilege('ils_app', c.oid, '{w}') AS can_{w.lower()}" for w in WRITES)
        + " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'p')")
    assert {"loans", "app_errors", "copy_availability_v"} <= {t["relname"] for t in tables}
    assert [t["relname"] for t in tables if not t["can_read"]] == []
    assert [(t["relname"], w) for t in tables for w in WRITES if t[f"can_{w.lower()}"]] == []


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
def test_oracle_role_has_execute_on_every_spec_package_and_select_on_every_table(db):
    role = db.scalar("SELECT USER FROM dual") + "_APP_ROLE"
    made = db.rows("SELECT table_name, privilege FROM user_tab_privs_made WHERE grantee = :role", {"role": role})
    assert {r["table_name"].lower() for r in made if r["privilege"] == "EXECUTE"} == SPEC_PACKAGES
    readable = {r["table_name"].lower() for r in made if r["privilege"] == "SELECT"}
    objects = {r["name"].lower() for r in db.rows(
        "SELECT table_name AS name FROM user_tables WHERE secondary = 'N' AND COALESCE(dropped, 'NO') = 'NO' "
        "UNION ALL SELECT view_name FROM user_views")}
    assert objects and objects <= readable
    assert [r for r in made if r["privilege"] not in ("EXECUTE", "SELECT")] == []
