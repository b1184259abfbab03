"""Staff reads of fines."""
from __future__ import annotations

from api.db.session import Session
from api.reads.patron import FINE_COLS


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
