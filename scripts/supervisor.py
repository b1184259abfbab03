"""`scripts/ils run`'s processes: the web server and the notice sender, kept running together.

It starts every child, says where each listens, restarts a child that dies (after 1, 2, 4 ... 30 seconds,
back to 1 once a child has run a minute) and says so, and stops them all on Ctrl-C and on SIGTERM: each
child gets SIGTERM, then SIGKILL after 10 seconds. Children run in their own process group (a Ctrl-C
reaches the supervisor, which stops them in order) and get SIGTERM should the supervisor itself be killed
(Linux PR_SET_PDEATHSIG), so no child outlives it holding a port.

    python -m scripts.supervisor --host 127.0.0.1 --port 8000     (what `scripts/ils run` runs after setup;
                                                                   the environment carries the settings)
"""
from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_S = 10.0
MAX_BACKOFF_S = 30.0
HEALTHY_AFTER_S = 60.0


def _say(msg: str) -> None:
    print(f"ils: {msg}", flush=True)


def _die_with_parent() -> None:  # in the child, before exec
    os.setsid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    where: str
    env: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    started: float = 0.0
    backoff: float = 1.0
    restart_at: float | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, env=self.env or None, cwd=ROOT, preexec_fn=_die_with_parent)
        self.started = time.monotonic()
        self.restart_at = None


class Supervisor:
    def __init__(self, children: list[Child]):
        self.children = children
        self.stopping = False

    def _stop(self, signum, _frame) -> None:
        if not self.stopping:
            _say(f"{signal.Signals(signum).name}: stopping {', '.join(c.name for c in self.children)}")
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for c in self.children:
            c.start()
            _say(f"started {c.name} (pid {c.proc.pid}): {c.where}")
        try:
            while not self.stopping:
                self._watch()
                time.sleep(0.2)
        finally:
            self._stop_all()
        return 0

    def _watch(self) -> None:
        now = time.monotonic()
        for c in self.children:
            if c.restart_at is not None:
                if now >= c.restart_at:
                    c.start()
                    _say(f"restarted {c.name} (pid {c.proc.pid})")
                continue
            code = c.proc.poll() if c.proc else None
            if code is None:
                continue
            if now - c.started >= HEALTHY_AFTER_S:
                c.backoff = 1.0
            _say(f"{c.name} (pid {c.proc.pid}) exited with status {code}; restarting in {c.backoff:.0f}s")
            c.restart_at = now + c.backoff
            c.backoff = min(MAX_BACKOFF_S, c.backoff * 2)

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.proc and c.proc.poll() is None]
        for c in running:
            try:
                c.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_GRACE_S
        for c in running:
            try:
                c.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _say(f"{c.name} (pid {c.proc.pid}) did not stop in {STOP_GRACE_S:.0f}s: killed")
                c.proc.kill()
                c.proc.wait()
        _say("stopped")


def children(host: str, port: int, workers: int, env: dict) -> list[Child]:
    """The processes of `scripts/ils run`: the web server (API and staff UI) and the notice sender."""
    from services.notices.config import MailConfig
    from services.settings import serve_command
    url = f"http://{host}:{port}"
    web = Child("web", [sys.executable, *serve_command(host, port, workers=workers, env=env), "--no-access-log"],
                f"{url} (staff UI {url}/staff/, API docs {url}/docs)", env)
    sender = Child("sender", [sys.executable, "-m", "workers.sender"],
                   f"notice outbox -> {MailConfig.from_env(env).describe()}", env)
    return [web, sender]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts.supervisor")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return Supervisor(children(args.host, args.port, args.workers, env)).run()


if __name__ == "__main__":
    sys.exit(main())
