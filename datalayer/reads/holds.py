"""Reads of holds: the API's search and the staff pages' listings, counts and pull list."""
from __future__ import annotations

from datalayer.reads.patron_activity import HOLD_COLS
from datalayer.session import Session


def search(s: Session, status: str | None, branch_id: int | None, patron_id: int | None, limit: int,
           offset: int) -> tuple[list[dict], int]:
    clauses, binds = [], {}
    for col, key, value in (("h.status", "st", status), ("h.pickup_branch_id", "b", branch_id),
                            ("h.patron_id", "p", patron_id)):
        if value is not None:
            clauses.append(f"{col} = :{key}")
            binds[key] = value
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = s.scalar(f"SELECT COUNT(*) FROM holds h{where}", binds)
    rows = s.rows(f"""SELECT {HOLD_COLS} FROM holds h JOIN materials m ON m.material_id = h.material_id{where}
                      ORDER BY h.placed_at, h.hold_id OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total or 0)


STATUSES = ("PENDING", "READY", "EXPIRED")


def listing(s: Session, status: str, branch_id: int | None, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    binds: dict = {} if status == "PENDING" else {"st": status}
    branch = ""
    if branch_id is not None:
        branch = " AND h.pickup_branch_id = :b"
        binds["b"] = branch_id
    if status == "PENDING":
        source = "hold_queue_v h"
        where = "h.status IN ('PENDING', 'SUSPENDED')"
        order = "h.material_id, h.queue_position"
        extra = "h.queue_position, h.suspended_until"
    else:
        source = "holds h"
        where = "h.status = :st"
        order = "h.expires_at, h.hold_id" if status == "READY" else "h.closed_at DESC, h.hold_id DESC"
        extra = "NULL AS queue_position, h.suspended_until"
    total = s.scalar(f"SELECT COUNT(*) FROM {source} WHERE {where}{branch}", binds) or 0
    rows = s.rows(f"""SELECT h.hold_id, h.status, h.placed_at, h.ready_at, h.expires_at, h.copy_id, {extra},
                             h.material_id, m.title, p.patron_id, p.first_name, p.last_name, p.card_number,
                             b.name AS pickup_branch, c.barcode,
                             (SELECT COUNT(*) FROM copies k WHERE k.material_id = h.material_id
                                 AND k.status = 'AVAILABLE') AS available_copies
                        FROM {source} JOIN materials m ON m.material_id = h.material_id
                        JOIN patrons p ON p.patron_id = h.patron_id
                        JOIN branches b ON b.branch_id = h.pickup_branch_id
                        LEFT JOIN copies c ON c.copy_id = h.copy_id
                       WHERE {where}{branch}
                       ORDER BY {order} OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)


def counts(s: Session) -> dict:
    rows = s.rows("SELECT status, COUNT(*) AS n FROM holds WHERE status IN ('PENDING', 'SUSPENDED', 'READY', 'EXPIRED') "
                  "GROUP BY status")
    by = {r["status"]: r["n"] for r in rows}
    return {"PENDING": by.get("PENDING", 0) + by.get("SUSPENDED", 0), "READY": by.get("READY", 0),
            "EXPIRED": by.get("EXPIRED", 0)}


def pull_list(s: Session, branch_id: int, limit: int = 100) -> list[dict]:
    """Titles with holds waiting for a copy (PENDING, none trapped yet) and an AVAILABLE copy on this
    branch's shelves: one copy to pull each (the first in call number order, then the lowest barcode, with
    its call number and shelf), in the order of the shelves (copies.call_number_sort, copies without a call
    number last, then the oldest hold first)."""
    return s.rows("""SELECT m.material_id, m.title, w.waiting, w.first_placed, a.copies_here, a.barcode,
                            a.call_number, a.shelf_location
                       FROM (SELECT h.material_id, COUNT(*) AS waiting, MIN(h.placed_at) AS first_placed
                               FROM holds h WHERE h.status = 'PENDING' AND h.copy_id IS NULL
                              GROUP BY h.material_id) w
                       JOIN (SELECT c.material_id, c.barcode, c.call_number, c.call_number_sort, c.shelf_location,
                                    COUNT(*) OVER (PARTITION BY c.material_id) AS copies_here,
                                    ROW_NUMBER() OVER (PARTITION BY c.material_id
                                                       ORDER BY c.call_number_sort, c.barcode) AS pick
                               FROM copies c WHERE c.status = 'AVAILABLE' AND c.branch_id = :b) a
                         ON a.material_id = w.material_id AND a.pick = 1
                       JOIN materials m ON m.material_id = w.material_id
                      ORDER BY a.call_number_sort NULLS LAST, w.first_placed, m.material_id
                      FETCH FIRST :lim ROWS ONLY""", {"b": branch_id, "lim": limit})
