"""Circulation procedures under load: prints figures, asserts nothing.

    .venv/bin/python -m bench.bench_circulation [--loans 1000000] [--iterations 300] [--holds 10000]
                                                [--patron-loans 500] [--db ils_bench] [--skip-accrual] [--skip-desk]

Builds a fresh database (database.postgres.build.install into --db, default ils_bench) in the
embedded cluster and makes its own data with set-based SQL, then measures:

1. checkout + check-in procedure latency (each its own committed transaction, as the API runs them:
   the call is timed, the commit is reported apart) for a patron with 1 and a patron with
   --patron-loans active loans: p50/p95 and the ratio (target: the busy patron no slower than 1.2x);
2. a check-in that promotes the first of --holds PENDING holds on the title, against a check-in of a
   title nobody waits for: extra milliseconds at p50/p95 (target <= 5 ms);
3. the nightly fine accrual (lib_fines_core.accrue_overdue, one MERGE) over --loans overdue loans: the first
   night (inserts every fine), then steady nights (updates every fine) against a bare UPDATE of the
   same fine rows (target <= 2x), once with the audit triggers as installed and once without triggers
   (session_replication_role = replica) to show the cost of the statement alone.
"""
from __future__ import annotations

import argparse
import secrets
import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal

from datalayer.session import Out, Session, connect
from scripts import cluster
from services.accounts import key_hash


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _ms(values: list[float]) -> str:
    return f"p50 {_pct(values, 50) * 1000:7.3f} ms  p95 {_pct(values, 95) * 1000:7.3f} ms"


COMMITS: list[float] = []


def _timed(s: Session, fn, *args):
    """Time one procedure call (the round trip included), then commit it untimed: the commit's WAL
    flush is the disk's latency, the same for every call, and would hide the procedures' own cost."""
    t0 = time.perf_counter()
    result = fn(*args)
    t1 = time.perf_counter()
    s.commit()
    COMMITS.append(time.perf_counter() - t1)
    return t1 - t0, result


# ---- data --------------------------------------------------------------------------------------------

def _desk_data(s: Session, iterations: int, patron_loans: int, holds: int) -> dict:
    """A branch of its own: the two patrons, a pool of copies, the hold queue and its librarian."""
    s.execute("SET session_replication_role = replica")       # bulk rows without audit triggers
    branch = s.insert("branches", {"code": "BENCHDESK", "name": "Bench desk"}, "branch_id")
    s.insert("circ_policies", {"branch_id": branch, "loan_days": 21, "max_renewals": 2, "loan_limit": 100000,
                               "hold_limit": 10, "daily_fine": Decimal("0.25"), "grace_days": 1,
                               "max_fine": Decimal("10"), "fine_block_threshold": Decimal("1000"),
                               "hold_pickup_days": 7}, "policy_id")
    librarian = s.insert("users", {"username": "bench_librarian", "password_hash": "x", "full_name": "Bench"},
                         "user_id")
    s.execute("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles WHERE code = 'LIBRARIAN'",
              {"u": librarian})
    material = s.insert("materials", {"title": "Bench title"}, "material_id")
    s.execute("""INSERT INTO patrons (card_number, first_name, last_name, category, home_branch_id, expires_on)
                 SELECT 'BDP' || g, 'Bench', 'Desk' || g, 'ADULT', :b, LOCALTIMESTAMP + interval '1 year'
                   FROM generate_series(1, :n) g""", {"b": branch, "n": holds + 3})
    patrons = [r["patron_id"] for r in s.rows(
        "SELECT patron_id FROM patrons WHERE card_number LIKE 'BDP%' ORDER BY patron_id")]
    light, busy, walk_in = patrons[0], patrons[1], patrons[2]
    holders = patrons[3:]
    # the pool lent and returned in the latency loop, plus the busy patron's loans
    s.execute("""INSERT INTO copies (material_id, branch_id, barcode, status)
                 SELECT :m, :b, 'BDC' || g, CASE WHEN g <= :busy + 1 THEN 'ON_LOAN' ELSE 'AVAILABLE' END
                   FROM generate_series(1, :n) g""",
              {"m": material, "b": branch, "busy": patron_loans, "n": patron_loans + 1 + 2 * iterations})
    policy = s.scalar("SELECT policy_id FROM circ_policies WHERE branch_id = :b", {"b": branch})
    s.execute("""INSERT INTO loans (copy_id, patron_id, branch_id, policy_id, status, checkout_at, due_at)
                 SELECT c.copy_id, CASE WHEN c.barcode = 'BDC1' THEN :light ELSE :busy END, :b, :p, 'ACTIVE',
                        LOCALTIMESTAMP, LOCALTIMESTAMP + interval '21 days'
                   FROM copies c
                  WHERE c.barcode LIKE 'BDC%' AND c.status = 'ON_LOAN'""",
              {"light": light, "busy": busy, "b": branch, "p": policy})
    pool = [r["copy_id"] for r in s.rows(
        "SELECT copy_id FROM copies WHERE barcode LIKE 'BDC%' AND status = 'AVAILABLE' ORDER BY copy_id")]
    # the hold queue: a title with one copy and `holds` PENDING holds, and a title nobody waits for
    queued = s.insert("materials", {"title": "Bench title with a queue"}, "material_id")
    quiet = s.insert("materials", {"title": "Bench title without holds"}, "material_id")
    queued_copy = s.insert("copies", {"material_id": queued, "branch_id": branch, "barcode": "BDQ1"}, "copy_id")
    quiet_copy = s.insert("copies", {"material_id": quiet, "branch_id": branch, "barcode": "BDQ0"}, "copy_id")
    s.execute("""INSERT INTO holds (patron_id, material_id, pickup_branch_id, status, placed_at)
                 SELECT p.patron_id, :m, :b, 'PENDING',
                        LOCALTIMESTAMP - interval '30 days' + (ROW_NUMBER() OVER (ORDER BY p.patron_id)) * interval '1 second'
                   FROM patrons p
                  WHERE p.card_number LIKE 'BDP%' AND p.patron_id > :w""",
              {"m": queued, "b": branch, "w": walk_in})
    s.execute("SET session_replication_role = origin")
    key = _session(s, librarian)
    s.commit()
    return {"branch": branch, "librarian": librarian, "key": key, "light": light, "busy": busy, "walk_in": walk_in,
            "holders": holders, "pool": pool, "queued_copy": queued_copy, "quiet_copy": quiet_copy}


def _accrual_data(s: Session, loans: int) -> None:
    """`loans` ACTIVE loans overdue 1 to 90 days over four branches with their own policies and
    closed days (Sundays library-wide, one weekday a month per branch)."""
    s.execute("SET session_replication_role = replica")
    t0 = time.perf_counter()
    s.execute("""INSERT INTO branches (code, name) SELECT 'BENCHACC' || g, 'Bench accrual ' || g
                   FROM generate_series(1, 4) g""")
    s.execute("""INSERT INTO circ_policies (branch_id, loan_days, max_renewals, loan_limit, hold_limit, daily_fine,
                                            grace_days, max_fine, fine_block_threshold, hold_pickup_days)
                 SELECT branch_id, 21, 2, 100000, 10, 0.10 + 0.05 * (branch_id % 4), branch_id % 3, 10, 100, 7
                   FROM branches WHERE code LIKE 'BENCHACC%'""")
    s.execute("""INSERT INTO closed_days (branch_id, closed_on, reason)
                 SELECT NULL, d, 'bench Sunday'
                   FROM generate_series(CURRENT_DATE - 120, CURRENT_DATE + 30, interval '1 day') d
                  WHERE EXTRACT(DOW FROM d) = 0
                 ON CONFLICT DO NOTHING""")
    s.execute("""INSERT INTO closed_days (branch_id, closed_on, reason)
                 SELECT b.branch_id, d, 'bench branch day'
                   FROM branches b CROSS JOIN generate_series(CURRENT_DATE - 120, CURRENT_DATE, interval '1 day') d
                  WHERE b.code LIKE 'BENCHACC%' AND EXTRACT(DAY FROM d) = 10 + b.branch_id % 7
                 ON CONFLICT DO NOTHING""")
    n_patrons = max(1000, loans // 10)
    n_materials = max(100, loans // 100)
    s.execute("""INSERT INTO patrons (card_number, first_name, last_name, category, home_branch_id, expires_on)
                 SELECT 'BAP' || g, 'Bench', 'Accrual' || g, 'ADULT',
                        (SELECT MIN(branch_id) FROM branches WHERE code LIKE 'BENCHACC%'),
                        LOCALTIMESTAMP + interval '1 year'
                   FROM generate_series(1, :n) g""", {"n": n_patrons})
    s.execute("""INSERT INTO materials (title) SELECT 'Bench accrual title ' || g FROM generate_series(1, :n) g""",
              {"n": n_materials})
    s.commit()
    s.execute("""INSERT INTO copies (material_id, branch_id, barcode, status)
                 SELECT m.first_id + g % :nm, b.first_id + g % 4, 'BAC' || g, 'ON_LOAN'
                   FROM generate_series(1, :n) g,
                        (SELECT MIN(material_id) AS first_id FROM materials WHERE title LIKE 'Bench accrual title %') m,
                        (SELECT MIN(branch_id) AS first_id FROM branches WHERE code LIKE 'BENCHACC%') b""",
              {"n": loans, "nm": n_materials})
    s.commit()
    s.execute("""INSERT INTO loans (copy_id, patron_id, branch_id, policy_id, status, checkout_at, due_at)
                 SELECT c.copy_id, p.first_id + c.copy_id % :np, c.branch_id, cp.policy_id, 'ACTIVE',
                        d.due - interval '21 days', d.due
                   FROM copies c
                   JOIN circ_policies cp ON cp.branch_id = c.branch_id
                   CROSS JOIN (SELECT MIN(patron_id) AS first_id FROM patrons WHERE card_number LIKE 'BAP%') p
                   CROSS JOIN LATERAL (SELECT CURRENT_DATE - (2 + c.copy_id % 90) + interval '86399 seconds' AS due) d
                  WHERE c.barcode LIKE 'BAC%'""", {"np": n_patrons})
    s.execute("SET session_replication_role = origin")
    s.commit()
    s.raw.autocommit = True
    s.execute("VACUUM ANALYZE")
    s.raw.autocommit = False
    print(f"accrual data: {loans} overdue loans, {n_patrons} patrons, {n_materials} titles "
          f"in {time.perf_counter() - t0:.1f} s", flush=True)


def _session(s: Session, user_id: int) -> str:
    """A sign-in session for the bench's librarian (as a login opens one), arranged as the owner."""
    key = secrets.token_urlsafe(32)
    now = datetime.utcnow().replace(microsecond=0)
    s.insert("user_sessions", {"user_id": user_id, "key_hash": key_hash(key), "kind": "API", "created_at": now,
                               "last_seen_at": now, "expires_at": now + timedelta(hours=12)}, "session_id")
    return key


# ---- measurements ------------------------------------------------------------------------------------

def bench_latency(s: Session, d: dict, iterations: int, patron_loans: int) -> None:
    s.set_actor(d["librarian"], d["key"])
    s.commit()
    pool = list(d["pool"])
    pairs: dict[str, list[float]] = {"light": [], "busy": []}
    parts: dict[str, list[float]] = {"checkout light": [], "checkout busy": [], "checkin light": [],
                                     "checkin busy": []}

    def checkout(patron, copy):
        return s.call("lib_circulation.checkout", patron, copy, None, None, None, None, Out(int), Out(datetime))

    def checkin(copy):
        return s.call("lib_circulation.checkin", copy, None, None, None, Out(int), Out(int), Out(Decimal), Out(int))

    for i in range(20):                                           # warm up both paths
        checkout(d["walk_in"], pool[i])
        s.commit()
        checkin(pool[i])
        s.commit()
    for i in range(iterations):
        for who in ("light", "busy") if i % 2 == 0 else ("busy", "light"):
            copy = pool[(2 * i + (who == "busy")) % len(pool)]
            t_out, _ = _timed(s, checkout, d[who], copy)
            t_in, _ = _timed(s, checkin, copy)
            pairs[who].append(t_out + t_in)
            parts[f"checkout {who}"].append(t_out)
            parts[f"checkin {who}"].append(t_in)
    print(f"\n1. checkout + check-in, {iterations} pairs each, one committed call per transaction "
          f"(call time; each commit took {_ms(COMMITS)} more)")
    for name, values in parts.items():
        print(f"   {name:<15} {_ms(values)}")
    light, busy = pairs["light"], pairs["busy"]
    print(f"   pair, 1 loan       {_ms(light)}")
    print(f"   pair, {patron_loans} loans   {_ms(busy)}")
    print(f"   ratio busy/light   p50 {_pct(busy, 50) / _pct(light, 50):.2f}  p95 {_pct(busy, 95) / _pct(light, 95):.2f}"
          f"  (target <= 1.2)", flush=True)


def bench_hold_promotion(s: Session, d: dict, iterations: int, holds: int) -> None:
    s.set_actor(d["librarian"], d["key"])
    s.commit()

    def checkout(patron, copy):
        return s.call("lib_circulation.checkout", patron, copy, None, None, None, None, Out(int), Out(datetime))

    def checkin(copy):
        return s.call("lib_circulation.checkin", copy, None, None, None, Out(int), Out(int), Out(Decimal), Out(int))

    quiet, queued = d["quiet_copy"], d["queued_copy"]
    checkout(d["walk_in"], quiet)
    checkout(d["walk_in"], queued)
    s.commit()
    base, promote = [], []
    runs = min(iterations, holds - 1)
    for _ in range(runs):
        t, _ = _timed(s, checkin, quiet)
        base.append(t)
        checkout(d["walk_in"], quiet)
        s.commit()
        t, result = _timed(s, checkin, queued)
        promote.append(t)
        hold_id = result[3]
        holder = s.scalar("SELECT patron_id FROM holds WHERE hold_id = :h", {"h": hold_id})
        checkout(holder, queued)                                   # the holder collects: the queue moves on
        s.commit()
    left = s.scalar("SELECT COUNT(*) FROM holds WHERE status = 'PENDING' AND copy_id IS NULL "
                    "AND material_id = (SELECT material_id FROM copies WHERE copy_id = :c)", {"c": queued})
    print(f"\n2. check-in promoting the first of {holds} PENDING holds ({left} still queued at the end), {runs} runs")
    print(f"   no hold waiting    {_ms(base)}")
    print(f"   promoting a hold   {_ms(promote)}")
    print(f"   extra              p50 {(_pct(promote, 50) - _pct(base, 50)) * 1000:.3f} ms  "
          f"p95 {(_pct(promote, 95) - _pct(base, 95)) * 1000:.3f} ms  (target <= 5 ms)", flush=True)


def bench_accrual(s: Session, loans: int) -> None:
    s.raw.autocommit = True

    def accrue(day_offset: int) -> tuple[float, int]:
        s.execute("VACUUM ANALYZE fines")                          # both statements start from a vacuumed table
        t0 = time.perf_counter()
        (rows,) = s.call("lib_fines_core.accrue_overdue", datetime.utcnow().replace(microsecond=0)
                         + timedelta(days=day_offset), Out(int))
        return time.perf_counter() - t0, rows

    def bare() -> tuple[float, int]:
        # The same rows and the same columns changed (so the audit trigger writes as many rows), then
        # rolled back so that the next night starts from the accrual's own result.
        s.execute("VACUUM ANALYZE fines")
        s.raw.autocommit = False
        t0 = time.perf_counter()
        rows = s.execute("UPDATE fines SET amount = amount + 0.01, accrued_through = accrued_through + 1 "
                         "WHERE fine_type = 'OVERDUE'")
        elapsed = time.perf_counter() - t0
        s.rollback()
        s.raw.autocommit = True
        return elapsed, rows

    print(f"\n3. nightly accrual over {loans} overdue loans (lib_fines_core.accrue_overdue: one MERGE)")
    t, rows = accrue(-1)
    print(f"   first night (inserts)       {t:8.2f} s  {rows} rows", flush=True)
    for label, replica in (("audit triggers on", False), ("no triggers", True)):
        if replica:
            s.execute("SET session_replication_role = replica")
        runs_accrue, runs_bare = [], []
        for night in range(2):
            offset = night + (0 if not replica else 2)
            t, rows = accrue(offset)
            runs_accrue.append(t)
            print(f"   [{label}] night +{offset} (updates)  {t:8.2f} s  {rows} rows", flush=True)
            t, rows = bare()
            runs_bare.append(t)
            print(f"   [{label}] bare UPDATE          {t:8.2f} s  {rows} rows", flush=True)
        a, b = statistics.median(runs_accrue), statistics.median(runs_bare)
        print(f"   [{label}] accrual / bare UPDATE = {a:.2f} s / {b:.2f} s = {a / b:.2f}  (target <= 2)", flush=True)
        if replica:
            s.execute("SET session_replication_role = origin")
    s.raw.autocommit = False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bench_circulation", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loans", type=int, default=1_000_000, help="overdue loans for the accrual (default 1,000,000)")
    ap.add_argument("--iterations", type=int, default=300, help="timed pairs / promotions (default 300)")
    ap.add_argument("--holds", type=int, default=10_000, help="PENDING holds in the queue (default 10,000)")
    ap.add_argument("--patron-loans", type=int, default=500, help="active loans of the busy patron (default 500)")
    ap.add_argument("--db", default="ils_bench", help="database to (re)build (default ils_bench)")
    ap.add_argument("--skip-accrual", action="store_true", help="only the desk measurements (1 and 2)")
    ap.add_argument("--skip-desk", action="store_true", help="only the accrual (3)")
    args = ap.parse_args(argv)

    cluster.start()
    url = cluster.admin_url(args.db)
    from database.postgres import build
    t0 = time.perf_counter()
    build.install(cluster.admin_url(), args.db)
    print(f"schema built into {args.db} in {time.perf_counter() - t0:.1f} s", flush=True)
    s = connect(url)
    try:
        if not args.skip_desk:
            d = _desk_data(s, args.iterations, args.patron_loans, args.holds)
            s.raw.autocommit = True
            s.execute("VACUUM ANALYZE")
            s.raw.autocommit = False
            bench_latency(s, d, args.iterations, args.patron_loans)
            bench_hold_promotion(s, d, args.iterations, args.holds)
        if not args.skip_accrual:
            _accrual_data(s, args.loans)
            bench_accrual(s, args.loans)
    finally:
        s.rollback()
        s.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
