"""Where a desk request spends its time inside the server: py-spy samples a real uvicorn worker (every thread)
while clients run checkout + check-in pairs over HTTP, and the samples are summed per function.

    .venv/bin/python bench/profile_http.py --url <owner URL> --app-url <ils_app URL> [--seconds 20] [--clients 8]
        [--py-spy PATH] [--top 25] [--out FILE]
    (embedded cluster: --url "$(scripts/ils db url)" --app-url "$(scripts/ils db url --app)")

py-spy is not a dependency of the project: install it anywhere (`pip install py-spy`) and pass its path
(default: `py-spy` on PATH). Samples are taken only from the thread holding the GIL (`--gil`): they
are the worker's Python CPU time (uvloop's and httptools' C code shows as the event loop's frame, waiting for
the database or a socket holds no GIL and is not sampled). Prints the share of samples per function: "self" (the sample's
innermost frame) and "total" (anywhere on the stack), plus a coarse split by layer (uvicorn/HTTP parsing,
starlette/fastapi routing and dependencies, pydantic, JSON, JWT, middleware, the gateway, psycopg,
waiting for the database). Asserts nothing; writes its own rows (a librarian, patrons, copies).
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_http as bh  # noqa: E402

IDLE = ("select (selectors.py", "epoll")
LAYERS = (  # first match from the innermost frame outwards names the layer of a sample
    ("psycopg: waiting for the database (GIL held around the wait)", ("Connection.wait",)),
    ("psycopg: building and parsing messages", ("psycopg/",)),
    ("datalayer (gateway, session)", ("datalayer/",)),
    ("JWT (python-jose)", ("jose/",)),
    ("JSON", ("json/",)),
    ("pydantic", ("pydantic",)),
    ("middleware (api/middleware.py, metrics)", ("api/middleware.py", "services/metrics.py", "prometheus_client")),
    ("fastapi / starlette (routing, dependencies)", ("fastapi/", "starlette/")),
    ("uvicorn / httptools", ("uvicorn/", "httptools")),
    ("anyio thread hop", ("anyio/",)),
    ("event loop: uvloop and httptools C code (asyncio Runner.run frame)", ("Runner.run", "asyncio/", "uvloop")),
    ("thread hand-off (threading Condition, futures)", ("threading.py", "concurrent/futures")),
)


def summarise(raw: Path, top: int) -> str:
    self_n: collections.Counter = collections.Counter()
    total_n: collections.Counter = collections.Counter()
    layers: collections.Counter = collections.Counter()
    busy = idle = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")[1:] if stack.startswith(("process", "thread")) else stack.split(";")
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames or any(frames[-1].startswith(i) or i in frames[-1] for i in IDLE):
            idle += n
            continue
        busy += n
        self_n[frames[-1]] += n
        for f in set(frames):
            total_n[f] += n
        for name, marks in LAYERS:
            if any(m in frames[-1] for m in marks):
                layers[name] += n
                break
        else:
            layers["other: " + frames[-1].split(" (")[-1].split(":")[0].rstrip(")")] += n
    out = [f"busy samples {busy}, idle samples {idle} (threads parked in select/queues)", "",
           "by layer (innermost frame):"]
    for name, n in layers.most_common(14):
        out.append(f"  {n / busy * 100:5.1f} %  {name}")
    out += ["", f"top {top} functions by self time:"]
    for f, n in self_n.most_common(top):
        out.append(f"  {n / busy * 100:5.1f} %  {f}")
    out += ["", f"top {top} functions by total time (on the stack):"]
    for f, n in total_n.most_common(top):
        out.append(f"  {n / busy * 100:5.1f} %  {f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("ILS_DATABASE_URL"))
    ap.add_argument("--app-url", default=os.environ.get("ILS_APP_DATABASE_URL"),
                    help="the application role's URL, the server's (default --url)")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--pool-max", type=int, default=8)
    ap.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    ap.add_argument("--rate", type=int, default=250, help="samples per second")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--out", help="also write the summary to this file")
    args = ap.parse_args(argv)
    if not args.url:
        ap.error("--url or ILS_DATABASE_URL is required")
    with socket.socket() as sk:
        sk.bind(("127.0.0.1", 0))
        port = sk.getsockname()[1]
    username, pairs = bh.arrange(args.url, args.clients)
    proc = bh.start_server(args.app_url or args.url, port, 1, args.pool_max, False)  # one worker: its pid is the one sampled
    raw = Path(tempfile.mkdtemp(prefix="ils-profile-")) / "samples.txt"
    try:
        token, _ = bh.login(port, username)
        spy = subprocess.Popen([args.py_spy, "record", "--pid", str(proc.pid), "--format", "raw", "--rate",
                                str(args.rate), "--duration", str(int(args.seconds)), "--output", str(raw),
                                "--nonblocking", "--gil"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)
        n, secs, lat, err = bh.closed_loop(lambda b: bh.HttpPair("127.0.0.1", port, token, b), pairs, args.seconds)
        spy.wait(timeout=args.seconds + 60)
        load = os.getloadavg()
        head = (f"profile_http: {n / secs:.0f} pairs/s over HTTP by {len(pairs)} clients, 1 uvicorn worker, pair p50 "
                f"{bh.pct(lat, 50):.2f} ms, errors {err}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        if not raw.exists():
            print(head)
            print("py-spy wrote nothing:", spy.stderr.read().decode()[-500:] if spy.stderr else "")
            return 1
        text = head + "\n" + summarise(raw, args.top)
        print(text)
        if args.out:
            Path(args.out).write_text(text + "\n")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
