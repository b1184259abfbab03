"""Staff reads of holds."""
from __future__ import annotations

from api.db.session import Session
from api.reads.patron import HOLD_COLS


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
