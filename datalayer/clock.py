"""The library's calendar for reads: what day it is in the library and where its days begin, in UTC.

Stored times are UTC (lib_clock, plsql/README.md); a day, though, is the library's (LIBRARY_TIME_ZONE),
as the packages count loan periods and fines. Reads that count per day or "today" use this, never the
UTC date:

    clock = library_clock(s)                       # one round trip: the database's now and the zone
    since = clock.day_start(clock.today)           # today's first instant, UTC
    f"SELECT {local_day_sql(s, 'checkout_at')} AS day ... GROUP BY {local_day_sql(s, 'checkout_at')}",
        {**binds, "tz": clock.zone_name}
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from datalayer.session import Session


@dataclass(frozen=True)
class LibraryClock:
    now: datetime  # UTC, naive, as stored
    zone_name: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def today(self) -> date:
        return self.local_day(self.now)

    def local_day(self, utc: datetime) -> date:
        """The library's day of a stored (UTC) instant."""
        return utc.replace(tzinfo=timezone.utc).astimezone(self.zone).date()

    def day_start(self, day: date) -> datetime:
        """The first instant of a library day, UTC (naive, as stored)."""
        return datetime.combine(day, time(), self.zone).astimezone(timezone.utc).replace(tzinfo=None)

    def period(self, start: date, end: date) -> dict:
        """Binds s, e: from the start of `start` to the start of the day after `end`, UTC."""
        return {"s": self.day_start(start), "e": self.day_start(end + timedelta(days=1))}

    def days_late(self, due_at: datetime) -> int:
        """Whole library days from the due day to today (0 when not yet due)."""
        return max((self.today - self.local_day(due_at)).days, 0) if due_at < self.now else 0


def library_clock(s: Session) -> LibraryClock:
    """The database's clock (lib_clock.now_utc) and the library's time zone (lib_clock.time_zone_name)."""
    sql = ("SELECT lib_clock.now_utc AS now_utc, lib_clock.time_zone_name AS tz FROM dual" if s.engine == "oracle"
           else "SELECT lib_clock.now_utc() AS now_utc, lib_clock.time_zone_name() AS tz")
    row = s.one(sql)
    return LibraryClock(row["now_utc"], row["tz"] or "UTC")


def local_day_sql(s: Session, column: str) -> str:
    """SQL for the library's day (midnight, as a DATE) of a stored UTC column; needs the bind :tz
    (LibraryClock.zone_name). `column` is a column name written in the code, never input."""
    if s.engine == "oracle":
        return f"TRUNC(CAST(FROM_TZ(CAST({column} AS TIMESTAMP), 'UTC') AT TIME ZONE :tz AS DATE))"
    return f"CAST(({column} AT TIME ZONE 'UTC') AT TIME ZONE :tz AS DATE)"
