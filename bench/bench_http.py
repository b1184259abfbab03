"""HTTP benchmark of the circulation desk: checkout + check-in pairs through a real uvicorn server.

    ILS_DATABASE_URL=postgresql://... .venv/bin/python bench/bench_http.py [--workers 2] [--desk-seconds 60]
        [--desks 25] [--sat-seconds 20] [--sat-clients 16] [--pool-max 8] [--access-log]

Two load shapes, each measured against the bare procedure calls (datalayer.session.Session: set_actor,
lib_circulation.checkout, commit; set_actor, checkin, commit) under the same shape, in the same run:
  desk load   open loop: each of --desks clients starts a checkout/check-in pair about once a second
              (jittered schedule; latency is measured from the scheduled start, so queueing counts);
              reports p50/p95 per pair and the HTTP/bare ratio (targets: p95 <= 10 ms, ratio <= 1.5)
  saturation  closed loop, no think time, --sat-clients clients: sustained pairs per second
              (target >= 500 on a 2-core machine)
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
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jose import jwt  # noqa: E402

from datalayer.session import Out, Session, connect  # noqa: E402
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
    """checkout + check-in through the Session, as the gateway does it (actor, call, commit)."""

    def __init__(self, url: str, actor: int, session_key: str):
        self.s = connect(url)
        self.actor, self.key = actor, session_key

    def __call__(self, patron: int, copy: int) -> None:
        s = self.s
        s.set_actor(self.actor, self.key)
        s.call("lib_circulation.checkout", patron, copy, None, "N", Out(int), Out(datetime))
        s.call("lib_session.clear_actor")
        s.commit()
        s.set_actor(self.actor, self.key)
        s.call("lib_circulation.checkin", copy, None, None, None, Out(int), Out(int), Out(Decimal), Out(int))
        s.call("lib_session.clear_actor")
        s.commit()

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


def server_side(port: int) -> str:
    """Inside the server (its /metrics, all workers, since start): mean request time vs mean package call time."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    out = []
    for route, proc in (("/api/circulation/checkout", "lib_circulation.checkout"),
                        ("/api/circulation/return", "lib_circulation.checkin_by_barcode")):
        n = _metric(text, "ils_http_request_duration_seconds_count", method="POST", route=route)
        t = _metric(text, "ils_http_request_duration_seconds_sum", method="POST", route=route)
        pn = _metric(text, "ils_db_call_duration_seconds_count", procedure=proc)
        pt = _metric(text, "ils_db_call_duration_seconds_sum", procedure=proc)
        if n and pn:
            out.append(f"{route.rsplit('/', 1)[1]} {t / n * 1000:.2f} ms in the server, {pt / pn * 1000:.2f} ms in {proc}")
    return "server side (mean since start): " + "; ".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("ILS_DATABASE_URL"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pool-max", type=int, default=8, help="connections per worker")
    ap.add_argument("--desks", type=int, default=25)
    ap.add_argument("--desk-seconds", type=float, default=60)
    ap.add_argument("--sat-clients", type=int, default=16)
    ap.add_argument("--sat-seconds", type=float, default=20)
    ap.add_argument("--single-seconds", type=float, default=10)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--access-log", action="store_true", help="keep the JSON access log on (off by default)")
    ap.add_argument("--skip-bare", action="store_true")
    args = ap.parse_args(argv)
    if not args.url:
        ap.error("--url or ILS_DATABASE_URL is required")
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
    print(f"bench_http: engine {engine}, {os.cpu_count()} CPUs, uvicorn workers {args.workers}, "
          f"pool max {args.pool_max}/worker, access log {'on' if args.access_log else 'off'}")
    proc = start_server(args.url, port, args.workers, args.pool_max, args.access_log)
    try:
        token, actor = login(port, username)

        def http_pair(barcode):
            return HttpPair("127.0.0.1", port, token, barcode)

        session_key = jwt.get_unverified_claims(token)["sid"]  # the bare calls act under the login's session

        def bare_pair(barcode):
            return BarePair(args.url, actor, session_key)

        single = {}
        for name, make in (("bare", bare_pair), ("http", http_pair)):  # one desk, back to back: the pure overhead
            if name == "bare" and args.skip_bare:
                continue
            n, secs, lat, err = closed_loop(make, pairs[:1], args.single_seconds)
            single[name] = lat
            print(f"one desk   {name:4s}: {n} pairs in {secs:.1f} s back to back, pair p50 {pct(lat, 50):.2f} ms, "
                  f"p95 {pct(lat, 95):.2f} ms, errors {err}")
        if "bare" in single:
            print(f"one desk   http - bare: {pct(single['http'], 50) - pct(single['bare'], 50):.2f} ms per pair at p50 "
                  f"(ratio {pct(single['http'], 50) / pct(single['bare'], 50):.2f}x)")
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
        print(server_side(port))
        if "bare" in results:
            print(f"desk load ratio http/bare: p50 {pct(results['http'], 50) / pct(results['bare'], 50):.2f}x, "
                  f"p95 {pct(results['http'], 95) / pct(results['bare'], 95):.2f}x  "
                  f"(targets: http p95 <= 10 ms, ratio <= 1.5)")
        sat = pairs[:args.sat_clients]
        for name, make in (("bare", bare_pair), ("http", http_pair)):
            if name == "bare" and args.skip_bare:
                continue
            n, secs, lat, err = closed_loop(make, sat, args.sat_seconds)
            print(f"saturation {name:4s}: {n / secs:.0f} pairs/s ({n} pairs in {secs:.1f} s, {len(sat)} clients), "
                  f"pair p50 {pct(lat, 50):.2f} ms, p95 {pct(lat, 95):.2f} ms, errors {err}  (target >= 500 pairs/s)")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
