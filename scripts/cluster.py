"""The embedded PostgreSQL cluster: the project's own, in .ils/pgdata, on its own port.

Created on first use, started and stopped by the CLI, never the machine's default cluster.
PostgreSQL refuses to run as root, so as root the server runs as Debian's `postgres` user.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".ils"
DATA_DIR = STATE_DIR / "pgdata"
PASSWORD_FILE = STATE_DIR / "db-password"
PORT = int(os.environ.get("ILS_PG_PORT", "54329"))
PG_MAJOR = 15
BIN_DIR = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
ROLE = "ils"
DATABASE = "ils"


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(_as_server_user(args), check=True, text=True, capture_output=True, **kw)


def password() -> str:
    return PASSWORD_FILE.read_text().strip()


def admin_url(database: str = "postgres") -> str:
    """URL of the cluster's owner role ils (a superuser inside this cluster only)."""
    return f"postgresql://{ROLE}:{quote(password())}@127.0.0.1:{PORT}/{database}"


def is_initialised() -> bool:
    return (DATA_DIR / "PG_VERSION").exists()


def init() -> None:
    """Create the cluster: scram passwords, loopback only, pg_cron preloaded."""
    STATE_DIR.mkdir(exist_ok=True)
    if not PASSWORD_FILE.exists():
        PASSWORD_FILE.write_text(secrets.token_urlsafe(24) + "\n")
        PASSWORD_FILE.chmod(0o600)
    DATA_DIR.mkdir(exist_ok=True)
    pwfile = STATE_DIR / "initdb.pw"
    pwfile.write_text(password() + "\n")
    if os.geteuid() == 0:
        shutil.chown(DATA_DIR, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    DATA_DIR.chmod(0o700)
    try:
        _run([str(BIN_DIR / "initdb"), "-D", str(DATA_DIR), "-U", ROLE, f"--pwfile={pwfile}",
              "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"])
    finally:
        pwfile.unlink()
    with (DATA_DIR / "postgresql.conf").open("a") as f:
        f.write("\n# ILS embedded cluster: settings kept in ils.conf, rewritten at every start\n"
                "include_if_exists = 'ils.conf'\n")


def _write_settings() -> None:
    """The cluster's settings. pg_cron runs jobs in background workers, so it needs no password."""
    settings = {
        "listen_addresses": "'127.0.0.1'", "port": str(PORT), "unix_socket_directories": f"'{DATA_DIR}'",
        "shared_preload_libraries": "'pg_cron'", "cron.database_name": f"'{DATABASE}'",
        "cron.use_background_workers": "on", "cron.timezone": "'UTC'", "max_worker_processes": "32",
        "timezone": "'UTC'", "max_connections": "200", "shared_buffers": "512MB",
        "fsync": "on", "synchronous_commit": "on",
    }
    path = DATA_DIR / "ils.conf"
    path.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def is_running() -> bool:
    if not is_initialised():
        return False
    r = subprocess.run(_as_server_user([str(BIN_DIR / "pg_ctl"), "status", "-D", str(DATA_DIR)]),
                       capture_output=True, text=True)
    return r.returncode == 0


def start() -> None:
    if not is_initialised():
        init()
    if is_running():
        return
    _write_settings()
    log = DATA_DIR / "server.log"
    _run([str(BIN_DIR / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(DATA_DIR), "-l", str(log)])
    _wait_ready()
    _ensure_database()


def stop() -> None:
    if is_running():
        _run([str(BIN_DIR / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(DATA_DIR)])


def restart() -> None:
    """pg_cron's scheduler stops for good when its database is dropped: a restart brings it back."""
    stop()
    start()


def _wait_ready(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = subprocess.run([str(BIN_DIR / "pg_isready"), "-h", "127.0.0.1", "-p", str(PORT)], capture_output=True)
        if r.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"embedded PostgreSQL did not accept connections on port {PORT}")


def _ensure_database() -> None:
    """The application database must exist before pg_cron (configured for it) can start its worker."""
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def default_url() -> str:
    return admin_url(DATABASE)
