"""Setup anywhere: the embedded cluster of a checkout in a private (0700) home, as root too, and the CLI's
word when a port is taken or a tool fails: the tool's own output and one line, never a traceback.

Each private checkout holds a copy of this tree's scripts/ (what `db start` runs) and is driven with
`python -m scripts.cli` under this interpreter (its own scripts/ils would build a venv), on a free port.
Every cluster a test starts is stopped and removed afterwards, whatever the outcome.
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from database.postgres import build
from scripts import cli, cluster

ROOT = Path(__file__).resolve().parent.parent
AS_ROOT = os.geteuid() == 0

pytestmark = pytest.mark.skipif(not (cluster.BIN_DIR / "initdb").exists(),
                                reason=f"PostgreSQL {cluster.PG_MAJOR} is not installed")


@pytest.fixture(autouse=True)
def _engine_markers():
    """Override tests/conftest.py's autouse fixture: these tests bring their own clusters."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Checkout:
    """A copy of the CLI in a private home, with its own cluster on its own port."""

    def __init__(self, path: Path):
        self.path = path
        self.port = _free_port()
        shutil.copytree(ROOT / "scripts", path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
        r = self.python("from scripts import cluster; print(getattr(cluster, 'data_dir', lambda: cluster.DATA_DIR)())")
        assert r.returncode == 0, r.stderr
        self.data_dir = Path(r.stdout.strip())
        assert self.data_dir.is_absolute() and self.data_dir.name == "pgdata", r.stdout

    def python(self, code: str, port: int | None = None) -> subprocess.CompletedProcess:
        return self._run(["-c", code], port)

    def cli(self, *args: str, port: int | None = None) -> subprocess.CompletedProcess:
        return self._run(["-m", "scripts.cli", *args], port)

    def _run(self, args: list[str], port: int | None) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(self.path), ILS_PG_PORT=str(port or self.port))
        return subprocess.run([sys.executable, *args], cwd=self.path, env=env, capture_output=True, text=True,
                              timeout=180)

    def connect(self) -> psycopg.Connection:
        password = (self.path / ".ils" / "db-password").read_text().strip()
        return psycopg.connect(f"postgresql://ils:{quote(password)}@127.0.0.1:{self.port}/ils", connect_timeout=10)

    def postmaster_pid(self) -> int:
        return int((self.data_dir / "postmaster.pid").read_text().splitlines()[0])

    def remove(self) -> None:
        self.cli("db", "stop")
        if (self.data_dir / "postmaster.pid").exists():  # stop refused: no server may outlive the test
            subprocess.run(cluster._as_server_user([str(cluster.BIN_DIR / "pg_ctl"), "stop", "-m", "immediate",
                                                    "-D", str(self.data_dir)]), capture_output=True, cwd="/")
        outside = Path(pwd.getpwnam(cluster.SERVER_USER).pw_dir) / "ils"
        if self.data_dir.parent.parent == outside:  # only ever the folder this checkout's cluster got there
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


class Homes:
    """Checkouts in 0700 homes whose parent is private too, like /root; all removed at the end."""

    def __init__(self, base: Path):
        self.base, self.made = base, []
        base.chmod(0o700)

    def checkout(self, name: str = "ils") -> Checkout:
        home = self.base / f"home-{name}"
        home.mkdir(mode=0o700)
        self.made.append(Checkout(home / name))
        return self.made[-1]

    def remove(self) -> None:
        for checkout in self.made:
            checkout.remove()


@pytest.fixture
def private_checkout(tmp_path):
    homes = Homes(tmp_path)
    try:
        yield homes.checkout
    finally:
        homes.remove()


@pytest.fixture(scope="module")
def running_checkout(tmp_path_factory):
    """One cluster shared by the tests below (an initdb costs seconds): each starts it and leaves it sound."""
    homes = Homes(tmp_path_factory.mktemp("running"))
    try:
        checkout = homes.checkout()
        yield checkout
    finally:
        homes.remove()


def _assert_clean_failure(r: subprocess.CompletedProcess) -> str:
    """Non-zero, no traceback; returns the last line (the hint)."""
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "Traceback" not in out, out
    return r.stderr.strip().splitlines()[-1]


def test_checkout_in_private_home_gets_a_cluster_the_server_user_can_reach(running_checkout):
    checkout = running_checkout
    r = checkout.cli("db", "start")
    assert r.returncode == 0, r.stdout + r.stderr
    assert str(checkout.port) in r.stdout
    with checkout.connect() as conn:
        assert conn.execute("SELECT current_setting('data_directory')").fetchone()[0] == str(checkout.data_dir)
    if AS_ROOT:  # postgres cannot enter the home: the cluster lives in a folder of its own, said where
        assert not checkout.data_dir.is_relative_to(checkout.path)
        assert str(checkout.data_dir) in r.stdout
        assert (checkout.path / ".ils" / "cluster-dir").read_text().strip() == str(checkout.data_dir)
        for d in (checkout.data_dir, checkout.data_dir.parent):
            assert d.owner() == cluster.SERVER_USER and d.stat().st_mode & 0o777 == 0o700
    assert checkout.path.parent.stat().st_mode & 0o777 == 0o700  # nothing of the user's was opened up
    assert checkout.cli("db", "stop").returncode == 0
    assert checkout.cli("db", "status").returncode == 3


def test_two_private_checkouts_never_share_a_cluster(private_checkout):
    first, second = private_checkout("a"), private_checkout("b")
    assert first.data_dir != second.data_dir


@pytest.mark.parametrize("holder", ["program", "cluster"])
def test_taken_port_is_one_line_naming_it_and_ils_pg_port(private_checkout, running_checkout, holder):
    checkout = private_checkout()
    if holder == "cluster":
        other = running_checkout
        assert other.cli("db", "start").returncode == 0
        port, listener = other.port, None
    else:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
    try:
        r = checkout.cli("db", "start", port=port)
    finally:
        if listener:
            listener.close()
    line = _assert_clean_failure(r)
    assert len(r.stderr.strip().splitlines()) == 1
    assert f"port {port}" in line and "ILS_PG_PORT" in line
    assert not (checkout.data_dir / "PG_VERSION").exists()  # refused before creating anything


def test_start_on_another_port_than_the_running_server_says_which(running_checkout):
    checkout = running_checkout
    assert checkout.cli("db", "start").returncode == 0
    line = _assert_clean_failure(checkout.cli("db", "start", port=_free_port()))
    assert str(checkout.port) in line and "ILS_PG_PORT" in line


def test_server_killed_hard_leaves_a_stale_pid_file_the_next_start_recovers_from(running_checkout):
    checkout = running_checkout
    assert checkout.cli("db", "start").returncode == 0
    os.kill(checkout.postmaster_pid(), signal.SIGKILL)
    r = checkout.cli("db", "start")
    assert r.returncode == 0, r.stdout + r.stderr
    with checkout.connect() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_stale_pid_file_naming_another_live_program_is_reported_at_once(running_checkout):
    checkout = running_checkout
    assert checkout.cli("db", "start").returncode == 0
    pid_file = checkout.data_dir / "postmaster.pid"
    recorded = pid_file.read_text().splitlines()
    assert checkout.cli("db", "stop").returncode == 0
    squatter = subprocess.Popen(["sleep", "60"], user=cluster.SERVER_USER if AS_ROOT else None, cwd="/")
    try:
        pid_file.write_text("\n".join([str(squatter.pid), *recorded[1:]]) + "\n")
        if AS_ROOT:
            shutil.chown(pid_file, cluster.SERVER_USER, cluster.SERVER_USER)
        t0 = time.monotonic()
        line = _assert_clean_failure(checkout.cli("db", "start"))
        assert time.monotonic() - t0 < 10
        assert str(pid_file) in line and str(squatter.pid) in line
    finally:
        squatter.kill()
        squatter.wait()
        pid_file.unlink(missing_ok=True)


def test_failing_server_start_prints_the_server_log_not_a_traceback(running_checkout):
    checkout = running_checkout
    assert checkout.cli("db", "start").returncode == 0
    assert checkout.cli("db", "stop").returncode == 0
    conf = checkout.data_dir / "postgresql.conf"
    sound = conf.read_text()
    try:
        with conf.open("a") as f:
            f.write("shared_buffers = 'plenty'\n")
        r = checkout.cli("db", "start")
    finally:
        with conf.open("w") as f:  # same file, same owner
            f.write(sound)
    line = _assert_clean_failure(r)
    assert 'invalid value for parameter "shared_buffers"' in r.stderr
    assert line.startswith("ils: pg_ctl could not start") and str(checkout.data_dir / "server.log") in line


def test_failing_initdb_prints_its_error_not_a_traceback(private_checkout):
    checkout = private_checkout()
    new = [d for d in (checkout.data_dir.parent.parent, checkout.data_dir.parent, checkout.data_dir) if not d.exists()]
    checkout.data_dir.mkdir(parents=True)
    (checkout.data_dir / "stray-file").touch()
    for d in new if AS_ROOT else ():  # made as the cluster would make them: the server user's, private
        shutil.chown(d, cluster.SERVER_USER, cluster.SERVER_USER)
        d.chmod(0o700)
    r = checkout.cli("db", "start")
    line = _assert_clean_failure(r)
    assert "initdb: error" in r.stderr
    assert line.startswith("ils: initdb failed")


def test_failing_build_tool_reaches_the_user_with_its_output_not_a_traceback(monkeypatch, tmp_path, capsys):
    real_translate = build.translate
    monkeypatch.setattr(build, "CONF", tmp_path / "missing-ora2pg.conf")
    monkeypatch.setattr(build, "translate", lambda: real_translate(out=tmp_path / "out"))
    assert cli.main(["db", "build"]) == 1
    err = capsys.readouterr().err
    assert "can't find configuration file" in err  # ora2pg's own words
    assert err.strip().splitlines()[-1].startswith("ils: the PostgreSQL build stopped: ora2pg -t TABLE failed")
