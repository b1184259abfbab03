"""The project's command line: `scripts/ils <command>` (scripts/ils sets up the machine first).

  run                       embedded database + schema + demo data, then API, staff UI and the notice
                            sender, supervised (a child that dies is restarted; Ctrl-C or SIGTERM stops all)
  test [pytest args]        the whole test suite against a fresh embedded test database
  db start|stop|status|url  the embedded PostgreSQL cluster (url --app: the application role's URL)
  db install [--demo]       rebuild the application database from the sources (wipes it)
  db upgrade                bring the database to the sources, keeping its data (migrations, code)
  db build                  translate the Oracle sources with ora2pg (cached) and report timings
  demo load [--scale S]     load demo or scale data into the application database
  oracle install|upgrade|uninstall  install.sql / the migrations on Oracle through python-oracledb (--url)
  oracle install-jobs       schedule the nightly jobs with DBMS_SCHEDULER (uninstall-jobs removes them)
  oracle create-users       database/create_users.sql as a DBA: schema owner, application user, role
  admin bootstrap           create the first IT admin from ILS_ADMIN_USERNAME / ILS_ADMIN_PASSWORD
  syntax-check [files]      the Oracle syntax gate over database/ and plsql/
  semantic-check [files]    the Oracle semantic check (name resolution, PLS-00231, spec/body, calls)
  audit-triggers [--check]  generate plsql/audit_triggers.sql from the audited-table list and the DDL
  lib-err [--check]         generate plsql/lib_err.pkb (its raise branches) from database/091_app_errors_data.sql
  vocabulary [--check]      generate api/vocabulary.py (the API's enums) from database/089_vocabulary_data.sql
  package-calls [--check]   generate datalayer/packages/ (typed Python calls) from the package specs
  jobs ...                  the nightly jobs (list, run, history): see `jobs --help`
  notices send [--once]     deliver the notice outbox (the sender worker); notices credentials: its account
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from scripts import cluster

ROOT = Path(__file__).resolve().parent.parent
JWT_SECRET_FILE = cluster.STATE_DIR / "jwt-secret"
PERMISSION_DENIED = -20411  # app_errors: a guarded call with no signed-in user outside the owner's session
DEMO_LOGINS = ("librarian", "manager", "cataloger", "itadmin", "director", "patron1", "patron2", "patron3")


def _say(msg: str) -> None:
    print(f"ils: {msg}", flush=True)


def _app_url() -> str:
    return os.environ.get("ILS_DATABASE_URL") or cluster.default_url()


def _install(demo: bool) -> None:
    from database.postgres import build
    t0 = time.perf_counter()
    result = build.install(cluster.admin_url(), cluster.DATABASE)
    _say(f"schema installed in {time.perf_counter() - t0:.1f}s (translate+load+check {result['translate_s']}s, "
         f"copy {result['load_s']}s, build {result['build']})")
    from scripts import jobs
    scheduled = jobs.schedule_pg(cluster.default_url(), cluster.DATABASE, None)
    cluster.restart()  # the database pg_cron watches was recreated: start its scheduler again
    _say(f"nightly jobs scheduled with pg_cron: {', '.join(e['job_name'] for e in scheduled)} (scripts/ils jobs list)")
    if demo:
        _load_demo("demo")


def _load_demo(scale: str) -> None:
    from scripts import demo
    t0 = time.perf_counter()
    result = demo.load(cluster.default_url(), scale=scale, progress=scale != "demo")
    rows = ", ".join(f"{n} {t}" for t, n in result["counts"].items())
    _say(f"demo data loaded in {time.perf_counter() - t0:.1f}s: {rows}")


def _bring_up_to_date(demo: bool) -> None:
    """Install, finish or upgrade the embedded database as schema_version says, keeping data."""
    from database import versioning
    from database.postgres import build
    from datalayer.session import connect
    s = connect(cluster.default_url())
    try:
        state = versioning.read_state(s)
    finally:
        s.close()
    action = versioning.plan(state, build.source_hash())
    if action == "install":
        _say("first run: installing the schema" + (" and the demo data" if demo else ""))
        _install(demo)
    elif action == "reinstall":
        _say("found a half-done install (no schema_version row): installing again")
        _install(demo)
    elif action == "upgrade":
        _upgrade_pg(cluster.admin_url(), cluster.DATABASE)
    cluster.enable_app_login()


def _upgrade_pg(admin_url: str, dbname: str) -> None:
    from database.postgres import build
    result = build.upgrade(admin_url, dbname)
    steps = ", ".join(result["migrations"]) or "no migration"
    _say(f"database {dbname} upgraded from version {result['from']} to {result['to']} in {result['seconds']}s "
         f"({steps}; packages, views and triggers re-created; data kept)")


def _db_upgrade() -> int:
    """`db upgrade`: the database ILS_DATABASE_URL names (either engine, as its owner), else the embedded one."""
    url = os.environ.get("ILS_DATABASE_URL")
    if url and url.startswith("oracle"):
        return cmd_oracle(argparse.Namespace(action="upgrade", url=url, if_missing=False))
    if url:
        parts = urlsplit(url)
        _upgrade_pg(parts._replace(path="/postgres").geturl(), parts.path.lstrip("/"))
        return 0
    cluster.start()
    _upgrade_pg(cluster.admin_url(), cluster.DATABASE)
    cluster.enable_app_login()
    return 0


def _jwt_secret() -> str:
    if os.environ.get("ILS_JWT_SECRET"):
        return os.environ["ILS_JWT_SECRET"]
    if not JWT_SECRET_FILE.exists():
        cluster.STATE_DIR.mkdir(exist_ok=True)
        JWT_SECRET_FILE.write_text(secrets.token_urlsafe(48) + "\n")
        JWT_SECRET_FILE.chmod(0o600)
    return JWT_SECRET_FILE.read_text().strip()


def cmd_run(args) -> int:
    from services.settings import SettingsError, trusted_proxies
    try:
        trusted_proxies()  # a malformed ILS_TRUSTED_PROXIES stops before any work
    except SettingsError as e:
        print(f"ils: {e}", file=sys.stderr)
        return 2
    cluster.start()
    _bring_up_to_date(demo=not args.no_demo)
    # the server and the sender connect as the application role; installs, demo data and jobs keep the
    # owner's URL; the sender signs in as its service account (scripts/notices.py)
    from scripts import notices, supervisor
    env = notices.sender_env(dict(os.environ, ILS_DATABASE_URL=cluster.app_url(), ILS_JWT_SECRET=_jwt_secret(),
                                  ILS_SENDER_PASSWORD=os.environ.get("ILS_SENDER_PASSWORD")
                                  or notices.embedded_password()))
    url = f"http://{args.host}:{args.port}"

    def shown(db_url: str, role: str) -> str:
        return urlsplit(db_url)._replace(netloc=f"{role}:***@127.0.0.1:{cluster.PORT}").geturl()
    print(f"\n  ILS is starting on {url}\n"
          f"    staff UI        {url}/staff/\n"
          f"    health          {url}/staff/health\n"
          f"    API docs        {url}/docs\n"
          f"    metrics         {url}/metrics\n"
          f"  demo logins (password = <username>-pass): {', '.join(DEMO_LOGINS)}\n"
          f"  database        {shown(cluster.app_url(), cluster.APP_ROLE)} (the server: spec routines and reads)\n"
          f"                  {shown(cluster.default_url(), cluster.ROLE)} (owner/admin: DBAs, jobs, demo data)\n"
          f"  stop with Ctrl-C or SIGTERM; the database keeps running (scripts/ils db stop)\n", flush=True)
    if args.workers > 1:  # /metrics sums the workers through a shared, emptied folder
        metrics_dir = cluster.STATE_DIR / "metrics"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    return supervisor.Supervisor(supervisor.children(args.host, args.port, args.workers, env)).run()


def cmd_test(args) -> int:
    cluster.start()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.setdefault("ILS_DATABASE_URL", cluster.admin_url("ils_test"))
    env.setdefault("ILS_JWT_SECRET", secrets.token_urlsafe(32))
    code = subprocess.call([sys.executable, "-m", "pytest", *args.pytest_args], env=env, cwd=ROOT)
    if code == 5:
        _say("pytest collected no tests: that is a failure")
        return 1
    return code


def cmd_db(args) -> int:
    if args.action == "start":
        cluster.start()
        _say(f"embedded PostgreSQL running on 127.0.0.1:{cluster.PORT} (ILS_PG_PORT; data in {cluster.location()})")
    elif args.action == "stop":
        cluster.stop()
        _say("embedded PostgreSQL stopped")
    elif args.action == "status":
        running = cluster.is_running()
        _say(f"embedded PostgreSQL {'running' if running else 'stopped'} (port {cluster.PORT})")
        return 0 if running else 3
    elif args.action == "url":
        if args.app:
            cluster.enable_app_login()
        print(cluster.app_url() if args.app else cluster.default_url())
    elif args.action == "install":
        cluster.start()
        _install(demo=args.demo)
        cluster.enable_app_login()
    elif args.action == "upgrade":
        return _db_upgrade()
    elif args.action == "build":
        from database.postgres import build
        t0 = time.perf_counter()
        out = build.translate()
        _say(f"translated in {time.perf_counter() - t0:.2f}s into {out.relative_to(ROOT)}")
    return 0


def cmd_demo(args) -> int:
    cluster.start()
    _load_demo(args.scale)
    return 0


def cmd_oracle(args) -> int:
    if args.action in ORACLE_SCRIPTS:
        return cmd_oracle_script(args)
    from database import oracle_install
    from datalayer.session import connect
    url = args.url or os.environ.get("ILS_DATABASE_URL", "")
    if not url.startswith("oracle"):
        _say("give --url oracle+oracledb://user:password@host:1521/service (or set ILS_DATABASE_URL)")
        return 2
    s = connect(url)
    try:
        if args.action == "install" and args.if_missing:
            done = oracle_install.ensure(s.raw)
            _say({"install": "installed the ILS schema", "reinstall": "removed a half-done install and installed again",
                  "upgrade": "upgraded the ILS schema to the sources", "current": "the ILS schema is current: nothing to do"}[done])
        elif args.action == "upgrade":
            result = oracle_install.upgrade(s.raw)
            _say(f"upgraded from version {result['from']} to {result['to']} "
                 f"({', '.join(result['migrations']) or 'no migration'}; {result['statements']} statements)")
        else:
            n = (oracle_install.install if args.action == "install" else oracle_install.uninstall)(s.raw)
            _say(f"{args.action}: {n} statements executed")
    finally:
        s.close()
    return 0


ORACLE_SCRIPTS = ("install-jobs", "uninstall-jobs", "create-users")


def cmd_oracle_script(args) -> int:
    """The Oracle scripts beside install.sql: the jobs as the schema owner, the accounts as a DBA."""
    from database import oracle_install
    from datalayer.session import connect
    dba = args.action == "create-users"
    url = args.url or os.environ.get("ILS_DBA_URL" if dba else "ILS_DATABASE_URL", "")
    if not url.startswith("oracle"):
        _say(f"give --url oracle+oracledb://{'system' if dba else 'owner'}:password@host:1521/service "
             f"(or set {'ILS_DBA_URL' if dba else 'ILS_DATABASE_URL'})")
        return 2
    if dba:
        passwords = {k: os.environ.get(k, "") for k in ("ILS_OWNER_PASSWORD", "ILS_APP_USER_PASSWORD")}
        if not all(passwords.values()):
            _say("set ILS_OWNER_PASSWORD and ILS_APP_USER_PASSWORD (the passwords of the new accounts)")
            return 2
    s = connect(url)
    try:
        if dba:
            n = oracle_install.create_users(s.raw, owner=args.owner, app_user=args.app_user or "",
                                            tablespace=args.tablespace or "",
                                            owner_password=passwords["ILS_OWNER_PASSWORD"],
                                            app_password=passwords["ILS_APP_USER_PASSWORD"], on_output=_say)
        else:
            run = oracle_install.install_jobs if args.action == "install-jobs" else oracle_install.uninstall_jobs
            n = run(s.raw, on_output=_say)
    finally:
        s.close()
    _say(f"{args.action}: {n} statements executed")
    return 0


def cmd_admin(args) -> int:
    """Create the first IT admin from ILS_ADMIN_USERNAME / ILS_ADMIN_PASSWORD when it does not exist yet.
    System work with no signed-in user, which the packages allow the owner's session only: ILS_DATABASE_URL
    names the schema owner (Oracle; the compose setup service) or a superuser (PostgreSQL; by default the
    embedded cluster's), never the application's account."""
    from argon2 import PasswordHasher

    from datalayer.session import DbError, Out, connect
    username = os.environ.get("ILS_ADMIN_USERNAME", "admin")
    password = os.environ.get("ILS_ADMIN_PASSWORD")
    s = connect(_app_url(), schema=os.environ.get("ILS_DB_SCHEMA"))
    try:
        if s.scalar("SELECT COUNT(*) FROM users WHERE UPPER(username) = UPPER(:u)", {"u": username}):
            _say(f"user {username} exists: nothing to do")
            return 0
        if not password or len(password) < 12:
            _say("set ILS_ADMIN_PASSWORD (12 characters or more) to create the first IT admin")
            return 2
        try:
            s.call("lib_auth.create_user", username, PasswordHasher().hash(password), "IT administrator", None,
                   "IT_ADMIN", Out(int))
        except DbError as exc:
            if exc.code != PERMISSION_DENIED:
                raise
            _say("refused: ILS_DATABASE_URL must name the schema owner (Oracle) or a superuser (PostgreSQL), "
                 "not the application's account")
            return 1
        s.commit()
        _say(f"created IT admin {username}")
    finally:
        s.close()
    return 0


def cmd_syntax(args) -> int:
    from database.tooling import syntax_gate
    return syntax_gate.main(args.files)


def cmd_semantic(args) -> int:
    from database.tooling import oracle_semantics
    return oracle_semantics.main(args.files)


def cmd_audit_triggers(args) -> int:
    from database.tooling import audit_triggers
    return audit_triggers.main(["--check"] if args.check else [])


def cmd_lib_err(args) -> int:
    from database.tooling import lib_err_gen
    return lib_err_gen.main(["--check"] if args.check else [])


def cmd_vocabulary(args) -> int:
    from database.tooling import vocabulary
    return vocabulary.main(["--check"] if args.check else [])


def cmd_package_calls(args) -> int:
    from database.tooling import package_calls
    return package_calls.main(["--check"] if args.check else [])


def cmd_jobs(args) -> int:
    from scripts import jobs
    return jobs.main(args.job_args)


def cmd_notices(args) -> int:
    from scripts import notices
    return notices.main(args.notice_args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scripts/ils", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="start database, API and staff UI with demo data")
    r.add_argument("--host", default=os.environ.get("ILS_HOST", "127.0.0.1"))
    r.add_argument("--port", type=int, default=int(os.environ.get("ILS_PORT", "8000")))
    r.add_argument("--workers", type=int, default=int(os.environ.get("ILS_WORKERS", "1")))
    r.add_argument("--no-demo", action="store_true", help="first install without demo data")
    r.set_defaults(func=cmd_run)
    t = sub.add_parser("test", help="run the test suite (extra args go to pytest)")
    t.add_argument("pytest_args", nargs=argparse.REMAINDER)
    t.set_defaults(func=cmd_test)
    d = sub.add_parser("db", help="the embedded PostgreSQL cluster")
    d.add_argument("action", choices=["start", "stop", "status", "url", "install", "upgrade", "build"])
    d.add_argument("--demo", action="store_true", help="with install: load the demo data too")
    d.add_argument("--app", action="store_true", help="with url: the application role's URL (the owner's without)")
    d.set_defaults(func=cmd_db)
    dm = sub.add_parser("demo", help="load demo or scale data")
    dm.add_argument("action", choices=["load"])
    dm.add_argument("--scale", default="demo", help="demo (default), 1m, or a number of materials")
    dm.set_defaults(func=cmd_demo)
    o = sub.add_parser("oracle", help="install on Oracle through python-oracledb")
    o.add_argument("action", choices=["install", "upgrade", "uninstall", *ORACLE_SCRIPTS])
    o.add_argument("--url", help="oracle+oracledb://user:password@host:1521/FREEPDB1")
    o.add_argument("--if-missing", action="store_true", help="install when missing, finish a half-done install, upgrade an older one; else nothing")
    o.add_argument("--owner", default="ILS", help="create-users: the schema owner (default ILS)")
    o.add_argument("--app-user", help="create-users: the application user (default <owner>_APP)")
    o.add_argument("--tablespace", help="create-users: the owner's tablespace (default: the database's)")
    o.set_defaults(func=cmd_oracle)
    a = sub.add_parser("admin", help="create the first IT admin account (ILS_ADMIN_USERNAME/ILS_ADMIN_PASSWORD)")
    a.add_argument("action", choices=["bootstrap"])
    a.set_defaults(func=cmd_admin)
    s = sub.add_parser("syntax-check", help="Oracle syntax gate over database/ and plsql/")
    s.add_argument("files", nargs="*")
    s.set_defaults(func=cmd_syntax)
    sc = sub.add_parser("semantic-check", help="Oracle semantic check over database/ and plsql/")
    sc.add_argument("files", nargs="*")
    sc.set_defaults(func=cmd_semantic)
    au = sub.add_parser("audit-triggers", help="generate the audit triggers (plsql/audit_triggers.sql)")
    au.add_argument("--check", action="store_true", help="write nothing; fail on drift or a table or column not covered")
    au.set_defaults(func=cmd_audit_triggers)
    le = sub.add_parser("lib-err", help="generate lib_err's raise branches (plsql/lib_err.pkb) from the error catalog")
    le.add_argument("--check", action="store_true", help="write nothing; fail when the committed file is stale")
    le.set_defaults(func=cmd_lib_err)
    vo = sub.add_parser("vocabulary", help="generate the API's enums (api/vocabulary.py) from the vocabulary data")
    vo.add_argument("--check", action="store_true", help="write nothing; fail when the committed file is stale")
    vo.set_defaults(func=cmd_vocabulary)
    pc = sub.add_parser("package-calls", help="generate the typed package calls (datalayer/packages/) from the specs")
    pc.add_argument("--check", action="store_true", help="write nothing; fail when a committed module drifts")
    pc.set_defaults(func=cmd_package_calls)
    j = sub.add_parser("jobs", help="nightly jobs: list, run, history")
    j.add_argument("job_args", nargs=argparse.REMAINDER)
    j.set_defaults(func=cmd_jobs)
    n = sub.add_parser("notices", help="the notice sender: send [--once], credentials")
    n.add_argument("notice_args", nargs=argparse.REMAINDER)
    n.set_defaults(func=cmd_notices)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        return _dispatch(sys.argv[1:] if argv is None else argv)
    except Exception as e:  # a failing tool or database: its own output and a one-line hint, no traceback
        report = cluster.failure_report(e)
        if report is None:
            raise
        output, hint = report
        print(*([output] if output else []), f"ils: {hint}", sep="\n", file=sys.stderr, flush=True)
        return 1


def _dispatch(argv: list[str]) -> int:
    if argv[:1] == ["test"]:  # everything after `test` belongs to pytest, options included
        return cmd_test(argparse.Namespace(pytest_args=argv[1:]))
    if argv[:1] == ["jobs"]:
        return cmd_jobs(argparse.Namespace(job_args=argv[1:]))
    if argv[:1] == ["notices"]:
        return cmd_notices(argparse.Namespace(notice_args=argv[1:]))
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
