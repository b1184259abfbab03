"""`scripts/ils notices ...`: the notice sender's account and the sender itself.

  send [--once]    run the sender (workers/sender.py): as a service, or one pass over what is due
  credentials      give the notice_sender service account a new random password; embedded: kept in
                   .ils/sender-password (0600), which `send` and `run` read; with ILS_DATABASE_URL (the
                   schema owner or a superuser): printed once, to put into ILS_SENDER_PASSWORD
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from scripts import cluster

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_FILE = cluster.STATE_DIR / "sender-password"
USERNAME = "notice_sender"


def _set_password(owner_url: str, password: str) -> None:
    """lib_auth.set_password for notice_sender as system work (the owner's or a superuser's session)."""
    from datalayer.session import connect
    from services.passwords import hash_password
    s = connect(owner_url, schema=os.environ.get("ILS_DB_SCHEMA"))
    try:
        user_id = s.scalar("SELECT user_id FROM users WHERE username = :u", {"u": USERNAME})
        if user_id is None:
            raise SystemExit(f"ils: no {USERNAME} account: upgrade the database first (scripts/ils db upgrade)")
        s.call("lib_auth.set_password", int(user_id), hash_password(password))
        s.commit()
    finally:
        s.close()


def _stored_matches(owner_url: str, password: str) -> bool:
    from datalayer.session import connect
    from services.passwords import verify_password
    s = connect(owner_url)
    try:
        stored = s.scalar("SELECT password_hash FROM users WHERE username = :u", {"u": USERNAME})
    finally:
        s.close()
    return bool(stored) and verify_password(stored, password)


def embedded_password() -> str:
    """The embedded cluster's sender password, (re)set when missing or when the database was installed
    again since (the file then no longer matches)."""
    owner_url = cluster.default_url()
    if PASSWORD_FILE.exists():
        password = PASSWORD_FILE.read_text().strip()
        if password and _stored_matches(owner_url, password):
            return password
    password = secrets.token_urlsafe(24)
    _set_password(owner_url, password)
    cluster.STATE_DIR.mkdir(exist_ok=True)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password


def sender_env(env: dict) -> dict:
    """env with what the sender needs: the application role's URL and the service account's password."""
    env = dict(env)
    if not env.get("ILS_DATABASE_URL"):
        cluster.start()
        cluster.enable_app_login()
        env["ILS_DATABASE_URL"] = cluster.app_url()
        env.setdefault("ILS_SENDER_PASSWORD", embedded_password())
    env.setdefault("ILS_MAIL_DIR", str(cluster.STATE_DIR / "mail"))
    env["PYTHONPATH"] = str(ROOT)
    return env


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in ("send", "credentials"):
        print(__doc__)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    if argv[0] == "credentials":
        password = secrets.token_urlsafe(24)
        url = os.environ.get("ILS_DATABASE_URL")
        if url:
            _set_password(url, password)
            print(f"ILS_SENDER_PASSWORD={password}")
            return 0
        cluster.start()
        PASSWORD_FILE.unlink(missing_ok=True)
        embedded_password()
        print(f"ils: new password of {USERNAME} written to {PASSWORD_FILE}")
        return 0
    env = sender_env(os.environ)
    if not env.get("ILS_SENDER_PASSWORD"):
        print("ils: set ILS_SENDER_PASSWORD (scripts/ils notices credentials makes one)", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, "-m", "workers.sender", *argv[1:]], env=env, cwd=ROOT)
