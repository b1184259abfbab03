"""The nightly jobs for DBAs: `scripts/ils jobs <command>`.

  list                          the jobs, their schedules (pg_cron's cron.job, or USER_SCHEDULER_JOBS on
                                Oracle) and the outcome of their last run
  run NAME [--as-of YYYY-MM-DD] run one job now, with a live progress line (rows, batches)
  history [--job NAME] [--limit N]
                                recent runs with as-of day, duration, rows and errors
  check [--max-age-hours H]     for cron and monitoring: one line per job, exit status below
  schedule [--at NAME=HH:MM ...]
                                install or refresh the pg_cron schedules of the database
                                (on Oracle: prints how to run database/install_jobs.sql)
  unschedule                    remove this database's pg_cron schedules

The database is ILS_DATABASE_URL, else the embedded cluster's application database.
The jobs themselves are PL/SQL (lib_jobs): each commits its own batches and records a job_runs row.

exit status:
  0  ok (check: every job's last run SUCCEEDED within the last --max-age-hours, default 26)
  1  a job failed (run: the job raised JOB_FAILED; check: a last run is FAILED), or a database error
  2  usage error (unknown command, job name or option)
  3  stale (check: a job never ran, or its last success is older than --max-age-hours)
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import threading
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from datalayer.session import DbError, Out, Session, connect, engine_of

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STALE = 0, 1, 2, 3
STALE_HOURS = 26
CRON_FIELDS = re.compile(r"^\S+(\s+\S+){4}$")
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class UsageError(Exception):
    """A wrong job name, time or option: exit status 2."""


def database_url() -> str:
    url = os.environ.get("ILS_DATABASE_URL")
    if url:
        return url
    from scripts import cluster
    cluster.start()
    return cluster.default_url()


# ---- the catalog and the schedules ----------------------------------------------------------------

def catalog(s: Session) -> list[dict]:
    """The jobs table: job_name, description, procedure_name, run_hour, run_minute, in night order."""
    return s.rows("SELECT job_name, description, procedure_name, run_hour, run_minute FROM jobs "
                  "ORDER BY run_hour, run_minute, job_name")


def cron_expression(at: str) -> str:
    """'HH:MM' (daily, UTC) -> '30 1 * * *'; a five-field cron expression is kept as it is."""
    at = at.strip()
    m = HHMM.match(at)
    if m:
        return f"{int(m.group(2))} {int(m.group(1))} * * *"
    if CRON_FIELDS.match(at):
        return at
    raise UsageError(f"time {at!r}: give HH:MM (daily) or a five-field cron expression")


def cron_job_name(job_name: str, dbname: str) -> str:
    """pg_cron job names are unique per cluster: one schedule per job and target database."""
    return f"{job_name}@{dbname}"


def _with_database(url: str, dbname: str) -> str:
    return urlsplit(url)._replace(path="/" + dbname).geturl()


def cron_database(url: str) -> str:
    """The database pg_cron runs in (cron.database_name of the cluster)."""
    import psycopg
    with psycopg.connect(_plain_pg(url), autocommit=True) as conn:
        name = conn.execute("SELECT current_setting('cron.database_name', true)").fetchone()[0]
    if not name:
        raise UsageError("pg_cron is not loaded in this cluster (shared_preload_libraries = 'pg_cron')")
    return name


def _plain_pg(url: str) -> str:
    return urlsplit(url)._replace(scheme="postgresql").geturl()


def schedule_pg(admin_url_of_ils_db: str, target_dbname: str, times: dict | None = None) -> list[dict]:
    """Create or refresh the pg_cron schedules that run the jobs in database `target_dbname`.

    admin_url_of_ils_db: a URL of the database pg_cron lives in (cron.database_name, `ils` in the
    embedded cluster), with a role allowed to create the extension and schedule jobs.
    times: {job_name: 'HH:MM' or a cron expression} to override the catalog's default times (UTC).
    Idempotent: a job's schedule is replaced, schedules of jobs no longer in the catalog are removed.
    Returns one dict per job: cron_name, schedule, command.
    """
    import psycopg
    times = {k.upper(): v for k, v in (times or {}).items()}
    s = connect(_with_database(admin_url_of_ils_db, target_dbname))
    try:
        jobs = catalog(s)
    finally:
        s.close()
    unknown = set(times) - {j["job_name"] for j in jobs}
    if unknown:
        raise UsageError(f"no such job: {', '.join(sorted(unknown))}")
    done = []
    with psycopg.connect(_plain_pg(admin_url_of_ils_db), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_cron")
        wanted = set()
        for j in jobs:
            at = times.get(j["job_name"]) or f"{j['run_hour']:02d}:{j['run_minute']:02d}"
            entry = {"job_name": j["job_name"], "cron_name": cron_job_name(j["job_name"], target_dbname),
                     "schedule": cron_expression(at), "command": f"CALL {j['procedure_name']}(NULL)"}
            conn.execute("SELECT cron.schedule_in_database(%s, %s, %s, %s)",
                         (entry["cron_name"], entry["schedule"], entry["command"], target_dbname))
            wanted.add(entry["cron_name"])
            done.append(entry)
        for (name,) in conn.execute("SELECT jobname FROM cron.job WHERE database = %s AND jobname LIKE %s",
                                    (target_dbname, "%@" + target_dbname)).fetchall():
            if name not in wanted:
                conn.execute("SELECT cron.unschedule(%s)", (name,))
    return done


def unschedule_pg(admin_url_of_ils_db: str, target_dbname: str) -> int:
    """Remove every pg_cron schedule of the jobs of `target_dbname`; returns how many were removed."""
    import psycopg
    with psycopg.connect(_plain_pg(admin_url_of_ils_db), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'").fetchone() is None:
            return 0
        names = [r[0] for r in conn.execute("SELECT jobname FROM cron.job WHERE database = %s AND jobname LIKE %s",
                                            (target_dbname, "%@" + target_dbname)).fetchall()]
        for name in names:
            conn.execute("SELECT cron.unschedule(%s)", (name,))
    return len(names)


def schedules(url: str) -> dict[str, dict]:
    """job_name -> {schedule, active, ...} as the engine's scheduler has it now."""
    out: dict[str, dict] = {}
    if engine_of(url) == "oracle":
        s = connect(url)
        try:
            for r in s.rows("SELECT job_name, repeat_interval, enabled, state, next_run_date FROM user_scheduler_jobs "
                            "WHERE job_name LIKE 'ILS\\_%' ESCAPE '\\'"):
                out[r["job_name"][4:]] = {"schedule": r["repeat_interval"], "active": r["enabled"] == "TRUE",
                                          "state": r["state"], "next_run": r["next_run_date"]}
        finally:
            s.close()
        return out
    import psycopg
    target = urlsplit(url).path.lstrip("/")
    cron_url = _with_database(url, cron_database(url))
    with psycopg.connect(_plain_pg(cron_url), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_cron'").fetchone() is None:
            return out
        for name, schedule, active, command in conn.execute(
                "SELECT jobname, schedule, active, command FROM cron.job WHERE database = %s AND jobname LIKE %s",
                (target, "%@" + target)).fetchall():
            out[name.rsplit("@", 1)[0]] = {"schedule": schedule, "active": active, "command": command}
    return out


# ---- run history ----------------------------------------------------------------------------------

RUN_COLUMNS = "run_id, job_name, as_of_day, started_at, finished_at, status, rows_affected, batches, error_text"


def last_runs(s: Session) -> dict[str, dict]:
    """job_name -> {'last': the latest run, 'last_done': the latest run that is not RUNNING}."""
    out: dict[str, dict] = {}
    for kind, where in (("last", ""), ("last_done", "WHERE r.status <> 'RUNNING'")):
        for r in s.rows(f"""SELECT {RUN_COLUMNS} FROM job_runs
                             WHERE run_id IN (SELECT MAX(r.run_id) FROM job_runs r {where} GROUP BY r.job_name)"""):
            out.setdefault(r["job_name"], {})[kind] = r
    return out


def history(s: Session, job: str | None, limit: int) -> list[dict]:
    where = "WHERE job_name = :job " if job else ""
    binds = {"job": job.upper()} if job else {}
    return s.rows(f"SELECT {RUN_COLUMNS} FROM job_runs {where}ORDER BY run_id DESC FETCH FIRST {int(limit)} ROWS ONLY",
                  binds)


def _duration(run: dict) -> str:
    if not run.get("started_at"):
        return "-"
    end = run.get("finished_at") or datetime.utcnow()
    secs = (end - run["started_at"]).total_seconds()
    text = f"{secs:.1f}s" if secs < 120 else f"{secs / 60:.1f}m"
    return text if run.get("finished_at") else text + "+"


def _day(v) -> str:
    return v.strftime("%Y-%m-%d") if v else "-"


def _ts(v) -> str:
    return v.strftime("%Y-%m-%d %H:%M:%S") if v else "-"


def _one_line(text: str | None, width: int = 100) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 3] + "..."


# ---- commands ---------------------------------------------------------------------------------------

def cmd_list(url: str, args) -> int:
    s = connect(url)
    try:
        jobs, runs = catalog(s), last_runs(s)
    finally:
        s.rollback()
        s.close()
    try:
        sched = schedules(url)
        sched_note = ""
    except UsageError as exc:
        sched, sched_note = {}, f"  (schedules unknown: {exc})"
    print(f"{'JOB':<17} {'DEFAULT':<7} {'SCHEDULE':<34} {'LAST RUN':<31} DESCRIPTION")
    for j in jobs:
        sc = sched.get(j["job_name"])
        sc_text = "not scheduled" if sc is None else sc["schedule"] + ("" if sc["active"] else " (disabled)")
        last = runs.get(j["job_name"], {}).get("last")
        last_text = f"{last['status']} {_ts(last['started_at'])}" if last else "never"
        print(f"{j['job_name']:<17} {j['run_hour']:02d}:{j['run_minute']:02d}   {sc_text:<34} {last_text:<31} "
              f"{j['description']}")
    if sched_note:
        print(sched_note)
    elif not sched:
        print("\nno schedule installed: `scripts/ils jobs schedule` (PostgreSQL) or database/install_jobs.sql (Oracle)")
    return EXIT_OK


def _job_names(url: str) -> list[str]:
    s = connect(url)
    try:
        return [j["job_name"] for j in catalog(s)]
    finally:
        s.rollback()
        s.close()


def run_job(url: str, job_name: str, as_of: date | None = None, *, progress: bool = True,
            poll_s: float = 0.5, out=sys.stderr) -> dict:
    """Run a job through lib_jobs.run_job in a worker thread while a second connection polls its
    job_runs row for progress. Returns the final job_runs row (plus 'error' when the call failed)."""
    job_name = job_name.upper()
    watcher = connect(url)
    try:
        before = watcher.scalar("SELECT MAX(run_id) FROM job_runs WHERE job_name = :j", {"j": job_name}) or 0
        watcher.rollback()
        result: dict = {}

        def work() -> None:
            s = connect(url)
            try:
                s.raw.autocommit = True  # the job commits its own batches: no surrounding transaction
                when = datetime.combine(as_of, datetime.min.time()) if as_of else None
                (result["run_id"],) = s.call("lib_jobs.run_job", job_name, when, Out(int))
            except DbError as exc:
                result["error"] = exc
            except Exception as exc:  # connection trouble: reported like a failure
                result["error"] = DbError(None, str(exc))
            finally:
                s.close()

        worker = threading.Thread(target=work, name=f"job-{job_name}", daemon=True)
        bar = None
        if progress:
            from tqdm import tqdm
            # disable=None: a live line on a terminal, nothing in cron mail or logs
            bar = tqdm(desc=job_name, unit=" rows", total=None, file=out, leave=True,
                       disable=None)
        worker.start()
        row = None
        while True:
            worker.join(poll_s)
            row = watcher.one(f"SELECT {RUN_COLUMNS} FROM job_runs WHERE job_name = :j AND run_id > :b "
                              "ORDER BY run_id DESC FETCH FIRST 1 ROWS ONLY", {"j": job_name, "b": before})
            watcher.rollback()  # a fresh snapshot for the next poll
            if bar is not None and row:
                bar.n = row["rows_affected"]
                bar.set_postfix_str(f"batches={row['batches']} {row['status']}", refresh=False)
                bar.refresh()
            if not worker.is_alive():
                break
        if bar is not None:
            bar.close()
        if row is None and "error" not in result:
            result["error"] = DbError(None, "the job left no job_runs row")
        final = dict(row or {})
        if "error" in result:
            final["error"] = result["error"]
        return final
    finally:
        watcher.close()


def cmd_run(url: str, args) -> int:
    names = _job_names(url)
    name = args.name.upper()
    if name not in names:
        print(f"jobs: no such job {args.name!r}; jobs: {', '.join(names)}", file=sys.stderr)
        return EXIT_USAGE
    run = run_job(url, name, args.as_of, progress=not args.quiet)
    err = run.get("error")
    if run.get("run_id"):
        print(f"{name} run {run['run_id']} for {_day(run['as_of_day'])}: {run['status']}, "
              f"{run['rows_affected']} rows in {run['batches']} batch(es), {_duration(run)}")
    if err is not None:
        print(f"jobs: {name} failed: {err.message}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK if run.get("status") == "SUCCEEDED" else EXIT_FAILED


def cmd_history(url: str, args) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    s = connect(url)
    try:
        rows = history(s, args.job, args.limit)
    finally:
        s.rollback()
        s.close()
    print(f"{'RUN':>6} {'JOB':<17} {'AS OF':<10} {'STARTED':<19} {'DURATION':>9} {'STATUS':<9} {'ROWS':>9} "
          f"{'BATCHES':>7}  ERROR")
    for r in rows:
        print(f"{r['run_id']:>6} {r['job_name']:<17} {_day(r['as_of_day']):<10} {_ts(r['started_at']):<19} "
              f"{_duration(r):>9} {r['status']:<9} {r['rows_affected']:>9} {r['batches']:>7}  "
              f"{_one_line(r['error_text'])}")
    if not rows:
        print("no runs yet")
    return EXIT_OK


def evaluate(jobs: list[dict], runs: dict[str, dict], now: datetime, max_age_hours: float) -> tuple[int, list[str]]:
    """The check verdict: (exit status, one line per job)."""
    lines, failed, stale = [], False, False
    limit = now - timedelta(hours=max_age_hours)
    for j in jobs:
        name = j["job_name"]
        last = runs.get(name, {}).get("last_done")
        running = runs.get(name, {}).get("last")
        note = ""
        if running and running["status"] == "RUNNING":
            note = f" (run {running['run_id']} RUNNING since {_ts(running['started_at'])})"
        if last is None:
            stale = True
            lines.append(f"STALE  {name}: never ran{note}")
        elif last["status"] == "FAILED":
            failed = True
            lines.append(f"FAILED {name}: run {last['run_id']} for {_day(last['as_of_day'])} failed at "
                         f"{_ts(last['finished_at'])}: {_one_line(last['error_text'], 160)}{note}")
        elif last["finished_at"] < limit:
            stale = True
            lines.append(f"STALE  {name}: last success {_ts(last['finished_at'])}, older than {max_age_hours:g} h{note}")
        else:
            lines.append(f"OK     {name}: run {last['run_id']} for {_day(last['as_of_day'])} SUCCEEDED at "
                         f"{_ts(last['finished_at'])}, {last['rows_affected']} rows, {_duration(last)}{note}")
    return (EXIT_FAILED if failed else EXIT_STALE if stale else EXIT_OK), lines


def _db_now(s: Session) -> datetime:
    """The database's clock as job_runs is written: lib_clock.now_utc(), UTC on both engines."""
    return s.scalar("SELECT lib_clock.now_utc() FROM dual" if s.engine == "oracle" else "SELECT lib_clock.now_utc()")


def cmd_check(url: str, args) -> int:
    s = connect(url)
    try:
        jobs, runs, now = catalog(s), last_runs(s), _db_now(s)
    finally:
        s.rollback()
        s.close()
    if now is not None and getattr(now, "tzinfo", None) is not None:
        now = now.replace(tzinfo=None)
    code, lines = evaluate(jobs, runs, now, args.max_age_hours)
    for line in lines:
        print(line)
    return code


def cmd_schedule(url: str, args) -> int:
    times: dict[str, str] = {}
    for item in args.at or []:
        name, sep, at = item.partition("=")
        if not sep:
            raise UsageError(f"--at {item!r}: give NAME=HH:MM")
        times[name.strip().upper()] = at
    if engine_of(url) == "oracle":
        print("On Oracle the jobs are DBMS_SCHEDULER jobs: as the schema owner run\n"
              "    cd database && sql user/password@//host:1521/FREEPDB1 @install_jobs.sql\n"
              "(times: the variables at the top of install_jobs.sql, or UPDATE jobs SET run_hour/run_minute, then\n"
              "rerun it; remove them with @uninstall_jobs.sql)")
        return EXIT_OK if not times else EXIT_USAGE
    target = urlsplit(url).path.lstrip("/")
    done = schedule_pg(_with_database(url, cron_database(url)), target, times)
    for e in done:
        print(f"{e['cron_name']:<34} {e['schedule']:<14} {e['command']}")
    print(f"{len(done)} job(s) scheduled with pg_cron for database {target} (times UTC)")
    return EXIT_OK


def cmd_unschedule(url: str, args) -> int:
    if engine_of(url) == "oracle":
        print("On Oracle: cd database && sql user/password@//host:1521/FREEPDB1 @uninstall_jobs.sql")
        return EXIT_OK
    target = urlsplit(url).path.lstrip("/")
    n = unschedule_pg(_with_database(url, cron_database(url)), target)
    print(f"{n} pg_cron schedule(s) removed for database {target}")
    return EXIT_OK


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD day: {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scripts/ils jobs", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="jobs, schedules and last runs").set_defaults(func=cmd_list)
    r = sub.add_parser("run", help="run one job now with a progress line")
    r.add_argument("name", help="job name, e.g. ACCRUE_FINES (see `list`)")
    r.add_argument("--as-of", type=_as_of, help="the business day to run for, YYYY-MM-DD (default: the job's "
                                                 "own: yesterday for ACCRUE_FINES, today for the others)")
    r.add_argument("--quiet", action="store_true", help="no progress line, only the result")
    r.set_defaults(func=cmd_run)
    h = sub.add_parser("history", help="recent runs")
    h.add_argument("--job", help="only this job")
    h.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    h.set_defaults(func=cmd_history)
    c = sub.add_parser("check", help="monitoring: exit 0 ok, 1 a last run failed, 3 stale or never run")
    c.add_argument("--max-age-hours", type=float, default=STALE_HOURS,
                   help=f"a last success older than this is stale (default {STALE_HOURS})")
    c.set_defaults(func=cmd_check)
    sc = sub.add_parser("schedule", help="install or refresh the pg_cron schedules (Oracle: how to)")
    sc.add_argument("--at", action="append", metavar="NAME=HH:MM",
                    help="run NAME daily at HH:MM UTC instead of its catalog time (or NAME='<cron expression>'); "
                         "repeatable")
    sc.set_defaults(func=cmd_schedule)
    sub.add_parser("unschedule", help="remove the pg_cron schedules of this database").set_defaults(func=cmd_unschedule)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)  # usage errors exit 2
    try:
        return args.func(database_url(), args)
    except UsageError as exc:
        print(f"jobs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DbError as exc:
        print(f"jobs: database error: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # cannot connect, driver errors outside a Session call
        if type(exc).__module__.split(".")[0] in ("psycopg", "oracledb"):
            print(f"jobs: database error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise


if __name__ == "__main__":
    sys.exit(main())
