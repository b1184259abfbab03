"""Deterministic demo and scale data for the ILS, from a 200-title demo library to 1,000,000 titles.

    python -m scripts.demo --url URL [--scale demo|small|1m] [--materials N] [--loans N]
        [--copies N] [--patrons N] [--holds N] [--seed 42] [--no-progress] [--row-triggers]

What it writes, all in one transaction (nothing is dropped, no constraint is left switched off):
branches (MAIN kept, 2-4 more), closed days (public holidays library-wide plus two per branch, past and
within the next 60 days; weekends stay open), a few extra circulation policies, genres, authors,
materials with valid ISBN-13/ISBN-10 check digits, material_authors, copies, patrons, the demo users of
API_CONTRACT.md (`<username>-pass`, argon2), loans (returned, active, overdue, lost), holds (queues in
placement order, READY holds on the hold shelf, fulfilled/cancelled/expired history), fines for late and
lost loans and the payments of the paid ones. Then the identity sequences are moved past the ids used
and the tables are ANALYZEd.

Everything is planned in memory with seeded random streams (one per stage, so a change in one stage does
not reshuffle another), then streamed to the database with COPY (PostgreSQL) in foreign-key order.
Ids are given explicitly, counted on from the largest id already in each table. Every time is relative
to the database's own now() truncated to the second: the generated history runs up to the start of
that day, so overdue loans are overdue on the real date, nothing lies in the future, and the same seed
gives the same rows all day long (on another day the same catalog and people, the history shifted).

This is a data loader, not a business operation: rows are inserted with plain SQL, the way a migration
from another library system would arrive, and are built to satisfy what the packages expect (copy
status matches the open loan or hold, due dates skip closed days, fines follow the policy that applies,
ids ascend in time order). Engine-specific SQL lives in targets.py; the Oracle one uses
python-oracledb executemany and is untested here.

The modules, in the order a load runs them: scale (how much), reference and words/titles (fixed data),
state (the shared plan, random streams, policy lookup), library (branches, calendar, policies, genres,
users), catalog, people, loans (with the dates that follow from them), holds, fines; tables and targets
(where the rows go, per engine), units (time and money). `python -m scripts.demo` is the command line.
"""
from __future__ import annotations

import time
from dataclasses import asdict

from scripts.demo import catalog, fines, holds, library, loans, people
from scripts.demo.catalog import isbn_is_valid
from scripts.demo.reference import DEMO_USERNAMES, demo_password
from scripts.demo.scale import PRESETS, Scale, resolve_scale
from scripts.demo.state import Run
from scripts.demo.tables import COLUMNS, ID_COLUMN
from scripts.demo.targets import open_target, rebuild_search_documents

__all__ = ["COLUMNS", "DEMO_USERNAMES", "ID_COLUMN", "PRESETS", "Scale", "demo_password", "isbn_is_valid", "load",
           "resolve_scale"]


def generate(run: Run) -> None:
    """Plan everything in memory, then write it table by table in foreign-key order."""
    existing = run.db.rows("SELECT username FROM users WHERE username IN (" +
                            ", ".join("?" for _ in DEMO_USERNAMES) + ")", DEMO_USERNAMES)
    if existing:
        raise RuntimeError(f"demo users already present ({', '.join(r[0] for r in existing)}): "
                           "load demo data into a freshly installed database")
    run.base = {t: run.db.max_id(t) for t in ID_COLUMN}
    run.timed("reference rows + argon2", lambda: library.write(run))
    run.timed("plan catalog", lambda: catalog.plan(run))
    run.timed("plan patrons", lambda: people.plan(run))
    run.timed("plan loans", lambda: loans.plan(run))
    run.timed("plan dates", lambda: loans.plan_dates(run))
    run.timed("plan holds", lambda: holds.plan(run))
    run.timed("plan fines", lambda: fines.plan(run))
    catalog.write_authors(run)
    catalog.write_materials(run)
    catalog.write_copies(run)
    people.write(run)
    loans.write(run)
    holds.write(run)
    fines.write(run)
    t0 = time.perf_counter()
    for table, column in ID_COLUMN.items():
        run.db.reset_identity(table, column)
    run.timings["reset identities"] = round(time.perf_counter() - t0, 2)


def load(conn_url: str, scale: "str | int | Scale" = "small", seed: int = 42, progress: bool = True, *,
         row_triggers: bool = False) -> dict:
    """Generate and load the data set; returns the scale, row counts per table and timings (seconds).

    scale: "demo", "small", "1m", a number of materials, or a Scale. row_triggers=True keeps foreign-key
    and other row triggers firing row by row on PostgreSQL (slower) instead of the deferred set-based check.
    """
    sc = resolve_scale(scale)
    t0 = time.perf_counter()
    target = open_target(conn_url, row_triggers)
    try:
        run = Run(target, sc, seed, progress)
        generate(run)
        t1 = time.perf_counter()
        rebuild_search_documents(target)
        run.timings["search documents"] = round(time.perf_counter() - t1, 2)
        t1 = time.perf_counter()
        target.finish(list(COLUMNS) + ["search_documents"])  # statistics of every table written
        run.timings["analyze, check, commit"] = round(time.perf_counter() - t1, 2)
    finally:
        target.close()
    return {"engine": target.engine, "seed": seed,
            "fk_check": "set-based" if getattr(target, "deferred_fk_check", False) else "row triggers",
            "scale": asdict(sc), "counts": run.counts, "timings": run.timings,
            "total_s": round(time.perf_counter() - t0, 2),
            "database_now": run.clock.ts(run.clock.db_now), "history_ends": run.clock.ts(run.clock.now)}
