"""The sessions the fixtures hand to tests."""
from __future__ import annotations

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
