"""The PostgreSQL build: translate the Oracle sources with ora2pg, load them, check them.

One ora2pg run over all sources (cross-package calls are only recognised when ora2pg has seen the
callee in the same input), one pass per object type. The translated output is a build artifact in
.build/pg/<hash>/, keyed by a hash of everything that shapes it, so an unchanged tree is not
translated again. Nothing translated is ever edited by hand or committed.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

from database import versioning

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DATABASE_DIR = ROOT / "database"
BUILD_DIR = ROOT / ".build" / "pg"
INSTALL_SCRIPT = DATABASE_DIR / "install.sql"
CONF = HERE / "ora2pg.conf"
COMPAT = HERE / "compat.sql"
STATIC_CHECK = HERE / "static_check.sql"
# PostgreSQL-only additions loaded after the translated schema (each file says why it is engine-specific)
ENGINE_EXTRAS = (HERE / "search_indexes.sql", HERE / "grants.sql")
# what reads the package specs for grants.sql (app_routines)
ROUTINE_READER = (DATABASE_DIR / "tooling" / "plsql_model.py", DATABASE_DIR / "tooling" / "plsql_lexer.py")
# ora2pg object types, in load order. TABLE carries indexes, constraints and comments too.
PASSES = ("TABLE", "VIEW", "PACKAGE", "TRIGGER")
# pg_temp last: a temporary table never stands in for a table (the implicit place of pg_temp is first)
SEARCH_PATH = "public, ora_compat, oracle, pg_catalog, pg_temp"
# Reference data is written in SQL common to both engines and loaded as it is;
# *_oracle.sql files check things only Oracle has (invalid objects) and are skipped here.
DATA_FILE = re.compile(r"_data\.sql$")
ORACLE_ONLY = re.compile(r"_oracle\.sql$")


class BuildError(RuntimeError):
    """The sources did not translate, load or pass the static check."""


def app_routines(files: list[Path] | None = None) -> list[str]:
    """'package.routine(arg,...)' of every routine the package specs declare, as the translation names it
    (lower case, argument names in order, OUT ones included), except those of packages whose body commits:
    what the application role may execute, each with the owner's rights. PostgreSQL forbids COMMIT in a
    SECURITY DEFINER procedure, so the committing packages (lib_jobs) run with the caller's rights, called
    by the owner or a superuser (pg_cron, `scripts/ils jobs run`), never by the application."""
    from database.tooling import plsql_model
    from database.tooling.plsql_lexer import ID
    files = files or sources()
    model = plsql_model.build([(f, f.read_text()) for f in files if f.suffix in (".pks", ".pkb")])
    committing = {package.lower() for package, body in model.bodies.items()
                  if any(t.kind == ID and t.up in ("COMMIT", "ROLLBACK") for t in body.unit.tokens)}
    return sorted(f"{package.lower()}.{r.name.up.lower()}({','.join(p.name.up.lower() for p in r.params)})"
                  for package, spec in model.specs.items()
                  if package.lower() not in committing | internal_packages(files)
                  for r in spec.routines if r.section.level == "SPEC")


INTERNAL_MARK = re.compile(r"^\s*\*\s*@internal(\s|$)", re.M)


def internal_packages(files: list[Path] | None = None) -> set[str]:
    """Packages whose spec says `@internal` in its doc comment: called only by the other packages and the
    triggers, never granted to the application role (grants_oracle.sql reads the same mark)."""
    return {f.stem.lower() for f in (files or sources()) if f.suffix == ".pks" and INTERNAL_MARK.search(f.read_text())}


def _extra_variables() -> dict[str, str]:
    """psql variables of the engine extras (grants.sql)."""
    return {"app_routines": " ".join(app_routines()), "search_path": SEARCH_PATH}


def sources(install_script: Path = INSTALL_SCRIPT) -> list[Path]:
    """The files install.sql runs, in its order: one list for both engines."""
    files = [f for f in versioning.install_files(install_script) if not ORACLE_ONLY.search(f.name)]
    if len(set(files)) != len(files):
        raise BuildError("install.sql names a file twice")
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise BuildError(f"install.sql names missing files: {missing}")
    return files


def source_hash(files: list[Path] | None = None) -> str:
    """The key of a build and of its template database: every file the build reads, and the migrations
    (their number is the version a fresh install is stamped with)."""
    h = hashlib.sha256()
    migrations = sorted(versioning.MIGRATIONS_DIR.glob("*.sql"))
    for f in (files or sources()) + [CONF, COMPAT, STATIC_CHECK, *ENGINE_EXTRAS, *ROUTINE_READER, Path(__file__),
                                     *migrations]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _strip_sqlplus(text: str) -> str:
    """Drop SQL*Plus-only lines (slash terminators, SET/PROMPT) that are not SQL."""
    keep = [ln for ln in text.splitlines() if not re.match(r"^\s*(/|PROMPT\b.*|SET\s+\w+.*|SHOW\s+ERRORS.*)\s*$", ln, re.I)]
    return "\n".join(keep) + "\n"


def translate(files: list[Path] | None = None, out: Path | None = None) -> Path:
    """Translate DDL and PL/SQL with ora2pg into a cached build folder; return the folder.

    ora2pg works in a private scratch folder renamed into place when complete, so concurrent
    builds of the same tree never see each other's half-written files.
    """
    files = files or sources()
    out = out or BUILD_DIR / source_hash(files)
    if (out / "done").exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        code = [f for f in files if not DATA_FILE.search(f.name)]
        combined = work / "all.sql"
        combined.write_text("".join(f"-- source: {f.name}\n{f.read_text()}\n" for f in code))
        for kind in PASSES:
            r = _tool(["ora2pg", "-c", str(CONF), "-i", str(combined), "-t", kind,
                       "-b", str(work), "-o", f"{kind.lower()}.sql", "-q"], cwd=work)
            if r.returncode != 0 or "FATAL" in r.stderr or not (work / f"{kind.lower()}.sql").exists():
                raise BuildError(f"ora2pg -t {kind} failed:\n{r.stdout}\n{r.stderr}")
        (work / "done").write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
        try:
            work.rename(out)
        except OSError:  # another build of the same tree finished first
            if not (out / "done").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _tool(args: list[str], **kw) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(args, capture_output=True, text=True, **kw)
    except OSError as e:  # not installed: scripts/setup.sh installs ora2pg and the PostgreSQL client
        raise BuildError(f"{args[0]} could not be run: {e.strerror} (scripts/setup.sh installs it)") from None


def _psql(url: str, path: Path, variables: dict[str, str] | None = None) -> None:
    """Load one file with psql, stopping at the first error; `variables` are psql variables (:'name')."""
    parts = urlsplit(url)
    env = dict(os.environ, PGPASSWORD=unquote(parts.password or ""), PGOPTIONS=f"-c search_path={SEARCH_PATH.replace(' ', '')}")
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", parts.hostname or "127.0.0.1",
            "-p", str(parts.port or 5432), "-U", unquote(parts.username or ""), "-d", parts.path.lstrip("/"), "-f", str(path)]
    for name, value in (variables or {}).items():
        args += ["-v", f"{name}={value}"]
    r = _tool(args, env=env)
    if r.returncode != 0:
        raise BuildError(f"loading {path.name} failed:\n{r.stderr.strip()}")


def _package_variables(out: Path) -> list[tuple[str, str]]:
    """ora2pg writes package variable defaults to global_variables.conf as `name = value`."""
    conf = out / "global_variables.conf"
    if not conf.exists():
        return []
    pairs = []
    for line in conf.read_text().splitlines():
        m = re.match(r"^\s*([\w.]+)\s*=\s*(.*?)\s*$", line)
        if m and not line.lstrip().startswith("#"):
            pairs.append((m.group(1), m.group(2).strip("'")))
    return pairs


def static_check(url: str) -> list[tuple]:
    """plpgsql_check over every routine and trigger; each row is one finding."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET search_path = {SEARCH_PATH}")
        return conn.execute(STATIC_CHECK.read_text()).fetchall()


def _raise_findings(url: str) -> None:
    findings = static_check(url)
    if findings:
        lines = "\n".join(" | ".join(str(c) for c in row if c is not None) for row in findings)
        raise BuildError(f"plpgsql_check reported {len(findings)} finding(s):\n{lines}")


def _stamp(url: str, version: int, script: str, checksum: str) -> None:
    from datalayer.session import connect
    s = connect(url)
    try:
        versioning.stamp(s, version, script, checksum)
        s.commit()
    finally:
        s.close()


def _configure(conn, dbname: str, out: Path, timezone: str) -> None:
    """Per-database settings (not copied from a template): search_path, time zone, package variables."""
    conn.execute(f'ALTER DATABASE "{dbname}" SET search_path = {SEARCH_PATH}')
    conn.execute(f'REVOKE TEMPORARY ON DATABASE "{dbname}" FROM PUBLIC')  # the app role creates nothing, not even there
    if _exists_role(conn, "ils_owner"):  # package state: a temporary table of the owner's (compat.sql, grants.sql)
        conn.execute(f'GRANT TEMPORARY ON DATABASE "{dbname}" TO ils_owner')
    conn.execute(f"ALTER DATABASE \"{dbname}\" SET timezone = '{timezone}'")
    for name, value in _package_variables(out):
        conn.execute(f'ALTER DATABASE "{dbname}" SET "{name}" = ' + psycopg.sql.Literal(value).as_string(conn))


def _exists_role(conn, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def _exists(conn, dbname: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone() is not None


def _build_template(admin_url: str, template: str, out: Path, files: list[Path], extras: tuple[Path, ...],
                    timezone: str, stamp: str | None) -> None:
    """Load and check the build into a scratch database, renamed to `template` only when it passed."""
    scratch = f"{template}_wip"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scratch}"')
        _configure(conn, scratch, out, timezone)
    url = urlsplit(admin_url)._replace(path="/" + scratch).geturl()
    try:
        _psql(url, COMPAT)
        for kind in PASSES:
            _psql(url, out / f"{kind.lower()}.sql")
        for f in files:
            if DATA_FILE.search(f.name):
                _psql(url, f)
        for extra in extras:
            _psql(url, extra, _extra_variables())
        _raise_findings(url)
        if stamp is not None:  # the last step: the template is a finished install of this version
            _stamp(url, versioning.latest(), "install.sql", stamp)
    except BaseException:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        raise
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{scratch}" RENAME TO "{template}"')


def _drop_stale_templates(conn, keep: str, spare: int = 2) -> None:
    """Builds of older source trees: keep the newest few (other checkouts may still use them)."""
    names = [r[0] for r in conn.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ils\\_build\\_%%' AND datname <> %s "
        "AND datname NOT LIKE '%%\\_wip' ORDER BY oid DESC", (keep,))]
    for name in names[spare:]:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _template(admin_url: str, files: list[Path] | None, timezone: str) -> tuple[Path, str, bool]:
    """The checked template database of a source list (built on first use): (build folder, name, cached)."""
    # a source list of its own (tests, an older tree) gets no extras and no version row
    extras, stamp = (ENGINE_EXTRAS, source_hash()) if files is None else ((), None)
    files = files or sources()
    out = translate(files)
    template = f"ils_build_{out.name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        built = _exists(conn, template)
    if not built:
        _build_template(admin_url, template, out, files, extras, timezone, stamp)
    return out, template, built


def install(admin_url: str, dbname: str, *, timezone: str = "UTC", files: list[Path] | None = None) -> dict:
    """(Re)create database `dbname` from the build of the sources. Returns timings.

    The first install of a source tree loads and checks it into a template database
    (ils_build_<hash>); every later install of the same tree is a copy of that template.
    """
    t0 = time.perf_counter()
    out, template, built = _template(admin_url, files, timezone)
    t1 = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{template}"')
        _configure(conn, dbname, out, timezone)
        _drop_stale_templates(conn, template)
    t2 = time.perf_counter()
    return {"database": dbname, "build": out.name, "cached": built,
            "translate_s": round(t1 - t0, 2), "load_s": round(t2 - t1, 2)}


# What an upgrade drops before loading the code again: the translated packages (schemas lib_*), the
# views and the trigger functions (their triggers go with them). CREATE OR REPLACE alone cannot change
# a routine's OUT parameters or a view's columns, and would leave routines the sources no longer have.
_CODE_OBJECTS = """
SELECT 'DROP VIEW IF EXISTS ' || c.oid::regclass::text || ' CASCADE' AS stmt
  FROM pg_class c
 WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'DROP FUNCTION IF EXISTS ' || p.oid::regprocedure::text || ' CASCADE'
  FROM pg_proc p
 WHERE p.pronamespace = 'public'::regnamespace AND p.prorettype = 'trigger'::regtype
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'DROP SCHEMA IF EXISTS ' || quote_ident(nspname) || ' CASCADE' FROM pg_namespace WHERE nspname LIKE 'lib\\_%'
"""


def upgrade(admin_url: str, dbname: str) -> dict:
    """Bring database `dbname` to the sources, keeping its data: the pending migrations, then every
    package, view and trigger re-created from the current build, the extras (grants, indexes) applied
    again, and a schema_version row per step. One transaction: it applies whole or not at all."""
    from datalayer.session import connect
    t0 = time.perf_counter()
    url = urlsplit(admin_url)._replace(path="/" + dbname).geturl()
    s = connect(url)
    try:
        state = versioning.read_state(s)
        if state.version is None:
            raise BuildError(f"database {dbname} holds no finished ILS install to upgrade")
        try:
            versioning.refuse_newer(state)
        except RuntimeError as exc:
            raise BuildError(f"database {dbname}: {exc}") from None
        drops = [r["stmt"] for r in s.rows(_CODE_OBJECTS)]
        timezone = s.scalar("SHOW timezone")  # the database's own, kept (install() may have been given another)
    finally:
        s.close()
    out, _, _ = _template(admin_url, None, "UTC")  # the code has passed plpgsql_check on a fresh schema
    pending = [m for m in versioning.migrations("postgresql") if m.version > state.version]
    steps: list[str] = ["BEGIN;"]
    variables: dict[str, str] = {}
    for i, m in enumerate(pending):
        variables |= {f"script{i}": m.script, f"sum{i}": m.checksum}
        steps += [f"-- migration {m.script}", m.path.read_text(),
                  f"DELETE FROM schema_version WHERE version = {m.version} AND script = :'script{i}';",
                  f"INSERT INTO schema_version (version, script, checksum, applied_at) "
                  f"VALUES ({m.version}, :'script{i}', :'sum{i}', timezone('UTC', now())::timestamp(0));"]
    steps += [f"{d};" for d in drops]
    steps += [COMPAT.read_text()] + [(out / f"{kind.lower()}.sql").read_text() for kind in PASSES if kind != "TABLE"]
    steps += [extra.read_text() for extra in ENGINE_EXTRAS]
    variables |= _extra_variables()
    variables["code_sum"] = source_hash()
    steps += [f"DELETE FROM schema_version WHERE version = {versioning.latest()} AND script = 'sources';",
              f"INSERT INTO schema_version (version, script, checksum, applied_at) "
              f"VALUES ({versioning.latest()}, 'sources', :'code_sum', timezone('UTC', now())::timestamp(0));",
              "COMMIT;"]
    with tempfile.TemporaryDirectory(prefix="ils-upgrade-") as tmp:
        script = Path(tmp) / "upgrade.sql"
        script.write_text("\n".join(steps) + "\n")
        _psql(url, script, variables)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        _configure(conn, dbname, out, timezone)
    _raise_findings(url)
    return {"database": dbname, "from": state.version, "to": versioning.latest(),
            "migrations": [m.script for m in pending], "seconds": round(time.perf_counter() - t0, 2)}


if __name__ == "__main__":
    print(translate())
    sys.exit(0)
