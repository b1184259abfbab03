"""Reads for administration: audit trail, users, nightly job runs, circulation report."""
from __future__ import annotations

from datetime import date, timedelta

from datalayer.clock import library_clock, local_day_sql
from datalayer.session import Session


def audit(s: Session, user_id: int | None, action: str | None, table: str | None, limit: int,
          offset: int) -> tuple[list[dict], int]:
    clauses, binds = [], {}
    for col, key, value in (("a.actor_user_id", "u", user_id), ("a.action", "ac", action), ("a.table_name", "t", table)):
        if value is not None:
            clauses.append(f"{col} = :{key}")
            binds[key] = value
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = s.scalar(f"SELECT COUNT(*) FROM audit_log a{where}", binds)
    rows = s.rows(f"""SELECT a.audit_id, a.occurred_at, a.actor_user_id, u.username AS actor_username, a.table_name,
                             a.row_id, a.action, a.old_values, a.new_values
                        FROM audit_log a LEFT JOIN users u ON u.user_id = a.actor_user_id{where}
                       ORDER BY a.occurred_at DESC, a.audit_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total or 0)


def user_roles(s: Session, user_id: int) -> dict | None:
    user = s.one("SELECT user_id, username, is_active FROM users WHERE user_id = :u", {"u": user_id})
    if user is None:
        return None
    user["roles"] = [r["code"] for r in s.rows("""SELECT r.code FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id
                                                    WHERE ur.user_id = :u ORDER BY r.code""", {"u": user_id})]
    user["pending_roles"] = [r["code"] for r in s.rows(
        """SELECT r.code FROM role_requests rq JOIN roles r ON r.role_id = rq.role_id
            WHERE rq.user_id = :u AND rq.status = 'PENDING' ORDER BY r.code""", {"u": user_id})]
    return user


_ROLE_REQUESTS = """SELECT rq.request_id, rq.user_id, u.username, r.code AS role, rq.status, rq.requested_by,
                           ru.username AS requested_by_username, rq.requested_at, rq.decided_by,
                           du.username AS decided_by_username, rq.decided_at
                      FROM role_requests rq
                      JOIN users u ON u.user_id = rq.user_id
                      JOIN roles r ON r.role_id = rq.role_id
                      JOIN users ru ON ru.user_id = rq.requested_by
                      LEFT JOIN users du ON du.user_id = rq.decided_by"""


def role_requests(s: Session, status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    """Role grants waiting for (or decided by) a second administrator, newest first."""
    where, binds = (" WHERE rq.status = :st", {"st": status}) if status else ("", {})
    total = s.scalar(f"SELECT COUNT(*) FROM role_requests rq{where}", binds)
    rows = s.rows(f"{_ROLE_REQUESTS}{where} ORDER BY rq.request_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total or 0)


def role_request(s: Session, request_id: int) -> dict | None:
    return s.one(f"{_ROLE_REQUESTS} WHERE rq.request_id = :r", {"r": request_id})


def last_job_runs(s: Session) -> list[dict] | None:
    """The last run of each nightly job (job_runs), None when that table is not installed."""
    # Oracle: the application user owns no table; its names resolve in the owner's schema (CURRENT_SCHEMA)
    exists = s.scalar("SELECT COUNT(*) FROM all_tables WHERE table_name = 'JOB_RUNS' "
                      "AND owner = SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')" if s.engine == "oracle" else
                      "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'job_runs'")
    if not exists:
        return None
    rows = s.rows("""SELECT r.job_name, r.status, r.as_of_day, r.started_at, r.finished_at, r.rows_affected, r.error_text
                       FROM job_runs r
                      WHERE r.run_id = (SELECT MAX(r2.run_id) FROM job_runs r2 WHERE r2.job_name = r.job_name)
                      ORDER BY r.job_name""")
    return [{"job_name": r.pop("job_name"), "last_run": r} for r in rows]


def report_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The period of a report: default the 30 days up to `end` (default today), at most a year, running
    forward, years 1900-9998. ValueError says what is wrong (before any date arithmetic can overflow)."""
    for given in (start, end):
        if given is not None and not 1900 <= given.year <= 9998:
            raise ValueError("start_date and end_date must lie between the years 1900 and 9998.")
    end = end or today
    start = start or end - timedelta(days=30)
    if start > end or (end - start).days > 366:
        raise ValueError("start_date must not be after end_date, and the period at most a year.")
    return start, end


def circulation_report(s: Session, start: date | None, end: date | None) -> dict:
    """Circulation over the library days start..end (report_period's defaults, from the library's today;
    ValueError for a period it refuses), per library day and branch."""
    clock = library_clock(s)
    start, end = report_period(start, end, clock.today)
    b = clock.period(start, end)
    checkouts = s.scalar("SELECT COUNT(*) FROM loans WHERE checkout_at >= :s AND checkout_at < :e", b)
    returns = s.scalar("SELECT COUNT(*) FROM loans WHERE returned_at >= :s AND returned_at < :e", b)
    renewals = s.scalar("SELECT COUNT(*) FROM loans WHERE checkout_at >= :s AND checkout_at < :e AND renewals > 0", b)
    overdue = s.scalar("SELECT COUNT(*) FROM loans WHERE status = 'ACTIVE' AND due_at < :now",
                       {"now": clock.now})
    days_b = {**b, "tz": clock.zone_name}
    out_day, in_day = local_day_sql(s, "checkout_at"), local_day_sql(s, "returned_at")
    out_days = s.rows(f"""SELECT {out_day} AS circ_day, branch_id, COUNT(*) AS n FROM loans
                           WHERE checkout_at >= :s AND checkout_at < :e GROUP BY {out_day}, branch_id""", days_b)
    in_days = s.rows(f"""SELECT {in_day} AS circ_day, return_branch_id AS branch_id, COUNT(*) AS n FROM loans
                          WHERE returned_at >= :s AND returned_at < :e AND return_branch_id IS NOT NULL
                          GROUP BY {in_day}, return_branch_id""", days_b)
    days: dict[tuple, dict] = {}
    for rows, key in ((out_days, "checkouts"), (in_days, "returns")):
        for r in rows:
            d = days.setdefault((r["circ_day"], r["branch_id"]), {"day": r["circ_day"], "branch_id": r["branch_id"],
                                                              "checkouts": 0, "returns": 0})
            d[key] = r["n"]
    top = s.rows("""SELECT m.material_id, m.title, COUNT(*) AS checkouts
                      FROM loans l JOIN copies c ON c.copy_id = l.copy_id JOIN materials m ON m.material_id = c.material_id
                     WHERE l.checkout_at >= :s AND l.checkout_at < :e
                     GROUP BY m.material_id, m.title ORDER BY COUNT(*) DESC, m.material_id FETCH FIRST 10 ROWS ONLY""", b)
    return {"start_date": start, "end_date": end, "checkouts": checkouts, "returns": returns, "renewals": renewals,
            "overdue_now": overdue, "by_day": sorted(days.values(), key=lambda d: (d["day"], d["branch_id"])),
            "top_titles": top}
