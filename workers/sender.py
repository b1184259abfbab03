"""The notice sender: delivers the notices outbox, as its own process.

    python -m workers.sender [--once]         (scripts/ils notices send [--once]; scripts/ils run starts it)

One round: claim up to ILS_SENDER_BATCH due notices (lib_outbox.claim, FOR UPDATE SKIP LOCKED, so
parallel senders never take the same notice) and COMMIT them as SENDING under a lease and a fresh attempt
id; then for each, render it (services.notices.render), send it (workers.transport: SendGrid, or .eml files
without a key) and record the outcome, each in its own transaction: mark_sent with the provider's message
id, mark_skipped (nothing to send), or mark_failed with the backoff (exponential with jitter, at least
the provider's Retry-After; permanent for a 4xx, dead after NOTICE_MAX_ATTEMPTS).

Guarantee: a notice is delivered at least once and, when a sender dies between the provider's 202 and
mark_sent, at most twice: its lease runs out, another round claims it again and flags it possible_duplicate
(SendGrid's mail/send has no idempotency key). The lease (ILS_SENDER_LEASE_S) must outlast the provider
call (ILS_SENDER_TIMEOUT_S) by a wide margin.

Who it acts as: the application role's database account (ILS_DATABASE_URL), signed in as the service
account notice_sender (ILS_SENDER_USERNAME / ILS_SENDER_PASSWORD), whose only permission is NOTICE_SEND:
lib_outbox refuses anyone else, and the worker can do nothing else.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from datalayer.gateway import Gateway
from datalayer.packages import lib_outbox
from datalayer.session import DbError
from services import accounts
from services.notices import render as rendering
from services.notices.config import MailConfig
from workers import transport as transports

log = logging.getLogger("ils.sender")
SESSION_REFUSED = frozenset({-20450, -20451, -20452})  # SESSION_INVALID, SESSION_ENDED, SESSION_EXPIRED
SESSION_LIFETIME_S = 12 * 3600


def _int(env: dict, name: str, default: int) -> int:
    return int(env.get(name) or default)


def _float(env: dict, name: str, default: float) -> float:
    return float(env.get(name) or default)


@dataclass(frozen=True)
class SenderSettings:
    database_url: str
    username: str = "notice_sender"
    password: str = field(default="", repr=False)
    db_schema: str | None = None
    batch: int = 20
    lease_s: int = 60
    timeout_s: float = 10.0
    poll_s: float = 2.0
    backoff_s: float = 30.0
    backoff_max_s: float = 6 * 3600.0
    mail: MailConfig = field(default_factory=MailConfig)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "SenderSettings":
        env = dict(os.environ if env is None else env)
        if not env.get("ILS_DATABASE_URL"):
            raise SystemExit("ils sender: set ILS_DATABASE_URL (the application role's account)")
        if not env.get("ILS_SENDER_PASSWORD"):
            raise SystemExit("ils sender: set ILS_SENDER_PASSWORD, the password of the notice_sender account "
                             "(scripts/ils notices credentials sets one)")
        return cls(database_url=env["ILS_DATABASE_URL"], username=env.get("ILS_SENDER_USERNAME") or "notice_sender",
                   password=env["ILS_SENDER_PASSWORD"], db_schema=env.get("ILS_DB_SCHEMA") or None,
                   batch=_int(env, "ILS_SENDER_BATCH", 20), lease_s=_int(env, "ILS_SENDER_LEASE_S", 60),
                   timeout_s=_float(env, "ILS_SENDER_TIMEOUT_S", 10.0), poll_s=_float(env, "ILS_SENDER_POLL_S", 2.0),
                   backoff_s=_float(env, "ILS_SENDER_BACKOFF_S", 30.0),
                   backoff_max_s=_float(env, "ILS_SENDER_BACKOFF_MAX_S", 6 * 3600.0),
                   mail=MailConfig.from_env(env))


def backoff(attempts: int, base_s: float, max_s: float, retry_after: float | None = None,
            rng: random.Random | None = None) -> float:
    """Seconds before the next attempt: base * 2^(attempts-1), capped, times a jitter of 0.5 to 1.5 (so
    senders that failed together do not retry together), never less than the provider's Retry-After."""
    rng = rng or random
    delay = min(max_s, base_s * (2 ** max(0, attempts - 1))) * rng.uniform(0.5, 1.5)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return max(1.0, delay)


def _fault(point: str) -> None:
    """Crash tests only: ILS_SENDER_FAULT=<point> ends the process there, as a kill -9 would."""
    if os.environ.get("ILS_SENDER_FAULT") == point:
        os._exit(70)


class Sender:
    def __init__(self, settings: SenderSettings, gateway: Gateway | None = None, transport: Any = None):
        self.settings = settings
        self.gw = gateway or Gateway(settings.database_url, min_size=1, max_size=2, schema=settings.db_schema)
        self.transport = transport or transports.for_config(settings.mail, settings.timeout_s)
        self._user: accounts.SignedIn | None = None
        self.paused_until = 0.0  # after a 429: the provider asked every sender to wait
        self.counts = {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}

    # ---- acting as the service account ------------------------------------------------------------
    def _login(self) -> accounts.SignedIn:
        self._user = accounts.login(self.gw, self.settings.username, self.settings.password, kind="API",
                                    lifetime_s=SESSION_LIFETIME_S, client="sender")
        return self._user

    def _act(self, work) -> Any:
        """work(session) in a transaction acting as notice_sender; a session that ended or expired is
        opened again once."""
        for again in (False, True):
            user = self._user or self._login()
            try:
                with self.gw.transaction(user) as s:
                    return work(s)
            except DbError as exc:
                if exc.code not in SESSION_REFUSED or again:
                    raise
                self._user = None
        raise AssertionError("unreachable")

    # ---- one round --------------------------------------------------------------------------------
    def claim(self) -> tuple[str, list[dict]]:
        attempt_id = secrets.token_hex(16)
        self._act(lambda s: lib_outbox.claim(s, self.settings.batch, self.settings.lease_s, attempt_id))
        with self.gw.statements() as s:
            rows = s.rows("SELECT notice_id, attempts, possible_duplicate FROM notices "
                          "WHERE status = 'SENDING' AND attempt_id = :a ORDER BY notice_id", {"a": attempt_id})
        return attempt_id, rows

    def run_once(self) -> int:
        """Claim and deliver one batch; the number of notices claimed."""
        attempt_id, rows = self.claim()
        _fault("after_claim")
        for row in rows:
            self.deliver(int(row["notice_id"]), attempt_id, int(row["attempts"]), row["possible_duplicate"] == "Y")
        return len(rows)

    def deliver(self, notice_id: int, attempt_id: str, attempts: int, duplicate: bool) -> str:
        try:
            with self.gw.read() as s:
                mail = rendering.render(s, notice_id)
        except rendering.NothingToSend as why:
            return self._skip(notice_id, attempt_id, str(why) or "nothing to send")
        except Exception as exc:  # a template or data error: this attempt failed, later ones may not
            log.exception("notice %s: rendering failed", notice_id)
            return self._fail(notice_id, attempt_id, attempts, f"rendering failed: {type(exc).__name__}: {exc}",
                              False, None)
        if mail is None:
            return self._skip(notice_id, attempt_id, "nothing to send")
        wait = self.paused_until - time.monotonic()
        if wait > 0:  # the provider said wait: this claim is handed back as a failure due after the pause
            return self._fail(notice_id, attempt_id, attempts, "rate limited (429): waiting for Retry-After", False, wait)
        try:
            message_id = self.transport.send(mail, notice_id, attempt_id, duplicate)
        except transports.Permanent as exc:
            return self._fail(notice_id, attempt_id, attempts, str(exc), True, None)
        except transports.Transient as exc:
            if exc.retry_after is not None:
                self.paused_until = max(self.paused_until, time.monotonic() + exc.retry_after)
            return self._fail(notice_id, attempt_id, attempts, str(exc), False, exc.retry_after, exc.maybe_sent)
        _fault("after_send")
        self._act(lambda s: lib_outbox.mark_sent(s, notice_id, attempt_id, message_id))
        self.counts["sent"] += 1
        log.info("notice %s sent (%s)%s", notice_id, message_id, " possible duplicate" if duplicate else "")
        return "SENT"

    def _skip(self, notice_id: int, attempt_id: str, reason: str) -> str:
        self._act(lambda s: lib_outbox.mark_skipped(s, notice_id, attempt_id, reason))
        self.counts["skipped"] += 1
        log.info("notice %s skipped: %s", notice_id, reason)
        return "SKIPPED"

    def _fail(self, notice_id: int, attempt_id: str, attempts: int, error: str, permanent: bool,
              retry_after: float | None, maybe_sent: bool = False) -> str:
        delay = backoff(attempts, self.settings.backoff_s, self.settings.backoff_max_s, retry_after)
        (status,) = self._act(lambda s: lib_outbox.mark_failed(s, notice_id, attempt_id, error[:400],
                                                               1 if permanent else 0, 1 if maybe_sent else 0,
                                                               int(round(delay))))
        self.counts["dead" if status == "DEAD" else "failed"] += 1
        log.warning("notice %s %s: %s%s", notice_id, status, error,
                    f" (next attempt in {delay:.0f}s)" if status == "FAILED" else "")
        return status

    def run_forever(self, stop: threading.Event) -> None:
        """Rounds until stop is set: at once while there is work, else every poll_s; a database or provider
        outage is waited out."""
        failures = 0
        while not stop.is_set():
            try:
                claimed = self.run_once()
                failures = 0
            except Exception as exc:  # database down, account refused: keep trying, say so
                failures += 1
                log.error("sender round failed: %s: %s", type(exc).__name__, getattr(exc, "message", exc))
                claimed = 0
            if claimed < self.settings.batch:
                stop.wait(min(60.0, self.settings.poll_s * (2 ** min(failures, 5))))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="workers.sender", description="Deliver the notice outbox.")
    p.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    args = p.parse_args(argv)
    logging.basicConfig(level=os.environ.get("ILS_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s sender[%(process)d] %(levelname)s %(message)s")
    settings = SenderSettings.from_env()
    sender = Sender(settings)
    print(f"ils sender: {settings.mail.describe()}", flush=True)
    try:
        if args.once:
            total = 0
            while True:
                n = sender.run_once()
                total += n
                if n < settings.batch:
                    break
            c = sender.counts
            print(f"ils sender: {total} claimed: {c['sent']} sent, {c['failed']} to retry, {c['dead']} dead, "
                  f"{c['skipped']} skipped", flush=True)
            return 0
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        sender.run_forever(stop)
        return 0
    finally:
        sender.gw.close()


if __name__ == "__main__":
    sys.exit(main())
