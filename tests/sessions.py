"""The sessions the fixtures hand to tests."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from api.db.session import Session, connect


class ArrangeSession(Session):
    """A test's session. set_actor(user) without a session key acts under a sign-in session opened for
    the user in the test's transaction (tests.factories.Factory.session): the rules under test see a
    real session, as lib_session.set_actor requires, without a login per test."""

    def set_actor(self, user_id: int | None, session_key: str | None = None) -> None:
        if user_id is not None and session_key is None:
            from tests.factories import Factory
            keys = self.__dict__.setdefault("_test_keys", {})
            if user_id not in keys:
                keys[user_id] = Factory(self).session(user_id)
            session_key = keys[user_id]
        super().set_actor(user_id, session_key)

    def rollback(self) -> None:
        self.__dict__.pop("_test_keys", None)  # the sessions were rolled back with the rest
        super().rollback()


def open_session(url: str) -> Session:
    return connect(url, ArrangeSession)


@contextmanager
def rolled_back_session(url: str) -> Iterator[Session]:
    """A session on `url`; whatever it left uncommitted is rolled back, then it is closed."""
    s = open_session(url)
    try:
        yield s
    finally:
        s.rollback()
        s.close()
