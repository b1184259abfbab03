"""The demo generator (scripts/demo/) writes the same rows for the same seed, scale and day.

No database: an in-memory target answers the few reads a load makes as a freshly installed database would
(MAIN, the default policy, the six roles) and hashes every row written. The digests were taken from the
generator before it was split into modules; a change that moves them changes the generated data set. If
that is meant (a new column, another distribution), take the new digests from the failure message.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Iterable, Sequence

import pytest

from scripts import demo
from scripts.demo.state import Run

NOW = datetime(2025, 6, 15, 12, 34, 56)   # the database's now(): the history is relative to it
DEFAULT_POLICY = (1, None, None, None, 21, 2, "N", 25, 10, "0.25", 1, "10.00", "10.00", 7, "Y", 60, "Y")
ROLES = [(1, "PATRON"), (2, "LIBRARIAN"), (3, "BRANCH_MANAGER"), (4, "CATALOGER"), (5, "IT_ADMIN"),
         (6, "LIBRARY_DIRECTOR")]
FRESH_MAX_ID = {"branches": 1, "circ_policies": 1}


class _FreshDatabase:
    engine = "postgresql"

    def __init__(self) -> None:
        self.hashes: dict[str, "hashlib._Hash"] = {}
        self.counts: dict[str, int] = {}
        self.policies = [DEFAULT_POLICY]

    def max_id(self, table: str) -> int:
        return FRESH_MAX_ID.get(table, 0)

    def rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        if "lib_clock.now_utc()" in sql:
            return [(NOW,)]
        if sql.startswith("SELECT branch_id, code FROM branches"):
            return [(1, "MAIN")]
        if sql.startswith("SELECT branch_id, patron_category, material_type FROM circ_policies"):
            return [p[1:4] for p in self.policies]
        if sql.startswith("SELECT policy_id, branch_id, patron_category, material_type, loan_days"):
            return [p[:6] + (p[9], p[10], p[11], p[13], p[14], p[15]) for p in self.policies]
        if sql.startswith("SELECT role_id, code FROM roles"):
            return ROLES
        if sql.startswith(("SELECT username FROM users", "SELECT genre_id, name FROM genres")):
            return []
        raise AssertionError(f"a read the fake does not know: {sql}")

    def write(self, table: str, rows: Iterable[Sequence]) -> int:
        h = self.hashes.setdefault(table, hashlib.sha256())
        n = 0
        for row in rows:
            row = tuple(row)
            if table == "circ_policies":
                self.policies.append(row)
            if table == "users":        # argon2 salts each hash
                row = row[:2] + ("<hash>",) + row[3:]
            h.update(repr(row).encode())
            n += 1
        self.counts[table] = self.counts.get(table, 0) + n
        return n

    def reset_identity(self, table: str, column: str) -> None:
        pass

    def digest(self) -> str:
        total = hashlib.sha256()
        for table in sorted(self.hashes):
            total.update(table.encode() + self.hashes[table].digest())
        return total.hexdigest()


@pytest.mark.parametrize("scale, seed, expected", [
    ("demo", 42, "5caae51543f1e3e2c8a009f01b25f5df2695bcb35c78c3d84da69317d7eef845"),
    (2000, 42, "41d53f5284b83610f9a798f66b4f5a00bb1c433e680b38ab27ca4395b081fe1a"),
])
def test_same_seed_scale_and_day_give_the_same_rows(scale, seed, expected):
    db = _FreshDatabase()
    demo.generate(Run(db, demo.resolve_scale(scale), seed, progress=False))
    assert db.counts["materials"] == demo.resolve_scale(scale).materials
    assert db.digest() == expected, f"generated rows changed: {db.digest()} {db.counts}"
