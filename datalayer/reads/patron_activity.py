"""Reads of one patron's data (the portal and the staff patron page); always filtered by patron_id."""
from __future__ import annotations

from datalayer.reads import FINE_BALANCE
from datalayer.session import Session

FINE_COLS = f"""f.fine_id, f.loan_id, f.patron_id, f.fine_type, f.amount, f.amount_paid AS paid,
       {FINE_BALANCE} AS balance, f.status, f.assessed_at, f.description"""
# queue position as hold_queue_v counts it (open holds of the title in placement order), per row
_QUEUE = """CASE WHEN h.status IN ('PENDING', 'SUSPENDED', 'READY') THEN
         (SELECT COUNT(*) FROM holds h2 WHERE h2.material_id = h.material_id
             AND h2.status IN ('PENDING', 'SUSPENDED', 'READY')
             AND (h2.placed_at < h.placed_at OR (h2.placed_at = h.placed_at AND h2.hold_id <= h.hold_id))) END"""
HOLD_COLS = f"""h.hold_id, h.patron_id, h.material_id, m.title, h.status, {_QUEUE} AS queue_position,
       h.pickup_branch_id, h.placed_at, h.expires_at, h.copy_id"""


def loans(s: Session, patron_id: int) -> list[dict]:
    rows = s.rows("""SELECT loan_id, copy_id, barcode, material_id, title, checkout_at, due_at, renewals, is_overdue
                       FROM patron_current_loans_v WHERE patron_id = :p ORDER BY due_at, loan_id""", {"p": patron_id})
    for r in rows:
        r["is_overdue"] = r["is_overdue"] == "Y"
    return rows


def history(s: Session, patron_id: int, limit: int, offset: int) -> list[dict]:
    return s.rows("""SELECT l.loan_id, l.copy_id, c.material_id, m.title, l.status, l.checkout_at, l.due_at,
                            l.returned_at, l.renewals
                       FROM loans l JOIN copies c ON c.copy_id = l.copy_id JOIN materials m ON m.material_id = c.material_id
                      WHERE l.patron_id = :p AND l.status <> 'ACTIVE'
                      ORDER BY l.checkout_at DESC, l.loan_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {"p": patron_id, "off": offset, "lim": limit})


def fines(s: Session, patron_id: int, status: str | None = None) -> list[dict]:
    where = " AND f.status = :st" if status else ""
    binds = {"p": patron_id, **({"st": status} if status else {})}
    return s.rows(f"SELECT {FINE_COLS} FROM fines f WHERE f.patron_id = :p{where} ORDER BY f.assessed_at DESC, f.fine_id DESC",
                  binds)


def holds(s: Session, patron_id: int, open_only: bool = False) -> list[dict]:
    where = " AND h.status IN ('PENDING', 'SUSPENDED', 'READY')" if open_only else ""
    return s.rows(f"""SELECT {HOLD_COLS}
                        FROM holds h JOIN materials m ON m.material_id = h.material_id
                       WHERE h.patron_id = :p{where} ORDER BY h.placed_at DESC, h.hold_id DESC""", {"p": patron_id})

