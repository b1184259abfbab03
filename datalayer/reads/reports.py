"""Reads for the reports page: circulation (datalayer.reads.admin.circulation_report) and money over a period."""
from __future__ import annotations

from datetime import date

from datalayer.clock import library_clock, local_day_sql
from datalayer.session import Session

# the branch a fine belongs to: where its loan was made, or for a charge without a loan the patron's home
# branch (the rule lib_fines.waive applies to a branch manager)
_FINES_OF = """(SELECT f.* FROM fines f JOIN patrons p ON p.patron_id = f.patron_id
                 LEFT JOIN loans l ON l.loan_id = f.loan_id
                WHERE COALESCE(l.branch_id, p.home_branch_id) = :br)"""


def financial(s: Session, start: date, end: date, branch_id: int | None = None) -> dict:
    """Charges assessed, payments taken (by method; REFUND paid back), fines waived in the period, and what
    is owed now; of one branch's fines only when branch_id is given (a branch manager's report)."""
    clock = library_clock(s)
    b = clock.period(start, end)
    fines = "fines"
    if branch_id is not None:
        b["br"] = branch_id
        fines = _FINES_OF
    payments = "payments" if branch_id is None else f"(SELECT y.* FROM payments y JOIN {fines} fb ON fb.fine_id = y.fine_id)"
    assessed = s.rows(f"""SELECT fine_type, COUNT(*) AS n, SUM(amount) AS total FROM {fines} fx
                          WHERE assessed_at >= :s AND assessed_at < :e GROUP BY fine_type ORDER BY fine_type""", b)
    by_method = s.rows(f"""SELECT method, COUNT(*) AS n, SUM(amount) AS total FROM {payments} px
                           WHERE paid_at >= :s AND paid_at < :e GROUP BY method ORDER BY method""", b)
    waived = s.one(f"""SELECT COUNT(*) AS n, SUM(amount - amount_paid) AS total FROM {fines} fx
                       WHERE status = 'WAIVED' AND closed_at >= :s AND closed_at < :e""", b)
    owed = s.scalar(f"SELECT SUM(amount - amount_paid) FROM {fines} fx WHERE status = 'OPEN'",
                    {"br": branch_id} if branch_id is not None else {})
    pay_day = local_day_sql(s, "paid_at")
    per_day = s.rows(f"""SELECT {pay_day} AS pay_day, method, SUM(amount) AS total FROM {payments} px
                         WHERE paid_at >= :s AND paid_at < :e GROUP BY {pay_day}, method
                         ORDER BY {pay_day}, method""", {**b, "tz": clock.zone_name})
    collected = sum((r["total"] or 0) for r in by_method if r["method"] != "REFUND")
    refunded = sum((r["total"] or 0) for r in by_method if r["method"] == "REFUND")
    return {"assessed": assessed, "assessed_total": sum((r["total"] or 0) for r in assessed),
            "by_method": by_method, "collected": collected, "refunded": refunded,
            "waived_count": waived["n"] if waived else 0, "waived_total": (waived or {}).get("total") or 0,
            "owed_now": owed or 0, "per_day": per_day}
