"""`scripts/ils run`'s supervisor (scripts/supervisor.py) with its real children, the web server and the
sender, on a free port against the test database: a SIGTERM stops both and frees the port; a sender that
dies is started again and the supervisor says so."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")


def test_the_supervisor_restarts_a_dead_sender_and_stops_everything_on_sigterm(sender_env, tmp_path):
    port = _free_port()
    env = {**os.environ, **sender_env, "ILS_JWT_SECRET": "x" * 32, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "scripts.supervisor", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: [lines.append(l) for l in proc.stdout], daemon=True).start()

    def wait_for(pred, what: str, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pred()
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no {what} in {timeout}s; output:\n{''.join(lines)}")

    def pid_of(name: str, after: int = 0) -> int:
        for line in lines[after:]:
            if f"started {name} (pid " in line or f"restarted {name} (pid " in line:
                return int(line.split("(pid ")[1].split(")")[0])
        return 0

    try:
        web = wait_for(lambda: pid_of("web"), "web start")
        sender = wait_for(lambda: pid_of("sender"), "sender start")
        assert any(f"http://127.0.0.1:{port}" in l for l in lines)
        wait_for(lambda: _get_ok(f"http://127.0.0.1:{port}/healthz"), "answer on /healthz")

        seen = len(lines)
        os.kill(sender, signal.SIGKILL)
        wait_for(lambda: any("sender (pid" in l and "restarting in" in l for l in lines[seen:]), "restart notice")
        new_sender = wait_for(lambda: pid_of("sender", seen), "sender restart")
        assert new_sender != sender and _alive(new_sender)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert not _alive(web) and not _alive(new_sender)
        wait_for(lambda: _port_free(port), "port released", timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()


def _get_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
