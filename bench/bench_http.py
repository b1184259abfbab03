"""HTTP benchmark of the circulation desk: checkout + check-in pairs through a real uvicorn server.

    ILS_DATABASE_URL=postgresql://<owner>... ILS_APP_DATABASE_URL=postgresql://<ils_app>... \
        .venv/bin/python bench/bench_http.py [--workers 2] [--desk-seconds 60] [--desks 25] [--sat-seconds 20]
        [--sat-clients 16] [--sat-runs 3] [--pool-max 8] [--access-log]
    (embedded cluster: --url "$(scripts/ils db url)" --app-url "$(scripts/ils db url --app)")

The server and the bare calls act as the application role (--app-url; the owner's URL when not given),
so definer rights, sessions and the audit are what a deployment runs. The owner's URL arranges the rows and
turns on track_functions = 'pl' for the database (reset at the end), which gives the time spent inside
lib_circulation.checkout_desk by the server's calls (pg_stat_user_functions).

Two load shapes, each measured against the bare procedure calls (datalayer.session.Session.call_committed:
set_actor, lib_circulation.checkout_desk, clear_actor and COMMIT in one round trip, as the gateway sends it;
then checkin_desk the same) under the same shape, in the same run:
  desk load   open loop: each of --desks clients starts a checkout/check-in pair about once a second
              (jittered schedule; latency is measured from the scheduled start, so queueing counts);
              reports p50/p95 per pair and the HTTP/bare ratio (targets: p95 <= 10 ms, ratio <= 1.5)
  saturation  closed loop, no think time, --sat-clients clients: sustained pairs per second, bare and HTTP
              alternated --sat-runs times, medians compared (targets: HTTP >= 0.75 x bare, >= 500 on 2 cores)
A first line measures one desk back to back (no concurrency), the plainest view of what HTTP adds.
Prints figures; asserts nothing. The bench writes its own rows (a librarian, one patron and one
copy per client) into the database it is pointed at and leaves them there: use a scratch database.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jose import jwt  # noqa: E402

from datalayer.gateway import prepared  # noqa: E402
from datalayer.packages import lib_circulation  # noqa: E402
from datalayer.session import Session, connect  # noqa: E402
from services.passwords import hash_password  # noqa: E402
from services.settings import serve_command  # noqa: E402

PASSWORD = "bench-pass-" + secrets.token_hex(4)


# ---- arrange ---------------------------------------------------------------------------------------

def arrange(url: str, clients: int) -> tuple[str, list[tuple[int, int, str]]]:
    """A librarian and, per client, one patron and one copy. Returns (username, [(patron, copy, barcode)])."""
    tag = secrets.token_hex(4).upper()
    s = connect(url)
    try:
        username = f"bench_lib_{tag.lower()}"
        user_id = s.insert("users", {"username": username, "password_hash": hash_password(PASSWORD),
                                     "full_name": "Bench Librarian"}, "user_id")
        s.execute("INSERT INTO user_roles (user_id, role_id) SELECT :u, role_id FROM roles WHERE code = 'LIBRARIAN'",
                  {"u": user_id})
        branch = s.scalar("SELECT branch_id FROM branches WHERE code = 'MAIN'")
        material = s.insert("materials", {"title": f"Bench title {tag}", "material_type": "BOOK"}, "material_id")
        pairs = []
        for i in range(clients):
            patron = s.insert("patrons", {"card_number": f"BP{tag}{i:04d}", "first_name": "Bench",
                                          "last_name": f"Patron {i}", "category": "ADULT", "home_branch_id": branch,
                                          "status": "ACTIVE", "expires_on": _in_days(s, 365)}, "patron_id")
            barcode = f"BC{tag}{i:04d}"
            copy = s.insert("copies", {"material_id": material, "branch_id": branch, "barcode": barcode,
                                       "status": "AVAILABLE"}, "copy_id")
            pairs.append((patron, copy, barcode))
        s.commit()
        return username, pairs
    finally:
        s.close()


def _in_days(s: Session, days: int) -> datetime:
    return datetime.utcnow().replace(microsecond=0) + timedelta(days=days)


# ---- the two ways of doing a pair ------------------------------------------------------------------



class BarePair:
    """checkout + check-in through the Session as the gateway sends them: one round trip per call."""

    def __init__(self, url: str, actor: int, session_key: str, barcode: str):
        self.s = connect(url)
        self.s.raw.autocommit = True  # as the pool's connections: call_committed opens the transaction
        self.actor, self.key, self.barcode = actor, session_key, barcode

    def __call__(self, patron: int, copy: int) -> None:
        # the typed calls the gateway sends, each in one round trip (datalayer.gateway.prepared)
        procedure, args, _ = prepared(lib_circulation.checkout_desk, patron, None, copy, None, None, "N", None, None)
        self.s.call_committed(self.actor, self.key, procedure, *args)
        procedure, args, _ = prepared(lib_circulation.checkin_desk, None, None, self.barcode, None, None, None)
        self.s.call_committed(self.actor, self.key, procedure, *args)

    def close(self) -> None:
        self.s.close()


class HttpPair:
    """checkout + return over one keep-alive HTTP/1.1 connection (stdlib client: cheap on the client side)."""

    def __init__(self, host: str, port: int, token: str, barcode: str):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.barcode = barcode
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def _post(self, path: str, body: dict, expect: int) -> None:
        self.conn.request("POST", path, body=json.dumps(body), headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status != expect:
            raise RuntimeError(f"{path}: {r.status} {data[:200]!r}")

    def __call__(self, patron: int, copy: int) -> None:
        self._post("/api/circulation/checkout", {"patron_id": patron, "copy_id": copy}, 201)
        self._post("/api/circulation/return", {"copy_barcode": self.barcode}, 200)

    def close(self) -> None:
        self.conn.close()


# ---- load shapes -----------------------------------------------------------------------------------

def open_loop(make_pair, pairs, seconds: float, rate_per_client: float = 1.0) -> tuple[list[float], int]:
    """Each client starts a pair every 1/rate s (±20 % jitter); latency from the scheduled start."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_at = time.perf_counter() + 0.5

    def client(i: int, patron: int, copy: int, barcode: str) -> None:
        rnd = random.Random(i)
        do = make_pair(barcode)
        try:
            due = start_at + rnd.random() / rate_per_client
            end = start_at + seconds
            while due < end:
                now = time.perf_counter()
                if due > now:
                    time.sleep(due - now)
                try:
                    do(patron, copy)
                    with lock:
                        latencies.append(time.perf_counter() - due)
                except Exception:
                    with lock:
                        errors[0] += 1
                due += rnd.uniform(0.8, 1.2) / rate_per_client
        finally:
            do.close()

    threads = [threading.Thread(target=client, args=(i, *p)) for i, p in enumerate(pairs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def closed_loop(make_pair, pairs, seconds: float) -> tuple[int, float, list[float], int]:
    """Every client repeats pairs back to back; returns (pairs done, seconds, latencies, errors)."""
    done, errors, latencies = [0], [0], []
    lock = threading.Lock()
    stop = threading.Event()
    ready = threading.Barrier(len(pairs) + 1)

    def client(patron: int, copy: int, barcode: str) -> None:
        do = make_pair(barcode)
        mine, lat = 0, []
        try:
            do(patron, copy)  # warm the connection and the prepared statements
            ready.wait()
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    do(patron, copy)
                    mine += 1
                    lat.append(time.perf_counter() - t0)
                except Exception:
                    with lock:
                        errors[0] += 1
        finally:
            with lock:
                done[0] += mine
                latencies.extend(lat)
            do.close()

    threads = [threading.Thread(target=client, args=p) for p in pairs]
    for t in threads:
        t.start()
    ready.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return done[0], time.perf_counter() - t0, latencies, errors[0]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] * 1000


# ---- server ----------------------------------------------------------------------------------------

def start_server(url: str, port: int, workers: int, pool_max: int, access_log: bool) -> subprocess.Popen:
    metrics_dir = tempfile.mkdtemp(prefix="ils-bench-metrics-")
    env = dict(os.environ, ILS_DATABASE_URL=url, ILS_JWT_SECRET=secrets.token_urlsafe(32),
               ILS_DB_POOL_MIN=str(min(2, pool_max)), ILS_DB_POOL_MAX=str(pool_max),
               ILS_ACCESS_LOG="1" if access_log else "0", ILS_LOG_LEVEL="WARNING",
               PROMETHEUS_MULTIPROC_DIR=metrics_dir, PYTHONPATH=str(ROOT))
    args = [sys.executable, *serve_command("127.0.0.1", port, workers=workers, env=env),
            "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stderr=subprocess.DEVNULL if not access_log else None)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("uvicorn did not start")


def login(port: int, username: str) -> tuple[str, int]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/auth/login", body=json.dumps({"username": username, "password": PASSWORD}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    token = json.loads(r.read())["access_token"]
    c.request("GET", "/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    return token, json.loads(c.getresponse().read())["user_id"]


def _metric(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and want in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def server_side(port: int) -> dict[str, tuple[float, float]]:
    """Inside the server (its /metrics, all workers, since start): per route (mean request time, mean time
    of the gateway's one round trip: actor, package call and commit)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    out = {}
    for route, proc in (("/api/circulation/checkout", "lib_circulation.checkout_desk"),
                        ("/api/circulation/return", "lib_circulation.checkin_desk")):
        n = _metric(text, "ils_http_request_duration_seconds_count", method="POST", route=route)
        t = _metric(text, "ils_http_request_duration_seconds_sum", method="POST", route=route)
        pn = _metric(text, "ils_db_call_duration_seconds_count", procedure=proc)
        pt = _metric(text, "ils_db_call_duration_seconds_sum", procedure=proc)
        if n and pn:
            out[proc] = (t / n * 1000, pt / pn * 1000)
    return out


def function_times(url: str) -> dict[str, tuple[int, float]]:
    """pg_stat_user_functions: (calls, total ms) of the desk procedures, as track_functions counted them."""
    s = connect(url)
    try:
        rows = s.rows("""SELECT schemaname || '.' || funcname AS name, calls, total_time FROM pg_stat_user_functions
                          WHERE schemaname = 'lib_circulation' AND funcname IN ('checkout_desk', 'checkin_desk')""")
        return {r["name"]: (int(r["calls"]), float(r["total_time"])) for r in rows}
    finally:
        s.rollback()
        s.close()


def track_functions(url: str, on: bool) -> None:
    s = connect(url)
    try:
        s.raw.autocommit = True
        db = s.scalar("SELECT current_database()")
        s.execute(f'ALTER DATABASE "{db}" ' + ("SET track_functions = 'pl'" if on else "RESET track_functions"))
    finally:
        s.close()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("ILS_DATABASE_URL"), help="the schema owner's URL (arrange)")
    ap.add_argument("--app-url", default=os.environ.get("ILS_APP_DATABASE_URL"),
                    help="the application role's URL (server and bare calls); default --url")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pool-max", type=int, default=8, help="connections per worker")
    ap.add_argument("--desks", type=int, default=25)
    ap.add_argument("--desk-seconds", type=float, default=60)
    ap.add_argument("--sat-clients", type=int, default=16)
    ap.add_argument("--sat-seconds", type=float, default=20)
    ap.add_argument("--sat-runs", type=int, default=3)
    ap.add_argument("--single-seconds", type=float, default=10)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--access-log", action="store_true", help="keep the JSON access log on (off by default)")
    ap.add_argument("--skip-bare", action="store_true")
    args = ap.parse_args(argv)
    if not args.url:
        ap.error("--url or ILS_DATABASE_URL is required")
    app_url = args.app_url or args.url
    import socket
    port = args.port
    if not port:
        with socket.socket() as sk:
            sk.bind(("127.0.0.1", 0))
            port = sk.getsockname()[1]

    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally below: stop the server too
    clients = max(args.desks, args.sat_clients)
    username, pairs = arrange(args.url, clients)
    engine = urlsplit(args.url).scheme
    as_app = "the application role" if args.app_url else "the --url user (no --app-url)"
    print(f"bench_http: engine {engine}, {os.cpu_count()} CPUs, uvicorn workers {args.workers}, "
          f"pool max {args.pool_max}/worker, access log {'on' if args.access_log else 'off'}, server and bare "
          f"calls as {as_app}; at start {load()}")
    tracked = engine.startswith("postgres")
    if tracked:
        track_functions(args.url, True)
    proc = start_server(app_url, port, args.workers, args.pool_max, args.access_log)
    verdict: list[str] = []
    try:
        token, actor = login(port, username)
        before = function_times(args.url) if tracked else {}

        def http_pair(barcode):
            return HttpPair("127.0.0.1", port, token, barcode)

        session_key = jwt.get_unverified_claims(token)["sid"]  # the bare calls act under the login's session

        def bare_pair(barcode):
            return BarePair(app_url, actor, session_key, barcode)

        single = {}
        for name, make in (("bare", bare_pair), ("http", http_pair)):  # one desk, back to back: the pure overhead
            if name == "bare" and args.skip_bare:
                continue
            n, secs, lat, err = closed_loop(make, pairs[:1], args.single_seconds)
            single[name] = lat
            print(f"one desk   {name:4s}: {n} pairs in {secs:.1f} s back to back, pair p50 {pct(lat, 50):.2f} ms, "
                  f"p95 {pct(lat, 95):.2f} ms, errors {err}")
        if "bare" in single:
            ratio = pct(single['http'], 50) / pct(single['bare'], 50)
            print(f"one desk   http - bare: {pct(single['http'], 50) - pct(single['bare'], 50):.2f} ms per pair at p50 "
                  f"(ratio {ratio:.2f}x; target <= 1.5)")
            verdict.append(f"one desk HTTP/bare {ratio:.2f} (<= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")
        desk = pairs[:args.desks]
        results = {}
        for name, make in (("bare", bare_pair), ("http", http_pair)):
            if name == "bare" and args.skip_bare:
                continue
            lat, err = open_loop(make, desk, args.desk_seconds)
            results[name] = lat
            print(f"desk load {name:4s}: {len(lat)} pairs in {args.desk_seconds:.0f} s by {len(desk)} desks, "
                  f"p50 {pct(lat, 50):.2f} ms, p95 {pct(lat, 95):.2f} ms, p99 {pct(lat, 99):.2f} ms, "
                  f"mean {statistics.fmean(lat) * 1000 if lat else float('nan'):.2f} ms, errors {err}")
        p95 = pct(results["http"], 95)
        verdict.append(f"{len(desk)} desks HTTP p95 {p95:.2f} ms (<= 10: {'met' if p95 <= 10 else 'MISSED'})")
        if "bare" in results:
            print(f"desk load ratio http/bare: p50 {pct(results['http'], 50) / pct(results['bare'], 50):.2f}x, "
                  f"p95 {pct(results['http'], 95) / pct(results['bare'], 95):.2f}x  (target: http p95 <= 10 ms)")
        sat = pairs[:args.sat_clients]
        rates: dict[str, list[float]] = {"bare": [], "http": []}
        for run in range(args.sat_runs):
            for name, make in (("bare", bare_pair), ("http", http_pair)):
                if name == "bare" and args.skip_bare:
                    continue
                n, secs, lat, err = closed_loop(make, sat, args.sat_seconds)
                rates[name].append(n / secs)
                print(f"saturation {name:4s} run {run + 1}: {n / secs:.0f} pairs/s ({n} pairs in {secs:.1f} s, "
                      f"{len(sat)} clients), pair p50 {pct(lat, 50):.2f} ms, p95 {pct(lat, 95):.2f} ms, errors {err}")
        http_rate = statistics.median(rates["http"])
        line = f"saturation median of {args.sat_runs}: HTTP {http_rate:.0f} pairs/s"
        if rates["bare"]:
            bare_rate = statistics.median(rates["bare"])
            line += f", bare {bare_rate:.0f} pairs/s, HTTP/bare {http_rate / bare_rate:.2f}"
            verdict.append(f"saturation HTTP/bare {http_rate / bare_rate:.2f} "
                           f"(>= 0.75: {'met' if http_rate / bare_rate >= 0.75 else 'MISSED'})")
        verdict.append(f"saturation HTTP {http_rate:.0f} pairs/s (>= 500: {'met' if http_rate >= 500 else 'MISSED'})")
        print(line + "  (targets: HTTP >= 0.75 x bare, >= 500 pairs/s)")
        inside = server_side(port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if tracked:
        time.sleep(1.0)  # the server's backends report their function counters as they exit
        after = function_times(args.url)
        track_functions(args.url, False)
        for name, (req_ms, trip_ms) in inside.items():
            calls = after.get(name, (0, 0.0))[0] - before.get(name, (0, 0.0))[0]
            spent = after.get(name, (0, 0.0))[1] - before.get(name, (0, 0.0))[1]
            print(f"server side {name}: {req_ms:.2f} ms per request in the server (middleware to response), "
                  f"{trip_ms:.2f} ms per gateway round trip (actor + call + commit), "
                  f"{spent / calls if calls else float('nan'):.2f} ms inside the procedure "
                  f"(pg_stat_user_functions, {calls} calls, bare calls included)")
            if name.endswith("checkout_desk") and calls:
                ratio = req_ms / (spent / calls)
                verdict.append(f"server checkout / inside checkout {ratio:.2f} (<= 1.5: {'met' if ratio <= 1.5 else 'MISSED'})")
    else:
        for name, (req_ms, trip_ms) in inside.items():
            print(f"server side {name}: {req_ms:.2f} ms per request, {trip_ms:.2f} ms per gateway round trip")
    print(f"at end {load()}")
    print("targets: " + "; ".join(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
