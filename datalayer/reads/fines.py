"""Reads of fines: the API's search (by patron and status) and the staff pages' listings, totals and one fine."""
from __future__ import annotations

from datalayer.reads import FINE_BALANCE
from datalayer.reads.patron_activity import FINE_COLS
from datalayer.session import Session


# what has been paid back on a fine (lib_fines.refund, a lost copy returned): its REFUND payments rows
REFUNDED = "(SELECT COALESCE(SUM(y.amount), 0) FROM payments y WHERE y.fine_id = f.fine_id AND y.method = 'REFUND')"


def search(s: Session, patron_id: int | None, status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    clauses, binds = [], {}
    for col, key, value in (("f.patron_id", "p", patron_id), ("f.status", "st", status)):
        if value is not None:
            clauses.append(f"{col} = :{key}")
            binds[key] = value
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = s.scalar(f"SELECT COUNT(*) FROM fines f{where}", binds)
    rows = s.rows(f"""SELECT {FINE_COLS} FROM fines f{where}
                      ORDER BY f.assessed_at DESC, f.fine_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total or 0)


def listing(s: Session, patron_id: int | None, status: str, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    clauses, binds = [], {}
    if status != "ALL":
        clauses.append("f.status = :st")
        binds["st"] = status
    if patron_id is not None:
        clauses.append("f.patron_id = :p")
        binds["p"] = patron_id
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = s.scalar(f"SELECT COUNT(*) FROM fines f{where}", binds) or 0
    rows = s.rows(f"""SELECT f.fine_id, f.patron_id, f.loan_id, f.fine_type, f.amount, f.amount_paid,
                             {FINE_BALANCE} AS owed, {REFUNDED} AS refunded, f.status, f.assessed_at, f.closed_at, f.description,
                             f.waive_reason, u.username AS waived_by, p.first_name, p.last_name, p.card_number, m.title
                        FROM fines f JOIN patrons p ON p.patron_id = f.patron_id
                        LEFT JOIN users u ON u.user_id = f.waived_by
                        LEFT JOIN loans l ON l.loan_id = f.loan_id LEFT JOIN copies c ON c.copy_id = l.copy_id
                        LEFT JOIN materials m ON m.material_id = c.material_id{where}
                       ORDER BY f.assessed_at DESC, f.fine_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)


def outstanding_total(s: Session, patron_id: int | None) -> float:
    where, binds = (" AND patron_id = :p", {"p": patron_id}) if patron_id is not None else ("", {})
    where = where.replace("patron_id", "f.patron_id")
    return s.scalar(f"SELECT COALESCE(SUM({FINE_BALANCE}), 0) FROM fines f WHERE f.status = 'OPEN'{where}", binds) or 0


def fine(s: Session, fine_id: int) -> dict | None:
    return s.one("SELECT fine_id, patron_id, amount, amount_paid, status FROM fines WHERE fine_id = :f", {"f": fine_id})


def refund(s: Session, patron_id: int, payment_id: int) -> dict | None:
    """One refund (a REFUND payments row) of the patron, for its receipt."""
    return s.one("""SELECT y.payment_id, y.fine_id, y.amount, y.refund_method, y.paid_at, y.note,
                           u.username AS refunded_by, f.fine_type, f.amount_paid
                      FROM payments y JOIN fines f ON f.fine_id = y.fine_id
                      LEFT JOIN users u ON u.user_id = y.received_by
                     WHERE y.payment_id = :y AND y.patron_id = :p AND y.method = 'REFUND'""",
                 {"y": payment_id, "p": patron_id})
