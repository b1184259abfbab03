"""Reads for the dashboard: today's figures, alerts and the last seven days of circulation."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from datalayer.clock import LibraryClock, local_day_sql
from datalayer.session import Session


def _day(v) -> date:
    return v.date() if isinstance(v, datetime) else v


def today_figures(s: Session, clock: LibraryClock) -> dict:
    """Since the start of the library's day; overdue as of now."""
    b = {"t": clock.day_start(clock.today)}
    now = clock.now
    return {
        "checkouts": s.scalar("SELECT COUNT(*) FROM loans WHERE checkout_at >= :t", b) or 0,
        "returns": s.scalar("SELECT COUNT(*) FROM loans WHERE returned_at >= :t", b) or 0,
        "new_patrons": s.scalar("SELECT COUNT(*) FROM patrons WHERE registered_at >= :t", b) or 0,
        "overdue": s.scalar("SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE' AND due_at < :n", {"n": now}) or 0,
    }


def alerts(s: Session, clock: LibraryClock, limit: int = 8) -> dict:
    week_ago = clock.now - timedelta(days=7)
    overdue_week = s.scalar("SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE' AND due_at < :w", {"w": week_ago}) or 0
    oldest = s.rows("""SELECT l.loan_id, l.due_at, c.barcode, m.title, p.patron_id, p.first_name, p.last_name
                         FROM loans l JOIN copies c ON c.copy_id = l.copy_id
                         JOIN materials m ON m.material_id = c.material_id
                         JOIN patrons p ON p.patron_id = l.patron_id
                        WHERE l.status = 'ACTIVE' AND l.due_at < :w
                        ORDER BY l.due_at, l.loan_id FETCH FIRST :lim ROWS ONLY""", {"w": week_ago, "lim": limit})
    for r in oldest:
        r["days_overdue"] = clock.days_late(r["due_at"])
    ready = s.scalar("SELECT COUNT(*) FROM holds WHERE status = 'READY'") or 0
    ready_rows = s.rows("""SELECT h.hold_id, h.expires_at, m.title, p.patron_id, p.first_name, p.last_name,
                                  b.name AS branch_name
                             FROM holds h JOIN materials m ON m.material_id = h.material_id
                             JOIN patrons p ON p.patron_id = h.patron_id
                             JOIN branches b ON b.branch_id = h.pickup_branch_id
                            WHERE h.status = 'READY'
                            ORDER BY h.expires_at, h.hold_id FETCH FIRST :lim ROWS ONLY""", {"lim": limit})
    demand = s.rows("""SELECT m.material_id, m.title, h.n AS holds, COALESCE(c.n, 0) AS copies
                         FROM (SELECT material_id, COUNT(*) AS n FROM holds
                                WHERE status IN ('PENDING', 'SUSPENDED') GROUP BY material_id) h
                         JOIN materials m ON m.material_id = h.material_id
                         LEFT JOIN (SELECT material_id, COUNT(*) AS n FROM copies
                                     WHERE status NOT IN ('WITHDRAWN', 'LOST', 'DAMAGED') GROUP BY material_id) c
                           ON c.material_id = h.material_id
                        WHERE h.n >= 3 AND h.n >= 2 * COALESCE(c.n, 0)
                        ORDER BY h.n DESC, m.material_id FETCH FIRST :lim ROWS ONLY""", {"lim": limit})
    return {"overdue_week": overdue_week, "oldest": oldest, "ready": ready, "ready_rows": ready_rows,
            "demand": demand}


def last_days(s: Session, clock: LibraryClock, days: int = 7) -> list[dict]:
    """Checkouts and returns per library day, oldest first, today included (days with none show 0)."""
    first = clock.today - timedelta(days=days - 1)
    out = {first + timedelta(days=i): {"checkouts": 0, "returns": 0} for i in range(days)}
    b = {"s": clock.day_start(first), "tz": clock.zone_name}
    out_day, in_day = local_day_sql(s, "checkout_at"), local_day_sql(s, "returned_at")
    for r in s.rows(f"""SELECT {out_day} AS day, COUNT(*) AS n FROM loans
                         WHERE checkout_at >= :s GROUP BY {out_day}""", b):
        if _day(r["day"]) in out:
            out[_day(r["day"])]["checkouts"] = r["n"]
    for r in s.rows(f"""SELECT {in_day} AS day, COUNT(*) AS n FROM loans
                         WHERE returned_at >= :s GROUP BY {in_day}""", b):
        if _day(r["day"]) in out:
            out[_day(r["day"])]["returns"] = r["n"]
    return [{"day": d, **v} for d, v in sorted(out.items())]
