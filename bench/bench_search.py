"""HTTP benchmark of the catalog search: GET /api/catalog/search through a real uvicorn server, against
whatever catalog the database holds (load one first: `scripts/ils db install && scripts/ils demo load --scale 1m`).

    .venv/bin/python bench/bench_search.py --url "$(scripts/ils db url --app)" [--queries 200] [--workers 1]
    .venv/bin/python bench/bench_search.py --base http://127.0.0.1:8000 --url ...   (a server already running)

Query texts are drawn (seeded) from the catalog itself, so each has matches:
  one word    a word of a random title or of its authors' names (common words come up as often as the
              catalog has them: the unselective queries are part of the measure)
  two words   two words of the same random title
  prefix      the first 3 to 6 letters of a random title followed by * (title begins with)
  isbn        the ISBN of a random title (exact lookup)
  deep page   a one-word query paged three pages deep by the `after` cursor (latency of the last page)
One client, one request at a time (latency, not throughput). Prints p50/p95/max per kind, the share of
answers whose total was exact and of those with no hit (a word drawn that is a stop word: "the", "and");
asserts nothing; writes nothing. Target (issue 12): p95 <= 50 ms at 1,000,000
titles for one and two words.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_http as bh  # noqa: E402  (the desk bench's server start and percentiles)
from bench_http import pct  # noqa: E402

from datalayer.session import connect  # noqa: E402


def sample_queries(url: str, n: int, seed: int) -> dict[str, list[str]]:
    """Query texts of each kind from random titles (ids drawn between the smallest and the largest)."""
    rnd = random.Random(seed)
    s = connect(url)
    try:
        lo, hi = (int(x) for x in s.one("SELECT MIN(material_id) AS lo, MAX(material_id) AS hi FROM search_documents").values())
        docs = []
        while len(docs) < n:
            ids = sorted({rnd.randint(lo, hi) for _ in range(n)})
            docs += s.rows("SELECT title, authors, isbn FROM search_documents WHERE material_id IN ("
                           + ", ".join(str(i) for i in ids) + ")")
        rnd.shuffle(docs)
        count = int(s.scalar("SELECT COUNT(*) FROM search_documents"))
    finally:
        s.rollback()
        s.close()

    def words(text: str | None) -> list[str]:
        return [w for w in "".join(c if c.isalnum() else " " for c in (text or "")).split() if len(w) >= 3]

    out: dict[str, list[str]] = {"one word": [], "two words": [], "prefix": [], "isbn": []}
    for d in docs[:n]:
        pool = words(d["title"]) + words(d["authors"])
        if pool:
            out["one word"].append(rnd.choice(pool))
        tw = words(d["title"])
        if len(tw) >= 2:
            out["two words"].append(" ".join(rnd.sample(tw, 2)))
        letters = "".join(c for c in d["title"] if c.isalnum() or c == " ").strip()
        if len(letters) >= 3:
            out["prefix"].append(letters[:rnd.randint(3, 6)].strip() + "*")
        if d["isbn"]:
            out["isbn"].append(d["isbn"])
    out["_count"] = [str(count)]
    return out


class Client:
    def __init__(self, base: str):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)

    def search(self, **params) -> tuple[float, dict]:
        t0 = time.perf_counter()
        self.conn.request("GET", "/api/catalog/search?" + urlencode(params))
        r = self.conn.getresponse()
        body = r.read()
        dt = time.perf_counter() - t0
        if r.status != 200:
            raise RuntimeError(f"{params}: HTTP {r.status} {body[:200]!r}")
        return dt, json.loads(body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("ILS_DATABASE_URL"), help="database URL (the app role's)")
    ap.add_argument("--base", help="an API already running, e.g. http://127.0.0.1:8000 (else one is started)")
    ap.add_argument("--queries", type=int, default=200, help="queries per kind")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if not args.url:
        ap.error("give --url (or ILS_DATABASE_URL)")
    queries = sample_queries(args.url, args.queries, args.seed)
    count = int(queries.pop("_count")[0])
    proc = None
    base = args.base
    if not base:
        port = args.port or 18000 + secrets.randbelow(2000)
        proc = bh.start_server(args.url, port, args.workers, pool_max=4, access_log=False)
        base = f"http://127.0.0.1:{port}"
    try:
        client = Client(base)
        for q in (queries["one word"] + queries["two words"])[:20]:  # warm the pool and the caches
            client.search(q=q)
        print(f"bench_search: {count:,} titles, {os.cpu_count()} CPUs, {args.queries} queries per kind, one client")
        print(f"{'kind':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'exact totals':>13} {'mean total':>11} {'no hit':>7}")
        kinds = dict(queries)
        for kind, texts in kinds.items():
            times, exact, totals = [], 0, []
            for text in texts:
                dt, body = client.search(q=text)
                times.append(dt)
                exact += body["total_exact"]
                totals.append(body["total"])
            hits = [dt for dt, n in zip(times, totals) if n > 0]
            if len(hits) < len(times):
                print(f"{kind + ' with hits':<20} {pct(hits, 50):8.1f} {pct(hits, 95):8.1f} {max(hits) * 1000:8.1f}")
            print(f"{kind:<20} {pct(times, 50):8.1f} {pct(times, 95):8.1f} {max(times) * 1000:8.1f} "
                  f"{exact / max(1, len(texts)):12.0%} {sum(totals) / max(1, len(totals)):11.0f} "
                  f"{sum(1 for n in totals if n == 0) / max(1, len(totals)):7.0%}")
        times = []
        for text in queries["one word"][:max(10, args.queries // 4)]:
            after = None
            for _ in range(3):
                dt, body = client.search(q=text, page_size=20, **({"after": after} if after else {}))
                after = body["next"]
                if after is None:
                    break
            times.append(dt)
        print(f"{'deep page':<20} {pct(times, 50):8.1f} {pct(times, 95):8.1f} {max(times) * 1000:8.1f}   (third page by the after cursor)")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
