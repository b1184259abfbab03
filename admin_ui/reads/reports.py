"""Reads for the reports page: circulation (api.reads.admin.circulation_report) and money over a period."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from api.db.session import Session


def _period(start: date, end: date) -> dict:
    return {"s": datetime.combine(start, datetime.min.time()),
            "e": datetime.combine(end + timedelta(days=1), datetime.min.time())}


def financial(s: Session, start: date, end: date) -> dict:
    """Charges assessed, payments taken (by method; REFUND paid back), fines waived in the period, and what
    is owed now."""
    b = _period(start, end)
    assessed = s.rows("""SELECT fine_type, COUNT(*) AS n, SUM(amount) AS total FROM fines
                          WHERE assessed_at >= :s AND assessed_at < :e GROUP BY fine_type ORDER BY fine_type""", b)
    by_method = s.rows("""SELECT method, COUNT(*) AS n, SUM(amount) AS total FROM payments
                           WHERE paid_at >= :s AND paid_at < :e GROUP BY method ORDER BY method""", b)
    waived = s.one("""SELECT COUNT(*) AS n, SUM(amount - amount_paid) AS total FROM fines
                       WHERE status = 'WAIVED' AND closed_at >= :s AND closed_at < :e""", b)
    owed = s.scalar("SELECT SUM(amount - amount_paid) FROM fines WHERE status = 'OPEN'")
    per_day = s.rows("""SELECT TRUNC(paid_at) AS pay_day, method, SUM(amount) AS total FROM payments
                         WHERE paid_at >= :s AND paid_at < :e GROUP BY TRUNC(paid_at), method
                         ORDER BY TRUNC(paid_at), method""", b)
    collected = sum((r["total"] or 0) for r in by_method if r["method"] != "REFUND")
    refunded = sum((r["total"] or 0) for r in by_method if r["method"] == "REFUND")
    return {"assessed": assessed, "assessed_total": sum((r["total"] or 0) for r in assessed),
            "by_method": by_method, "collected": collected, "refunded": refunded,
            "waived_count": waived["n"] if waived else 0, "waived_total": (waived or {}).get("total") or 0,
            "owed_now": owed or 0, "per_day": per_day}

