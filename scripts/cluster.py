"""The embedded PostgreSQL cluster: the project's own, on its own port (ILS_PG_PORT), never the machine's default.

Created on first use, started and stopped by the CLI. PostgreSQL refuses to run as root, so as root the
server runs as Debian's `postgres` user, which must be able to enter the data directory. The cluster lives
in .ils/pgdata when that user can reach it; otherwise (a checkout in a private home such as /root) in a
folder of that user's own, ~postgres/ils/<checkout name>-<hash of the checkout's path>/pgdata, recorded in
.ils/cluster-dir. No directory of the user's is ever chmod-ed; .ils keeps the project's own state.

A failing tool raises ToolError carrying the tool's own output; the CLI prints it with a one-line hint.
"""
from __future__ import annotations

import errno
import hashlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".ils"
PASSWORD_FILE = STATE_DIR / "db-password"
CLUSTER_DIR_FILE = STATE_DIR / "cluster-dir"  # only when the cluster lives outside the checkout
SERVER_USER = "postgres"
PG_MAJOR = 15
BIN_DIR = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
ROLE = "ils"
DATABASE = "ils"
# The application role (database/postgres/grants.sql): what the API and the staff UI connect as. The build
# creates it NOLOGIN; the embedded run gives it LOGIN and a password of its own, kept beside db-password.
APP_ROLE = "ils_app"
APP_PASSWORD_FILE = STATE_DIR / "app-password"
try:
    PORT = int(os.environ.get("ILS_PG_PORT", "54329"))
    if not 1 <= PORT <= 65535:
        raise ValueError
except ValueError:
    raise SystemExit(f"ils: ILS_PG_PORT must be a TCP port number, not {os.environ['ILS_PG_PORT']!r}") from None


class ToolError(RuntimeError):
    """An external tool failed. str() is one line saying what failed and what to do; `output` is the tool's own."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output.strip()


def failure_report(exc: BaseException) -> tuple[str, str] | None:
    """(tool output, one-line hint) for a failure of a tool or of the database the CLI drives; None for a bug."""
    if isinstance(exc, ToolError):
        return exc.output, str(exc)
    from database.postgres.build import BuildError
    if isinstance(exc, BuildError):
        head, _, output = str(exc).partition("\n")
        return output, f"the PostgreSQL build stopped: {head.rstrip(':')}" + (" (output above)" if output else "")
    import psycopg
    if isinstance(exc, psycopg.OperationalError):
        return str(exc), (f"the database did not answer (embedded cluster on port {PORT}: "
                          "`scripts/ils db status`; ILS_DATABASE_URL when set)")
    return None


def _as_root() -> bool:
    return os.geteuid() == 0


def _as_server_user(args: list[str]) -> list[str]:
    if _as_root():
        return ["runuser", "-u", SERVER_USER, "--", *args]
    return args


def _call(args: list[str], as_server: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool (as the server user unless told), from a directory that user can enter."""
    try:
        return subprocess.run(_as_server_user(args) if as_server else args, text=True, capture_output=True, cwd="/")
    except OSError as e:
        raise ToolError(f"{Path(args[0]).name} could not be run ({e.strerror}): scripts/setup.sh installs "
                        f"PostgreSQL {PG_MAJOR} and its tools") from None


def _run(args: list[str], hint: str) -> subprocess.CompletedProcess:
    r = _call(args)
    if r.returncode != 0:
        raise ToolError(f"{Path(args[0]).name} failed (exit {r.returncode}): {hint}", r.stderr or r.stdout)
    return r


# ---- where the cluster lives ------------------------------------------------------------------------

_data_dir: Path | None = None


def data_dir() -> Path:
    """The cluster's data directory (decided once per process)."""
    global _data_dir
    if _data_dir is None:
        _data_dir = _locate()
    return _data_dir


def __getattr__(name: str):  # cluster.DATA_DIR, as before, without deciding at import
    if name == "DATA_DIR":
        return data_dir()
    raise AttributeError(name)


def _locate() -> Path:
    if CLUSTER_DIR_FILE.exists():
        return Path(CLUSTER_DIR_FILE.read_text().strip())
    in_tree = STATE_DIR / "pgdata"
    if not _as_root() or (in_tree / "PG_VERSION").exists():
        return in_tree
    STATE_DIR.mkdir(exist_ok=True)
    reachable = _call(["test", "-x", str(STATE_DIR)]).returncode == 0  # every parent searchable by the server user
    return in_tree if reachable else _outside_dir() / "pgdata"


def _outside_dir() -> Path:
    """~postgres/ils/<name>-<hash of the checkout's path>: two checkouts never share a cluster."""
    try:
        home = Path(pwd.getpwnam(SERVER_USER).pw_dir)
    except KeyError:
        raise ToolError(f"there is no `{SERVER_USER}` user to run PostgreSQL as: scripts/setup.sh installs "
                        f"PostgreSQL {PG_MAJOR}") from None
    name = re.sub(r"[^A-Za-z0-9._-]", "_", ROOT.name)[:24]
    return home / "ils" / f"{name}-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"


def is_outside() -> bool:
    return data_dir().parent != STATE_DIR


def location() -> str:
    """Where the data is, for messages."""
    if not is_outside():
        return str(data_dir().relative_to(ROOT))
    return f"{data_dir()}, outside the checkout because the `{SERVER_USER}` user cannot enter it"


def password() -> str:
    return PASSWORD_FILE.read_text().strip()


def admin_url(database: str = "postgres") -> str:
    """URL of the cluster's owner role ils (a superuser inside this cluster only)."""
    return f"postgresql://{ROLE}:{quote(password())}@127.0.0.1:{PORT}/{database}"


def app_password() -> str:
    if not APP_PASSWORD_FILE.exists():
        STATE_DIR.mkdir(exist_ok=True)
        fd = os.open(APP_PASSWORD_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24) + "\n")
    return APP_PASSWORD_FILE.read_text().strip()


def app_url(database: str = DATABASE) -> str:
    """URL of the application role: calls the spec routines and reads, nothing else."""
    return f"postgresql://{APP_ROLE}:{quote(app_password())}@127.0.0.1:{PORT}/{database}"


def enable_app_login() -> None:
    """Give the application role, which an install creates NOLOGIN, LOGIN and this checkout's password."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone() is None:
            raise ToolError(f"the role {APP_ROLE} does not exist yet: install the schema first (scripts/ils db install)")
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(APP_ROLE),
                                                                        sql.Literal(app_password())))


def is_initialised() -> bool:
    """An outside cluster is this checkout's only when .ils records it (else a deleted checkout left it)."""
    return (data_dir() / "PG_VERSION").exists() and (not is_outside() or CLUSTER_DIR_FILE.exists())


def _own(path: Path, mode: int) -> None:
    if _as_root():
        shutil.chown(path, SERVER_USER, SERVER_USER)
    path.chmod(mode)


def _drop_orphan(home: Path) -> None:
    """A cluster that a deleted checkout at the same path left (its password went with its .ils)."""
    if (home / "pgdata" / "PG_VERSION").exists():
        _call([str(BIN_DIR / "pg_ctl"), "stop", "-w", "-m", "immediate", "-D", str(home / "pgdata")])
        shutil.rmtree(home)
        print(f"ils: removed {home}, the cluster of an earlier checkout at this path", flush=True)


def _prepare_outside(home: Path) -> None:
    """The server user's own folder for this checkout, entered by that user only."""
    _drop_orphan(home)
    if not home.parent.exists():
        home.parent.mkdir()
        _own(home.parent, 0o700)
    home.mkdir(exist_ok=True)
    _own(home, 0o700)


def init() -> None:
    """Create the cluster: scram passwords, loopback only, pg_cron preloaded."""
    data = data_dir()
    STATE_DIR.mkdir(exist_ok=True)
    if not PASSWORD_FILE.exists():
        PASSWORD_FILE.write_text(secrets.token_urlsafe(24) + "\n")
        PASSWORD_FILE.chmod(0o600)
    if is_outside():
        _prepare_outside(data.parent)
    data.mkdir(exist_ok=True)
    _own(data, 0o700)
    pwfile = data.parent / "initdb.pw"  # beside the data directory: initdb wants that empty
    pwfile.unlink(missing_ok=True)
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password() + "\n")
    _own(pwfile, 0o600)
    try:
        _run([str(BIN_DIR / "initdb"), "-D", str(data), "-U", ROLE, f"--pwfile={pwfile}",
              "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"],
             f"could not create the embedded cluster in {data}")
    finally:
        pwfile.unlink(missing_ok=True)
    with (data / "postgresql.conf").open("a") as f:
        f.write("\n# ILS embedded cluster: settings kept in ils.conf, rewritten at every start\n"
                "include_if_exists = 'ils.conf'\n")
    if is_outside():
        CLUSTER_DIR_FILE.write_text(f"{data}\n")


def _conf_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _write_settings() -> None:
    """The cluster's settings. pg_cron runs jobs in background workers, so it needs no password."""
    settings = {
        "listen_addresses": "'127.0.0.1'", "port": str(PORT), "unix_socket_directories": _conf_text(str(data_dir())),
        "shared_preload_libraries": "'pg_cron'", "cron.database_name": f"'{DATABASE}'",
        "cron.use_background_workers": "on", "cron.timezone": "'UTC'", "max_worker_processes": "32",
        "timezone": "'UTC'", "max_connections": "200", "shared_buffers": "512MB",
        "fsync": "on", "synchronous_commit": "on",
    }
    path = data_dir() / "ils.conf"
    path.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
    if _as_root():
        shutil.chown(path, SERVER_USER, SERVER_USER)


# ---- running it -------------------------------------------------------------------------------------

def is_running() -> bool:
    if not is_initialised():
        return False
    return _call([str(BIN_DIR / "pg_ctl"), "status", "-D", str(data_dir())]).returncode == 0


def _port_taken() -> ToolError:
    free = next((p for p in range(PORT + 1, min(PORT + 50, 65536)) if _port_free(p)), None)
    example = f" (e.g. ILS_PG_PORT={free})" if free else ""
    return ToolError(f"port {PORT} on 127.0.0.1 is already taken by another program (another PostgreSQL "
                     f"cluster?): set ILS_PG_PORT to a free port{example}")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no conflict
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return False
            raise ToolError(f"cannot use port {port} on 127.0.0.1 ({e.strerror}): set ILS_PG_PORT to another "
                            "port") from None
    return True


def _postmaster_pid() -> list[str]:
    """postmaster.pid: PID, data directory, start time, port, socket directory, ..."""
    try:
        return (data_dir() / "postmaster.pid").read_text().splitlines()
    except OSError:
        return []


def _log_since(log: Path, offset: int, lines: int = 20) -> str:
    try:
        with log.open("rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _pid_state(pid: str) -> str | None:
    """The process's state letter from /proc (Z: a zombie), None when there is no such process."""
    try:
        return Path(f"/proc/{int(pid)}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{int(pid)}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError):
        return ""


def _settle(timeout: float = 15.0) -> bool:
    """pg_ctl says the server runs: True once it answers, on the port asked for; False when it turns out dead
    (a server killed hard stays a zombie, `running` for pg_ctl, until its parent reaps it)."""
    lines = _postmaster_pid()
    pid = lines[0].strip() if lines else "?"
    port = lines[3].strip() if len(lines) > 3 else str(PORT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _pid_state(pid)
        if state is None:
            return False
        if state != "Z" and "postgres" not in _cmdline(pid):  # the PID went to another program: no need to wait
            break
        if state != "Z" and _ready(port):
            if port != str(PORT):
                raise ToolError(f"the embedded cluster is already running on port {port}, not ILS_PG_PORT={PORT}: "
                                "use that port, or stop it first (scripts/ils db stop)")
            return True
        time.sleep(0.2)
    raise ToolError(f"{data_dir() / 'postmaster.pid'} names PID {pid}, which is alive ({_cmdline(pid).strip()[:60]}), "
                    f"but nothing answers on port {port}: if that process is not this cluster's server, remove "
                    "the file and start again")


def start() -> None:
    if is_running() and _settle():
        return
    if not is_initialised() and is_outside():
        _drop_orphan(data_dir().parent)  # a deleted checkout's server may hold the port: it goes first
    if not _port_free(PORT):  # before initdb: a taken port costs nothing
        raise _port_taken()
    if not is_initialised():
        init()
    _write_settings()
    log = data_dir() / "server.log"
    offset = log.stat().st_size if log.exists() else 0
    r = _call([str(BIN_DIR / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data_dir()), "-l", str(log)])
    if r.returncode != 0:
        tail = _log_since(log, offset)
        if "Address already in use" in tail:  # taken between the check and the start
            raise _port_taken()
        raise ToolError(f"pg_ctl could not start the embedded PostgreSQL: see the server log above (all of it in "
                        f"{log})", "\n".join(t for t in (r.stderr.strip(), tail) if t))
    deadline = time.monotonic() + 30
    while not _ready():
        if time.monotonic() > deadline:
            raise ToolError(f"the embedded PostgreSQL did not accept connections on port {PORT} (server log above)",
                            _log_since(log, offset))
        time.sleep(0.2)
    _ensure_database()


def stop() -> None:
    if is_running():
        _run([str(BIN_DIR / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(data_dir())],
             f"could not stop the embedded PostgreSQL in {data_dir()}")


def restart() -> None:
    """pg_cron's scheduler stops for good when its database is dropped: a restart brings it back."""
    stop()
    start()


def _ready(port: str | int = PORT) -> bool:
    return _call([str(BIN_DIR / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], as_server=False).returncode == 0


def _ensure_database() -> None:
    """The application database must exist before pg_cron (configured for it) can start its worker."""
    import psycopg

    try:
        with psycopg.connect(admin_url(), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
    except psycopg.OperationalError as e:
        raise ToolError(f"could not connect to the embedded cluster on port {PORT} as {ROLE} (its password is in "
                        f"{PASSWORD_FILE.relative_to(ROOT)})", str(e)) from None


def default_url() -> str:
    """The application database as the cluster's superuser: installs, upgrades, demo data, jobs."""
    return admin_url(DATABASE)
