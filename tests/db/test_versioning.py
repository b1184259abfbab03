"""Schema versions: a fresh install records its version, version 1 upgrades to exactly a fresh install
with its data kept, a failed upgrade changes nothing, and a half-done install is told from a finished one."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from database import versioning
from datalayer.session import connect

# Version 1: main when versioning began (the schema without schema_version).
VERSION_1_COMMIT = "68ad193"
ROOT = Path(__file__).resolve().parents[2]
REFERENCE_TABLES = ("app_errors", "app_settings", "jobs", "roles", "permissions", "role_permissions",
                    "material_types", "patron_categories", "patron_statuses", "copy_statuses", "loan_statuses",
                    "hold_statuses", "fine_types", "fine_statuses", "payment_methods")


def test_migrations_are_numbered_once_per_engine_and_the_sqlplus_stamp_names_the_newest():
    for engine in ("oracle", "postgresql"):
        found = versioning.migrations(engine)
        assert [m.version for m in found] == sorted({m.version for m in found})
        assert found[0].version == 2 and found[-1].version == versioning.latest()
    stamp = versioning.STAMP_SCRIPT.read_text()
    assert re.search(rf"VALUES \({versioning.latest()}, 'install.sql'", stamp), \
        "999_stamp_version_oracle.sql must record the newest migration's number"


def test_upgrade_sql_runs_every_oracle_migration_in_order_under_sqlplus():
    lines = re.findall(r"^@@sqlplus/(migrate(?:_first)?)\.sql (\d+) (\S+) (\S+)$",
                       (versioning.DATABASE_DIR / "upgrade.sql").read_text(), re.M)
    expected = versioning.migrations("oracle")
    assert [(int(v), script, file) for _, v, script, file in lines] == \
        [(m.version, m.script, m.path.name) for m in expected]
    assert [guard for guard, *_ in lines] == ["migrate_first"] + ["migrate"] * (len(expected) - 1)


def test_install_sql_creates_the_version_table_first_and_stamps_last():
    files = [f.name for f in versioning.install_files()]
    assert files[:3] == ["000_preflight_oracle.sql", "005_schema_version.sql", "006_install_started_oracle.sql"]
    assert files[-1] == versioning.STAMP_SCRIPT.name


def test_a_fresh_install_records_the_newest_version(db):
    state = versioning.read_state(db)
    assert state.version == versioning.latest() and not state.partial
    assert db.scalar("SELECT COUNT(*) FROM schema_version WHERE script = 'install.sql'") == 1


def test_plan_for_each_state():
    assert versioning.plan(versioning.State(None), "x") == "install"
    assert versioning.plan(versioning.State(None, partial=True), "x") == "reinstall"
    assert versioning.plan(versioning.State(1), "x") == "upgrade"
    assert versioning.plan(versioning.State(versioning.latest(), code_checksum="old"), "new") == "upgrade"
    assert versioning.plan(versioning.State(versioning.latest(), code_checksum="x"), "x") == "current"
    with pytest.raises(RuntimeError):
        versioning.plan(versioning.State(versioning.latest() + 1, code_checksum="x"), "x")


# ---- PostgreSQL: real installs in scratch databases ----------------------------------------------

@pytest.fixture
def scratch(database_url):
    """Names of scratch databases in the test cluster, dropped afterwards."""
    admin = urlsplit(database_url)._replace(path="/postgres").geturl()
    made: list[str] = []

    def _db(name: str) -> tuple[str, str]:
        made.append(name)
        return admin, urlsplit(database_url)._replace(path="/" + name).geturl()

    yield _db
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def version_1_tree(tmp_path_factory) -> Path:
    """database/ and plsql/ as they were at version 1, from the repository's history."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.fail("the version-1 upgrade test needs the git history of the checkout (a full clone)")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", VERSION_1_COMMIT, "database", "plsql"],
                             capture_output=True, check=True).stdout
    tree = tmp_path_factory.mktemp("version1")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _snapshot(url: str) -> dict[str, list]:
    """What an install is made of: tables and columns, constraints, indexes, routines, triggers,
    views, who owns them and who may use them, and the reference rows."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, "
                   "numeric_scale, is_nullable, column_default, is_identity, identity_generation "
                   "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        "constraints": "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
        "routines": "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), "
                    "pg_get_function_result(p.oid), md5(p.prosrc), p.prosecdef, p.proconfig, "
                    "p.proowner::regrole::text, p.proacl::text FROM pg_proc p "
                    "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname LIKE 'lib\\_%' "
                    "OR (n.nspname IN ('public', 'ora_compat') AND p.prorettype = 'trigger'::regtype) "
                    "OR n.nspname = 'ora_compat' ORDER BY 1, 2, 3",
        "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                    "WHERE NOT tgisinternal ORDER BY 1, 2",
        "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1",
        "extensions": "SELECT extname FROM pg_extension ORDER BY 1",
        "grants": "SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants "
                  "WHERE table_schema = 'public' ORDER BY 1, 2, 3",
        "owners": "SELECT c.relname, c.relkind, c.relowner::regrole::text, c.relacl::text FROM pg_class c "
                  "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY 1",
        "schemas": "SELECT nspname, nspowner::regrole::text, nspacl::text FROM pg_namespace "
                   "WHERE nspname LIKE 'lib\\_%' OR nspname IN ('public', 'ora_compat') ORDER BY 1",
        "database": "SELECT datacl::text FROM pg_database WHERE datname = current_database()",
    }
    with psycopg.connect(url) as conn:
        snap = {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
        for table in REFERENCE_TABLES:  # an older version may not have the table yet
            there = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is not None
            snap[table] = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() if there else None
        return snap


@pytest.mark.postgres_only
def test_version_1_upgraded_equals_a_fresh_install_and_keeps_its_data(scratch, version_1_tree):
    from database.postgres import build
    admin, old_url = scratch("ils_upgrade_v1_probe")
    _, fresh_url = scratch("ils_upgrade_fresh_probe")
    build.install(admin, "ils_upgrade_v1_probe", files=build.sources(version_1_tree / "database" / "install.sql"))
    with psycopg.connect(old_url) as conn:
        conn.execute("INSERT INTO genres (name) VALUES ('Kept across the upgrade')")
    s = connect(old_url)
    try:
        assert versioning.read_state(s).version == 1
    finally:
        s.close()

    result = build.upgrade(admin, "ils_upgrade_v1_probe")
    build.install(admin, "ils_upgrade_fresh_probe")

    assert result["from"] == 1 and result["to"] == versioning.latest()
    with pytest.raises(build.BuildError):  # older sources never run over a newer schema
        with psycopg.connect(old_url) as conn:
            conn.execute("INSERT INTO schema_version VALUES (%s, 'future.sql', 'x', now())", (versioning.latest() + 1,))
        build.upgrade(admin, "ils_upgrade_v1_probe")
    with psycopg.connect(old_url) as conn:
        conn.execute("DELETE FROM schema_version WHERE script = 'future.sql'")
    upgraded, fresh = _snapshot(old_url), _snapshot(fresh_url)
    for part in fresh:
        assert upgraded[part] == fresh[part], f"{part} differ after the upgrade from version 1"
    with psycopg.connect(old_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM genres WHERE name = 'Kept across the upgrade'").fetchone()[0] == 1
        steps = [r[0] for r in conn.execute("SELECT script FROM schema_version ORDER BY version, script")]
    assert steps == [m.script for m in versioning.migrations("postgresql")] + ["sources"]
    s = connect(old_url)
    try:
        assert versioning.plan(versioning.read_state(s), build.source_hash()) == "current"
    finally:
        s.close()


@pytest.mark.postgres_only
def test_a_failing_migration_leaves_the_database_as_it_was(scratch, version_1_tree, tmp_path, monkeypatch):
    from database.postgres import build
    admin, url = scratch("ils_upgrade_fail_probe")
    build.install(admin, "ils_upgrade_fail_probe", files=build.sources(version_1_tree / "database" / "install.sql"))
    before = _snapshot(url)
    broken = tmp_path / "migrations"
    shutil.copytree(versioning.MIGRATIONS_DIR, broken)
    (broken / f"{versioning.latest() + 1:03d}_broken.sql").write_text("ALTER TABLE no_such_table ADD note VARCHAR(10);\n")
    monkeypatch.setattr(versioning, "MIGRATIONS_DIR", broken)

    with pytest.raises(build.BuildError):
        build.upgrade(admin, "ils_upgrade_fail_probe")

    assert _snapshot(url) == before
    s = connect(url)
    try:
        assert versioning.read_state(s).version == 1
    finally:
        s.close()


@pytest.mark.postgres_only
def test_a_half_done_install_is_told_from_a_finished_one(scratch):
    admin, url = scratch("ils_half_done_probe")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('CREATE DATABASE "ils_half_done_probe"')
    s = connect(url)
    try:
        assert versioning.read_state(s) == versioning.State(None)  # empty: a first install
        s.execute("CREATE TABLE schema_version (version integer, script varchar(200), checksum varchar(64), "
                  "applied_at timestamp(0))")
        s.commit()
        assert versioning.plan(versioning.read_state(s), "x") == "reinstall"  # stopped before any table
        s.execute("CREATE TABLE users (user_id integer)")
        s.commit()  # migration 002 ran, its row did not: an upgrade from version 1 that stopped, resumed
        assert versioning.read_state(s) == versioning.State(1)
        s.execute("INSERT INTO schema_version VALUES (0, 'install.sql', 'started', now())")
        s.commit()  # an Oracle install that started and did not finish: removed and done again
        state = versioning.read_state(s)
        assert state.partial and versioning.plan(state, "x") == "reinstall"
    finally:
        s.close()
