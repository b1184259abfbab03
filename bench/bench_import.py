"""MARC21 import at scale (issue 14): prints figures, asserts nothing.

    .venv/bin/python -m bench.bench_import [--records 100000] [--batch 500] [--parallel 2] [--trace-memory]
                                           [--db ils_bench_import] [--skip-build]

Builds a fresh database (--db, default ils_bench_import) in the embedded cluster, writes --records MARC21
records with pymarc to a temporary file (a streamed write: each record has two ISBNs, a control number, an
author, two subject headings and one 952 holding at the main branch), then imports files as the
application role acting as a cataloger, exactly as the server's import queue does (services/imports/runner:
batches of --batch records, --parallel of them at once, a savepoint per record, every outcome reported to
lib_imports): a tenth of the records one batch at a time (the baseline), another tenth as the importer
runs by default, the whole file, then that tenth again (a re-import: every record matched).

Prints records/s, the ratio to the baseline, the machine's CPU time a record (all processes: the import's
and the database's, when nothing else runs), and the growth of the process's maximum RSS
(resource.getrusage) for each: flat in file size when the whole file grows it no more than its tenth did.
--trace-memory adds tracemalloc's peak of Python allocations (and slows the import).
Target: >= 1,000 records/s.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import tempfile
import time
import tracemalloc

import pymarc
from pymarc import Field, Indicators, Record, Subfield

from database.postgres import build
from datalayer.gateway import Gateway, SessionActor
from datalayer.packages import lib_imports
from datalayer.session import connect
from scripts import cluster
from services.accounts import key_hash
from services.imports.runner import PARALLEL, Importer


def isbn13(n: int) -> str:
    core = f"979{n:09d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


WORDS = ("whale", "garden", "river", "night", "stone", "winter", "letters", "house", "sea", "war", "peace", "island")


def write_file(path: str, count: int, first: int = 0) -> int:
    rnd = random.Random(first)
    with open(path, "wb") as out:
        for i in range(first, first + count):
            r = Record(force_utf8=True)
            r.leader = pymarc.Leader("     nam a22     7a 4500")
            r.add_field(Field(tag="001", data=f"b{i:08d}"), Field(tag="003", data="BENCH"),
                        Field(tag="008", data="000000s2001    xx            000 0 eng d"))
            for n in (2 * i, 2 * i + 1):
                r.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn13(n))]))
            r.add_field(Field(tag="100", indicators=Indicators("1", " "),
                              subfields=[Subfield("a", f"Author{rnd.randrange(20000)}, Ann,")]))
            title = " ".join(rnd.choice(WORDS) for _ in range(3)).capitalize()
            r.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                              subfields=[Subfield("a", f"{title} {i} :"), Subfield("b", "a bench record /")]))
            r.add_field(Field(tag="264", indicators=Indicators(" ", "1"),
                              subfields=[Subfield("b", "Bench Press,"), Subfield("c", str(1900 + i % 120))]))
            r.add_field(Field(tag="300", indicators=Indicators(" ", " "), subfields=[Subfield("a", f"{100 + i % 400} p.")]))
            for w in rnd.sample(WORDS, 2):
                r.add_field(Field(tag="650", indicators=Indicators(" ", "0"),
                                  subfields=[Subfield("a", w.capitalize()), Subfield("x", "Fiction.")]))
            r.add_field(Field(tag="952", indicators=Indicators(" ", " "),
                              subfields=[Subfield("a", "MAIN"), Subfield("p", f"BENCH{i:09d}"), Subfield("o", f"813 B{i}"),
                                         Subfield("g", "19.99")]))
            out.write(r.as_marc())
    return os.path.getsize(path)


def cataloger(owner_url: str) -> SessionActor:
    s = connect(owner_url)
    try:
        user = s.insert("users", {"username": f"bench_cat_{secrets.token_hex(3)}", "password_hash": "x",
                                  "full_name": "Bench cataloger"}, "user_id")
        s.execute("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles WHERE code = 'CATALOGER'",
                  {"u": user})
        key = secrets.token_urlsafe(24)
        s.execute("""INSERT INTO user_sessions (user_id, key_hash, kind, created_at, last_seen_at, expires_at)
                     VALUES (:u, :k, 'API', CURRENT_TIMESTAMP AT TIME ZONE 'UTC', CURRENT_TIMESTAMP AT TIME ZONE 'UTC',
                             (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') + interval '1 day')""",
                  {"u": user, "k": key_hash(key)})
        s.commit()
    finally:
        s.close()
    return SessionActor(user, key)


def run(gw: Gateway, actor: SessionActor, path: str, batch: int, label: str, parallel: int,
        trace: bool) -> float:
    """Import the file; prints and returns records/s."""
    with gw.transaction(actor) as s:
        (import_id,) = lib_imports.start_import(s, "MARC", os.path.basename(path), os.path.getsize(path), "N", None)
        lib_imports.begin_import(s, import_id)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0, own0 = _busy(), _own()
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    with open(path, "rb") as stream:
        counts = Importer(gw, actor, batch, parallel=parallel).run(import_id, "MARC", stream, dry_run=False)
    elapsed = time.perf_counter() - t0
    traced = ""
    if trace:
        traced = f"; tracemalloc peak {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB"
        tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = (_busy() - cpu0) / os.sysconf("SC_CLK_TCK") * 1000 / max(counts["read"], 1)
    own = (_own() - own0) * 1000 / max(counts["read"], 1)
    with gw.transaction(actor) as s:
        lib_imports.finish_import(s, import_id, "DONE", None)
    rate = counts["read"] / elapsed
    print(f"{label}: {counts['read']} records ({counts['CREATED']} created, {counts['MATCHED']} matched, "
          f"{counts['REJECTED']} rejected, {counts['copies']} copies) in {elapsed:.1f} s = {rate:,.0f} records/s, "
          f"{parallel} batch(es) at once; machine CPU {cpu:.2f} ms a record ({own:.2f} in this process){traced}; "
          f"max RSS +{(rss1 - rss0) / 1024:.1f} MB (now {rss1 / 1024:.0f} MB)", flush=True)
    return rate


def _own() -> float:
    """CPU seconds of this process (the import's Python: reading, parsing, sending), all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _busy() -> int:
    """CPU time the machine spent working (all processes, clock ticks): the import's CPU, the database's
    included, when nothing else runs."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[0] + v[1] + v[2] + v[5] + v[6]


def main() -> None:
    p = argparse.ArgumentParser(prog="bench.bench_import")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--parallel", type=int, default=PARALLEL, help="batches at once (the importer's default)")
    p.add_argument("--trace-memory", action="store_true",
                   help="also tracemalloc's peak (slows the import: every allocation is traced)")
    p.add_argument("--db", default="ils_bench_import")
    p.add_argument("--skip-build", action="store_true", help="reuse --db as it is")
    args = p.parse_args()
    cluster.start()
    if not args.skip_build:
        t = time.perf_counter()
        build.install(cluster.admin_url(), args.db)
        print(f"database {args.db} built in {time.perf_counter() - t:.0f} s", flush=True)
    cluster.enable_app_login()  # a fresh cluster's application role is NOLOGIN until a checkout gives it a password
    actor = cataloger(cluster.admin_url(args.db))
    gw = Gateway(cluster.app_url(args.db), min_size=1, max_size=args.parallel + 1).open()
    tenth = args.records // 10
    with tempfile.TemporaryDirectory() as tmp:
        baseline, small, big = (os.path.join(tmp, f"{n}.mrc") for n in ("baseline", "small", "big"))
        t = time.perf_counter()
        size = write_file(big, args.records)
        print(f"wrote {args.records} records ({size / 1e6:.1f} MB) with pymarc in {time.perf_counter() - t:.1f} s",
              flush=True)
        # other titles: numbered after the big file's
        write_file(baseline, tenth, first=args.records)
        write_file(small, tenth, first=args.records + tenth)
        one = run(gw, actor, baseline, args.batch, f"baseline, first tenth ({tenth} records)", 1, args.trace_memory)
        first = run(gw, actor, small, args.batch, f"first tenth ({tenth} records)", args.parallel, args.trace_memory)
        print(f"{args.parallel} batches at once / one at a time: {first / one:.2f}x", flush=True)
        run(gw, actor, big, args.batch, f"whole file ({args.records} records)", args.parallel, args.trace_memory)
        run(gw, actor, small, args.batch, f"the first tenth again ({tenth} records, each matched)", args.parallel,
            args.trace_memory)
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    gw.close()


if __name__ == "__main__":
    main()
