"""Nightly jobs over the 1M-loan data set: wall time, rows and batches per job, night after night.

    .venv/bin/python -m bench.bench_jobs [--scale 1m] [--db ils_bench_jobs] [--reuse]

Builds a fresh database (database.postgres.build.install) in the embedded cluster, loads
scripts/demo at the given scale, then runs every job of the catalog in night order through
lib_jobs.run_job (autocommit, as the schedulers do) and prints one line per job, for these nights:
  tonight   the as-of days a scheduler would use now (the data set is current: little to do)
  again     the same night again: every job must change nothing (rows 0)
  +1        tomorrow night: one more day of fines for every overdue loan, new notices
  +30       a month later: the loans overdue by more than lost_after_days are marked lost row by row
--reuse skips the build and the load when the database already holds the data (the shifted nights
have then already happened: run without --reuse for comparable figures).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta

from datalayer.session import Out, connect
from scripts import cluster, jobs

NIGHTS = {"tonight": 0, "again": 0, "+1": 1, "+30": 30}  # night label -> days after today


def _counts(url: str) -> dict:
    s = connect(url)
    try:
        return s.one("""SELECT (SELECT COUNT(*) FROM loans) AS loans,
                               (SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE') AS active_loans,
                               (SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE' AND due_at < LOCALTIMESTAMP) AS overdue,
                               (SELECT COUNT(*) FROM holds WHERE status = 'READY') AS ready_holds,
                               (SELECT COUNT(*) FROM patrons WHERE status = 'ACTIVE') AS active_patrons""")
    finally:
        s.rollback()
        s.close()


def night(url: str, label: str, shift_days: int = 0, skip: frozenset = frozenset()) -> list[dict]:
    """Run every job once, in night order, as of today + shift_days (fines: the day before)."""
    s = connect(url)
    s.raw.autocommit = True
    try:
        today = s.scalar("SELECT TRUNC(SYSDATE) FROM dual" if s.engine == "oracle" else "SELECT LOCALTIMESTAMP(0)")
        today = today.replace(hour=0, minute=0, second=0, microsecond=0)
        out = []
        for job in jobs.catalog(s):
            name = job["job_name"]
            if name in skip:
                continue
            as_of = None
            if shift_days:
                as_of = today + timedelta(days=shift_days - (1 if name == "ACCRUE_FINES" else 0))
            t0 = time.perf_counter()
            (run_id,) = s.call("lib_jobs.run_job", name, as_of, Out(int))
            wall = time.perf_counter() - t0
            run = s.one("SELECT * FROM job_runs WHERE run_id = :r", {"r": run_id})
            out.append({"pass": label, "job": name, "wall_s": round(wall, 3), "rows": run["rows_affected"],
                        "batches": run["batches"], "status": run["status"]})
            print(f"{label:<9} {name:<17} {run['as_of_day']:%Y-%m-%d} {wall:9.3f} s {run['rows_affected']:>9} rows "
                  f"{run['batches']:>5} batches  {run['status']}", flush=True)
        return out
    finally:
        s.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_jobs", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="1m", help="scripts.demo scale (default 1m)")
    ap.add_argument("--db", default="ils_bench_jobs", help="database to (re)build (default ils_bench_jobs)")
    ap.add_argument("--reuse", action="store_true", help="keep the database and its data, only run the jobs")
    ap.add_argument("--nights", default=",".join(NIGHTS), help=f"nights to run, in order (default {','.join(NIGHTS)})")
    ap.add_argument("--skip", action="append", default=[], metavar="JOB", help="leave this job out (repeatable)")
    args = ap.parse_args(argv)
    cluster.start()
    url = cluster.admin_url(args.db)
    if not args.reuse:
        from database.postgres import build
        from scripts import demo
        t0 = time.perf_counter()
        build.install(cluster.admin_url(), args.db)
        print(f"schema built in {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        demo.load(url, scale=args.scale, progress=False)
        print(f"data set {args.scale} loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"data: {_counts(url)}", flush=True)
    print(f"{'night':<9} {'job':<17} {'as of':<10} {'wall':>11} {'rows':>14} {'batches':>13}")
    skip = frozenset(j.upper() for j in args.skip)
    results = {}
    for label in args.nights.split(","):
        if label not in NIGHTS:
            ap.error(f"unknown night {label!r}: {', '.join(NIGHTS)}")
        results[label] = night(url, label, NIGHTS[label], skip)
    for label, rows in results.items():
        print(f"{label:<9} whole night {sum(r['wall_s'] for r in rows):8.2f} s, {sum(r['rows'] for r in rows)} rows")
    ok = all(r["status"] == "SUCCEEDED" for rows in results.values() for r in rows)
    return 0 if ok and all(r["rows"] == 0 for r in results.get("again", [])) else 1


if __name__ == "__main__":
    sys.exit(main())
