"""The sessions the fixtures hand to tests."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from api.db.session import Session, connect


@contextmanager
def rolled_back_session(url: str) -> Iterator[Session]:
    """A session on `url`; whatever it left uncommitted is rolled back, then it is closed."""
    s = connect(url)
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def terminate_when_waiting(url: str, procedure: str, timeout: float = 15) -> int:
    """PostgreSQL: pg_terminate_backend on the session that waits for a lock inside `procedure` (another session
    holds the row), as a server restart or a DBA would end it; returns its pid."""
    s = connect(url)
    s.raw.autocommit = True
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = s.scalar("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query LIKE :q",
                           {"q": f"%{procedure}%"})
            if pid is not None:
                assert s.scalar("SELECT pg_terminate_backend(:p)", {"p": pid}) is True
                return pid
            time.sleep(0.05)
        raise AssertionError(f"no session waited inside {procedure}")
    finally:
        s.close()
