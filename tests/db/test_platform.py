"""The installed schema: 19 core tables with comments, reference data, the error catalog."""
import re
from pathlib import Path

import pytest

from datalayer.session import DbError

CORE_TABLES = {"users", "roles", "permissions", "user_roles", "role_permissions", "branches", "closed_days",
               "patrons", "materials", "authors", "material_authors", "genres", "copies", "circ_policies",
               "loans", "holds", "fines", "payments", "audit_log"}
ROOT = Path(__file__).resolve().parents[2]


def _tables_with_comment(db, engine):
    if engine == "oracle":
        return {r["table_name"].lower() for r in db.rows(
            "SELECT table_name FROM user_tab_comments WHERE comments IS NOT NULL AND table_type = 'TABLE'")}
    return {r["relname"] for r in db.rows(
        "SELECT c.relname FROM pg_class c JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = 0 "
        "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace")}


def test_core_tables_exist_with_comments(db, engine):
    assert CORE_TABLES <= _tables_with_comment(db, engine)


def test_every_core_column_has_a_comment(db, engine):
    if engine == "oracle":
        missing = db.rows("SELECT table_name, column_name FROM user_col_comments WHERE comments IS NULL")
        missing = [r for r in missing if r["table_name"].lower() in CORE_TABLES]
    else:
        missing = db.rows(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_description d ON d.objoid = c.oid AND d.objsubid = a.attnum "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 "
            "AND NOT a.attisdropped AND d.description IS NULL")
        missing = [r for r in missing if r["relname"] in CORE_TABLES]
    assert missing == []


def test_roles_and_permissions_of_the_contract_are_seeded(db):
    perms = {r["code"] for r in db.rows(
        "SELECT p.code FROM role_permissions rp JOIN roles r ON r.role_id = rp.role_id "
        "JOIN permissions p ON p.permission_id = rp.permission_id WHERE r.code = 'BRANCH_MANAGER'")}
    assert {"CIRC_OVERRIDE", "FINE_WAIVE", "PATRON_SUSPEND", "CIRC_CHECKOUT", "RPT_FINANCIAL"} <= perms
    assert db.scalar("SELECT COUNT(*) FROM roles") >= 6
    assert db.scalar("SELECT COUNT(*) FROM circ_policies WHERE branch_id IS NULL AND patron_category IS NULL "
                     "AND material_type IS NULL") == 1
    assert db.scalar("SELECT COUNT(*) FROM branches WHERE code = 'MAIN'") == 1


def test_raise_error_raises_the_catalog_code(db):
    with pytest.raises(DbError) as err:
        db.call("lib_err.raise_error", "COPY_NOT_AVAILABLE", "copy 1")
    assert err.value.code == -20104


def test_raise_error_with_unknown_name_raises_unknown_error_name(db):
    with pytest.raises(DbError) as err:
        db.call("lib_err.raise_error", "NO_SUCH_ERROR", None)
    assert err.value.code == -20901


def test_every_catalog_error_has_a_raise_branch(db):
    body = (ROOT / "plsql" / "lib_err.pkb").read_text()
    branches = {int(c) for c in re.findall(r"WHEN (-20\d{3}) THEN RAISE_APPLICATION_ERROR\(\1,", body)}
    catalog = {r["error_code"] for r in db.rows("SELECT error_code FROM app_errors")}
    assert branches == catalog


def test_actor_is_per_session_and_clearable(db):
    from tests.factories import Factory
    user = Factory(db).user()
    db.set_actor(user)
    assert db.fn("lib_session.actor") == user
    db.call("lib_session.clear_actor")
    assert db.fn("lib_session.actor") is None
