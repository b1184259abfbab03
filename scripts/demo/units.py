"""Units of time and money: seconds since 1970 (UTC, naive) and whole cents, formatted for the database."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

DAY = 86_400
HOUR = 3_600
MINUTE = 60
OPEN_AT = 9 * HOUR        # desks open 09:00-20:00: checkouts, returns and payments happen then
CLOSE_AT = 20 * HOUR
HISTORY_DAYS = 730        # returned loans spread over about two years before today


def cents(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def to_cents(s: str) -> int:
    whole, _, frac = s.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


class Clock:
    """Times are whole seconds since 1970 (UTC, naive); strings are formatted once per day.

    `db_now` is the database's now() truncated to the second; the generated history ends at `now`, the
    start of that day, so the same seed gives the same rows all day long and nothing lies in the future.
    """

    def __init__(self, db_now: datetime):
        self.db_now = calendar.timegm(db_now.replace(microsecond=0).timetuple())
        self.today = self.db_now // DAY
        self.now = self.today * DAY
        self._days: dict[int, str] = {}
        self._tod = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    def day_str(self, d: int) -> str:
        s = self._days.get(d)
        if s is None:
            s = self._days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        return s

    def ts(self, t: int | None) -> str | None:
        if t is None:
            return None
        return f"{self.day_str(t // DAY)} {self._tod[t % DAY]}"

    def day(self, d: int | None) -> str | None:
        return None if d is None else f"{self.day_str(d)} 00:00:00"

    @staticmethod
    def to_date(d: int) -> date:
        return date(1970, 1, 1) + timedelta(days=d)

    @staticmethod
    def from_date(x: date) -> int:
        return (x - date(1970, 1, 1)).days


def snap_back(t: int) -> int:
    """The latest opening-hours time not after t (desk activity happens 09:00-20:00)."""
    tod = t % DAY
    if OPEN_AT <= tod < CLOSE_AT:
        return t
    base = t - tod
    if tod < OPEN_AT:
        base -= DAY
    return base + CLOSE_AT - HOUR + (tod % HOUR)

