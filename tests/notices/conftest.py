"""Fixtures of the notice sender's tests: a fake SendGrid, the sender's account, notices to send."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest

from datalayer.gateway import Gateway
from services.passwords import hash_password
from tests import sessions
from tests.factories import Factory, today
from tests.notices.fake_sendgrid import FakeSendGrid
from workers.sender import Sender, SenderSettings

API_KEY = "SG.test-key"


@pytest.fixture
def fake():
    server = FakeSendGrid(api_key=API_KEY).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sender_password(installed_db) -> str:
    """notice_sender's password, set as system work (the owner's session)."""
    password = secrets.token_urlsafe(18)
    with sessions.rolled_back_session(installed_db) as s:
        user_id = s.scalar("SELECT user_id FROM users WHERE username = 'notice_sender'")
        s.call("lib_auth.set_password", user_id, hash_password(password))
        s.commit()
    return password


@pytest.fixture
def outbox(installed_db):
    """The outbox to itself: notices other tests left due are parked (SKIPPED) first."""
    with sessions.rolled_back_session(installed_db) as s:
        s.execute("UPDATE notices SET status = 'SKIPPED', lease_until = NULL, error_text = 'parked by the sender tests' "
                  "WHERE status IN ('PENDING', 'FAILED', 'SENDING')")
        s.commit()
    return Outbox(installed_db)


class Outbox:
    """Committed notices (a DUE_SOON notice on a loan of its own each) and reads of them, as the owner."""

    def __init__(self, url: str):
        self.url = url

    def add(self, n: int = 1, email: str | None = "", **columns) -> list[int]:
        ids = []
        with sessions.rolled_back_session(self.url) as s:
            s.set_actor(None)
            f = Factory(s)
            branch = f.main_branch()
            policy = s.scalar("SELECT MIN(policy_id) FROM circ_policies")
            for _ in range(n):
                patron = f.patron()
                if email != "":
                    s.execute("UPDATE patrons SET email = :e WHERE patron_id = :p", {"e": email, "p": patron})
                copy_id = f.copy(material_id=f.material(title="The Sender's Test"), status="ON_LOAN")
                due = datetime.combine(today(), datetime.min.time()) + timedelta(days=2, hours=23, minutes=59)
                loan = s.insert("loans", {"copy_id": copy_id, "patron_id": patron, "branch_id": branch,
                                          "policy_id": policy, "status": "ACTIVE",
                                          "checkout_at": due - timedelta(days=21), "due_at": due}, "loan_id")
                row = {"notice_type": "DUE_SOON", "patron_id": patron, "loan_id": loan, "subject_id": loan,
                       "notice_day": today(), "next_attempt_at": datetime.utcnow() - timedelta(seconds=5)}
                row.update(columns)
                ids.append(s.insert("notices", row, "notice_id"))
            s.commit()
        return ids

    def get(self, notice_id: int) -> dict:
        with sessions.rolled_back_session(self.url) as s:
            return s.one("SELECT * FROM notices WHERE notice_id = :n", {"n": notice_id})

    def execute(self, sql: str, binds: dict) -> None:
        with sessions.rolled_back_session(self.url) as s:
            s.execute(sql, binds)
            s.commit()

    def due_now(self, notice_id: int) -> None:
        """Let the backoff or lease of a notice pass."""
        self.execute("UPDATE notices SET next_attempt_at = :t, lease_until = CASE WHEN status = 'SENDING' "
                     "THEN :t ELSE lease_until END WHERE notice_id = :n",
                     {"t": datetime.utcnow() - timedelta(seconds=5), "n": notice_id})


@pytest.fixture
def sender_env(installed_db, sender_password, fake, tmp_path) -> dict:
    """The environment of a sender process under test: the application role, the fake SendGrid."""
    return {**sessions.app_env(installed_db), "ILS_SENDER_PASSWORD": sender_password,
            "ILS_SENDGRID_API_KEY": API_KEY, "ILS_SENDGRID_HOST": fake.url, "ILS_MAIL_FROM": "Test Library <lib@example.org>",
            "ILS_MAIL_DIR": str(tmp_path / "mail"), "ILS_SENDER_BACKOFF_S": "1", "ILS_SENDER_TIMEOUT_S": "2",
            "ILS_SENDER_LEASE_S": "5", "ILS_SENDER_POLL_S": "0.2"}


@pytest.fixture
def make_sender(sender_env):
    """make_sender(**env overrides) -> a Sender in this process, as the application role."""
    made: list[Sender] = []

    def _make(**overrides) -> Sender:
        settings = SenderSettings.from_env({**sender_env, **overrides})
        sender = Sender(settings, Gateway(settings.database_url, min_size=1, max_size=2, schema=settings.db_schema))
        made.append(sender)
        return sender

    yield _make
    for sender in made:
        sender.gw.close()
