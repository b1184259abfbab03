"""Schema versions on both engines: the migrations, what a database holds, and what to do about it.

A fresh install (install.sql) builds the newest schema at once. A database installed earlier is brought
forward by an upgrade: the pending numbered migrations of database/migrations/ (table-level changes and
reference rows, run as they are written), then every package, view and trigger re-created from the
sources and the grants applied again. Version 1 is the schema before versioning (no schema_version
table); migration NNN brings a database to version NNN. Each step writes a schema_version row last.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

DATABASE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = DATABASE_DIR / "migrations"
INSTALL_SCRIPT = DATABASE_DIR / "install.sql"
STAMP_SCRIPT = DATABASE_DIR / "999_stamp_version_oracle.sql"
STARTED_SCRIPT = DATABASE_DIR / "006_install_started_oracle.sql"  # install only, like the stamp
MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.(oracle|postgres))?\.sql$")
ENGINE_SUFFIX = {"oracle": "oracle", "postgresql": "postgres"}
# Files of install.sql an upgrade runs again: the code (packages, triggers, views) and the Oracle-only
# steps (pre-flight, grants, the invalid-object check). Tables, indexes, comments and reference data
# change only through migrations.
REPLAYED = re.compile(r"(^|/)plsql/|_views\.sql$|_oracle\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    script: str  # the file name recorded in schema_version
    path: Path

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class State:
    """What a database holds: no ILS schema, a half-done install, or a version."""
    version: int | None  # None: nothing installed, or half-done
    partial: bool = False
    code_checksum: str | None = None  # checksum of the sources the packages were last created from


def migrations(engine: str) -> list[Migration]:
    """The migrations for `engine` in version order: NNN_name.sql, or its NNN_name.<engine>.sql variant."""
    files: dict[int, dict[str | None, Path]] = {}
    names: dict[int, str] = {}
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = MIGRATION_NAME.match(path.name)
        if m is None:
            raise ValueError(f"{path.name}: migrations are named NNN_name.sql or NNN_name.<oracle|postgres>.sql")
        version, name, variant = int(m.group(1)), m.group(2), m.group(3)
        if names.setdefault(version, name) != name:
            raise ValueError(f"migration {version:03d} has two names: {names[version]}, {name}")
        files.setdefault(version, {})[variant] = path
    found = []
    for version in sorted(files):
        variants = files[version]
        if None in variants and len(variants) > 1:
            raise ValueError(f"migration {version:03d}: a common file and engine variants")
        path = variants.get(ENGINE_SUFFIX[engine]) or variants.get(None)
        if path is None:
            raise ValueError(f"migration {version:03d} has no file for {engine}")
        found.append(Migration(version, f"{version:03d}_{names[version]}.sql", path))
    return found


def latest() -> int:
    """The version a fresh install is: the newest migration's number (1 before any migration)."""
    numbers = [int(m.group(1)) for p in MIGRATIONS_DIR.glob("*.sql") if (m := MIGRATION_NAME.match(p.name))]
    return max(numbers, default=1)


def install_files(install_script: Path = INSTALL_SCRIPT) -> list[Path]:
    """The files install.sql runs (@@ lines, nested scripts followed), in its order."""
    files = []
    for line in install_script.read_text().splitlines():
        m = re.match(r"^\s*@@(\S+)", line)
        if m:
            path = (install_script.parent / m.group(1)).resolve()
            files += install_files(path) if path.name.startswith("install_") else [path]
    return files


def replayed_files() -> list[Path]:
    """What an upgrade runs again after the migrations, in install order."""
    root = DATABASE_DIR.parent
    return [f for f in install_files() if REPLAYED.search(f.relative_to(root).as_posix())]


def sources_checksum() -> str:
    """One checksum over every file install.sql runs: changes whenever a package, view or trigger does."""
    h = hashlib.sha256()
    for f in install_files():
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def read_state(session) -> State:
    """Read the version of the database behind `session` (datalayer.session.Session, either engine)."""
    if session.engine == "oracle":
        tables = {r["table_name"].lower() for r in session.rows(
            "SELECT table_name FROM user_tables WHERE table_name IN ('SCHEMA_VERSION', 'USERS', 'JOBS')")}
    else:
        tables = {r["tablename"] for r in session.rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename IN ('schema_version', 'users', 'jobs')")}
    if "schema_version" in tables:
        top = session.scalar("SELECT MAX(version) FROM schema_version")
        if top is None:  # migration 002 made the table, its row is not written: an upgrade from 1 stopped
            return State(1) if "users" in tables else State(None, partial=True)
        if int(top) == 0:  # an Oracle install that started (006_install_started_oracle.sql) and did not finish
            return State(None, partial=True)
        # a sources row is always written after the install row of its version: it wins a tie in time
        code = session.scalar(
            "SELECT checksum FROM schema_version WHERE script IN ('install.sql', 'sources') AND version > 0 "
            "ORDER BY version DESC, CASE script WHEN 'sources' THEN 0 ELSE 1 END, applied_at DESC")
        return State(int(top), code_checksum=code)
    if "users" in tables:
        return State(1)  # installed before versioning began: never removed, only upgraded
    return State(None, partial=bool(tables))


def refuse_newer(state: State) -> None:
    """An upgrade never runs older sources over a newer schema."""
    if state.version is not None and state.version > latest():
        raise RuntimeError(f"the database is at schema version {state.version}, newer than these sources "
                           f"({latest()}): use the release that installed it")


def plan(state: State, code_checksum: str) -> str:
    """What brings the database to the sources: install, reinstall (half-done), upgrade, or nothing."""
    if state.partial:
        return "reinstall"
    if state.version is None:
        return "install"
    refuse_newer(state)
    if state.version < latest() or state.code_checksum != code_checksum:
        return "upgrade"
    return "current"


def stamp(session, version: int, script: str, checksum: str) -> None:
    """Write one schema_version row (the caller commits)."""
    session.execute("DELETE FROM schema_version WHERE version = :version AND script = :script",
                    {"version": version, "script": script})
    session.execute(
        "INSERT INTO schema_version (version, script, checksum, applied_at) "
        "VALUES (:version, :script, :checksum, :applied_at)",
        {"version": version, "script": script, "checksum": checksum[:64],
         "applied_at": datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)})
