"""The state of one load: the target, the scale, seeded random streams, the clock, the plan the stages
share (attributes set by one stage and read by the next), the policy lookup, and timed, counted writes."""
from __future__ import annotations

import random
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Callable, Iterable, Sequence

from scripts.demo.scale import Scale
from scripts.demo.targets import Target, now_sql
from scripts.demo.units import DAY, Clock


@dataclass
class Policy:
    policy_id: int
    branch_id: int | None
    category: str | None
    mtype: str | None
    loan_days: int
    max_renewals: int
    daily_fine: int      # cents
    grace_days: int
    max_fine: int        # cents
    pickup_days: int
    holdable: bool
    lost_after: int


def picker(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Callable[[], Any]:
    """A function drawing a value by weight from (value, weight) pairs."""
    values = [v for v, _ in pairs]
    cum = list(accumulate(w for _, w in pairs))
    total = cum[-1]
    r = rng.random

    def pick() -> Any:
        return values[bisect_right(cum, r() * total)]
    return pick


def progress(iterable: Iterable, total: int, desc: str, enabled: bool) -> Iterable:
    if not enabled:
        return iterable
    from tqdm import tqdm
    return tqdm(iterable, total=total, desc=f"{desc:<17}", unit="row", unit_scale=True, leave=True,
                mininterval=0.5, file=sys.stderr)


class Run:
    """One load. The stages (library, catalog, people, loans, holds, fines) plan into and write from it."""

    def __init__(self, target: Target, scale: Scale, seed: int, progress: bool):
        self.db = target
        self.scale = scale
        self.seed = seed
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}
        self.clock = Clock(target.rows(now_sql(target.engine))[0][0])
        self.policy_cache: dict[tuple, Policy] = {}

    def rng(self, stage: str) -> random.Random:
        """A random stream of its own per stage, so a change in one stage does not reshuffle another."""
        return random.Random(f"{self.seed}:{stage}")

    def write(self, table: str, rows: Iterable[Sequence], total: int) -> None:
        t0 = time.perf_counter()
        n = self.db.write(table, progress(rows, total, table, self.progress))
        self.counts[table] = self.counts.get(table, 0) + n
        self.timings[f"write {table}"] = round(self.timings.get(f"write {table}", 0) + time.perf_counter() - t0, 2)

    def timed(self, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        self.timings[name] = round(time.perf_counter() - t0, 2)
        return out

    def weekday(self, n: int) -> int:
        """The day n, or the Monday after it if it falls on a weekend."""
        while self.clock.to_date(n).weekday() >= 5:
            n += 1
        return n

    def policy(self, branch_idx: int, category: str, mtype: str) -> Policy:
        key = (branch_idx, category, mtype)
        p = self.policy_cache.get(key)
        if p is None:
            bid = self.branch_ids[branch_idx]
            fits = [q for q in self.policies
                    if q.branch_id in (None, bid) and q.category in (None, category) and q.mtype in (None, mtype)]
            # the most specific row wins: branch, then category, then type (NULLS LAST on each)
            fits.sort(key=lambda q: (q.branch_id is None, q.category is None, q.mtype is None, q.policy_id))
            p = self.policy_cache[key] = fits[0]
        return p

    def due_from(self, t: int, loan_days: int, branch_idx: int) -> int:
        """Due at 23:59:59 of the loan_days-th day, moved past closed days of the branch."""
        d = t // DAY + loan_days
        closed = self.closed[branch_idx]
        while d in closed:
            d += 1
        return d * DAY + DAY - 1

