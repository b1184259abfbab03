"""Copies in transit between branches (lib_circulation routes them at check-in): the open transits of a branch."""
from __future__ import annotations

from datalayer.session import Session

DIRECTIONS = ("incoming", "outgoing", "both")


def open_transits(s: Session, branch_id: int, direction: str, limit: int, offset: int) -> tuple[list[dict], int]:
    """Open transits (neither received nor cancelled: a copy declared lost or withdrawn on its way) to the branch
    (incoming), from it (outgoing) or both, oldest first."""
    where = {"incoming": "t.to_branch_id = :b", "outgoing": "t.from_branch_id = :b",
             "both": "(t.to_branch_id = :b OR t.from_branch_id = :b)"}[direction]
    binds = {"b": branch_id}
    total = s.scalar("SELECT COUNT(*) FROM transits t WHERE t.received_at IS NULL AND t.cancelled_at IS NULL "
                     f"AND {where}", binds) or 0
    rows = s.rows(f"""SELECT t.transit_id, t.copy_id, c.barcode, m.title, t.from_branch_id, fb.name AS from_branch,
                             t.to_branch_id, tb.name AS to_branch, t.reason, t.hold_id, t.sent_at
                        FROM transits t JOIN copies c ON c.copy_id = t.copy_id
                        JOIN materials m ON m.material_id = c.material_id
                        JOIN branches fb ON fb.branch_id = t.from_branch_id
                        JOIN branches tb ON tb.branch_id = t.to_branch_id
                       WHERE t.received_at IS NULL AND t.cancelled_at IS NULL AND {where}
                       ORDER BY t.sent_at, t.transit_id OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {**binds, "off": offset, "lim": limit})
    return rows, int(total)
