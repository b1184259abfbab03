"""Reads for the patron pages: search, a patron's history, fines and borrowing over time."""
from __future__ import annotations

from datetime import datetime

from api.db.session import Session

from admin_ui.reads.desk import PATRON_COLUMNS


def search(s: Session, text: str, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """By card number (exact), e-mail, or the start of a last name, first name or 'first last'."""
    text = text.strip()
    if not text:
        total = s.scalar("SELECT COUNT(*) FROM patrons") or 0
        where, binds = "1 = 1", {}
    else:
        pattern = text.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = """(p.card_number = :exact OR UPPER(p.email) = :mail
                    OR UPPER(p.last_name) LIKE :pat ESCAPE '\\' OR UPPER(p.first_name) LIKE :pat ESCAPE '\\'
                    OR UPPER(p.first_name || ' ' || p.last_name) LIKE :pat ESCAPE '\\')"""
        binds = {"exact": text, "mail": text.upper(), "pat": pattern}
        total = s.scalar(f"SELECT COUNT(*) FROM patrons p WHERE {where}", binds) or 0
    rows = s.rows(f"""SELECT {PATRON_COLUMNS},
                             (SELECT COUNT(*) FROM loans l WHERE l.patron_id = p.patron_id AND l.status = 'ACTIVE') AS loans
                        FROM patrons p JOIN branches b ON b.branch_id = p.home_branch_id
                       WHERE {where}
                       ORDER BY p.last_name, p.first_name, p.patron_id OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)


def fines(s: Session, patron_id: int, limit: int = 100) -> list[dict]:
    return s.rows("""SELECT f.fine_id, f.loan_id, f.fine_type, f.amount, f.amount_paid, f.status, f.assessed_at,
                            f.closed_at, f.description, f.waive_reason, u.username AS waived_by, m.title
                       FROM fines f LEFT JOIN users u ON u.user_id = f.waived_by
                       LEFT JOIN loans l ON l.loan_id = f.loan_id LEFT JOIN copies c ON c.copy_id = l.copy_id
                       LEFT JOIN materials m ON m.material_id = c.material_id
                      WHERE f.patron_id = :p ORDER BY f.assessed_at DESC, f.fine_id DESC FETCH FIRST :lim ROWS ONLY""",
                  {"p": patron_id, "lim": limit})


def payments(s: Session, patron_id: int | None = None, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
    where, binds = ("WHERE y.patron_id = :p", {"p": patron_id}) if patron_id is not None else ("", {})
    total = s.scalar(f"SELECT COUNT(*) FROM payments y {where}", binds) or 0
    rows = s.rows(f"""SELECT y.payment_id, y.fine_id, y.patron_id, y.amount, y.method, y.paid_at, y.note,
                             u.username AS received_by, p.first_name, p.last_name, f.fine_type
                        FROM payments y JOIN patrons p ON p.patron_id = y.patron_id
                        JOIN fines f ON f.fine_id = y.fine_id LEFT JOIN users u ON u.user_id = y.received_by
                        {where}
                       ORDER BY y.paid_at DESC, y.payment_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)


def borrowing_by_month(s: Session, patron_id: int, now: datetime, months: int = 12) -> list[tuple[str, int]]:
    """Checkouts per calendar month for the last `months` months, oldest first (zeros included),
    labelled with the month's short name."""
    keys: list[tuple[int, int]] = []
    y, m = now.year, now.month
    for _ in range(months):
        keys.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    keys.reverse()
    start = datetime(keys[0][0], keys[0][1], 1)
    counts = {k: 0 for k in keys}
    for r in s.rows("SELECT checkout_at FROM loans WHERE patron_id = :p AND checkout_at >= :s",
                    {"p": patron_id, "s": start}):
        k = (r["checkout_at"].year, r["checkout_at"].month)
        if k in counts:
            counts[k] += 1
    return [(datetime(y, m, 1).strftime("%b"), counts[(y, m)]) for y, m in keys]


def holds(s: Session, patron_id: int, limit: int = 50) -> list[dict]:
    return s.rows("""SELECT h.hold_id, h.status, h.placed_at, h.ready_at, h.expires_at, h.closed_at, h.close_reason,
                            m.title, b.name AS pickup_branch
                       FROM holds h JOIN materials m ON m.material_id = h.material_id
                       JOIN branches b ON b.branch_id = h.pickup_branch_id
                      WHERE h.patron_id = :p ORDER BY h.placed_at DESC, h.hold_id DESC FETCH FIRST :lim ROWS ONLY""",
                  {"p": patron_id, "lim": limit})
