"""Reads of patrons for both faces: the one search, one patron with loans, holds and fines, their history."""
from __future__ import annotations

from datetime import date, datetime

from datalayer.clock import LibraryClock
from datalayer.reads import PAGE_SIZE, PATRON_BALANCE, prefix_pattern
from datalayer.reads import patron_activity as mine
from datalayer.reads.desk import PATRON_COLUMNS
from datalayer.session import Session

_COLS = "p.patron_id, p.card_number, p.first_name, p.last_name, p.email, p.category, p.home_branch_id, p.status, p.expires_on"


def search(s: Session, text: str | None, status: str | None = None, limit: int = PAGE_SIZE,
           offset: int = 0) -> tuple[list[dict], int]:
    """The one patron search of both faces: the card number or e-mail exactly (any case), or the start of
    the last name, the first name or "first last" (any case); by status when given; by name. Each row
    carries the home branch's name and the count of active loans."""
    clauses, binds = [], {}
    text = (text or "").strip()
    if text:
        clauses.append("(p.card_number = :exact OR UPPER(p.email) = :mail "
                       "OR UPPER(p.last_name) LIKE :pat ESCAPE '\\' OR UPPER(p.first_name) LIKE :pat ESCAPE '\\' "
                       "OR UPPER(p.first_name || ' ' || p.last_name) LIKE :pat ESCAPE '\\')")
        binds.update({"exact": text, "mail": text.upper(), "pat": prefix_pattern(text)})
    if status:
        clauses.append("p.status = :st")
        binds["st"] = status
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = s.scalar(f"SELECT COUNT(*) FROM patrons p{where}", binds)
    rows = s.rows(f"""SELECT {PATRON_COLUMNS},
                             (SELECT COUNT(*) FROM loans l WHERE l.patron_id = p.patron_id AND l.status = 'ACTIVE') AS loans
                        FROM patrons p JOIN branches b ON b.branch_id = p.home_branch_id{where}
                       ORDER BY UPPER(p.last_name), UPPER(p.first_name), p.patron_id
                      OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""", {**binds, "off": offset, "lim": limit})
    return rows, int(total or 0)


def possible_duplicates(s: Session, first_name: str | None, last_name: str | None, email: str | None,
                        phone: str | None, limit: int = 10) -> list[dict]:
    """Patrons with the same name (any case, outer spaces trimmed) and the same e-mail (any case) or the same
    phone (its digits, the usual separators dropped: TRANSLATE, alike on both engines): the warning before
    registering someone twice."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if not first_name or not last_name or not (email or digits):
        return []
    return s.rows("""SELECT p.patron_id, p.card_number, p.first_name, p.last_name, p.email, p.phone, p.status
                       FROM patrons p
                      WHERE UPPER(TRIM(p.first_name)) = :f AND UPPER(TRIM(p.last_name)) = :l
                        AND (UPPER(p.email) = :e
                             OR TRANSLATE(p.phone, '0123456789 +-()./', '0123456789') = :ph)
                      ORDER BY p.patron_id FETCH FIRST :lim ROWS ONLY""",
                  {"f": first_name.strip().upper(), "l": last_name.strip().upper(),
                   "e": (email or "").strip().upper() or None, "ph": digits or None, "lim": limit})


def detail(s: Session, patron_id: int) -> dict | None:
    row = s.one(f"""SELECT {_COLS}, p.user_id, p.phone, p.address, p.status_reason, p.registered_at,
                           {PATRON_BALANCE} AS balance
                      FROM patrons p WHERE p.patron_id = :p""", {"p": patron_id})
    if row is None:
        return None
    row["loans"] = mine.loans(s, patron_id)
    row["holds"] = mine.holds(s, patron_id, open_only=True)
    row["fines"] = mine.fines(s, patron_id)
    return row


def summary(s: Session, patron_id: int) -> dict | None:
    return s.one(f"SELECT {_COLS}, p.status_reason FROM patrons p WHERE p.patron_id = :p", {"p": patron_id})


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
    rows = s.rows(f"""SELECT y.payment_id, y.fine_id, y.patron_id, y.amount, y.method, y.refund_method, y.paid_at, y.note,
                             u.username AS received_by, p.first_name, p.last_name, f.fine_type
                        FROM payments y JOIN patrons p ON p.patron_id = y.patron_id
                        JOIN fines f ON f.fine_id = y.fine_id LEFT JOIN users u ON u.user_id = y.received_by
                        {where}
                       ORDER BY y.paid_at DESC, y.payment_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)


def borrowing_by_month(s: Session, patron_id: int, clock: LibraryClock, months: int = 12) -> list[tuple[str, int]]:
    """Checkouts per calendar month of the library for the last `months` months, oldest first (zeros
    included), labelled with the month's short name."""
    keys: list[tuple[int, int]] = []
    y, m = clock.today.year, clock.today.month
    for _ in range(months):
        keys.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    keys.reverse()
    start = clock.day_start(date(keys[0][0], keys[0][1], 1))
    counts = {k: 0 for k in keys}
    for r in s.rows("SELECT checkout_at FROM loans WHERE patron_id = :p AND checkout_at >= :s",
                    {"p": patron_id, "s": start}):
        day = clock.local_day(r["checkout_at"])
        k = (day.year, day.month)
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
