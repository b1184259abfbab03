"""Staff reads of patrons: search by name, card, e-mail; one patron with loans, holds and fines."""
from __future__ import annotations

from api.db.session import Session
from api.reads import like_pattern
from api.reads import patron as mine

_COLS = "p.patron_id, p.card_number, p.first_name, p.last_name, p.email, p.category, p.home_branch_id, p.status, p.expires_on"


def search(s: Session, text: str | None, status: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    clauses, binds = [], {}
    if text:
        binds.update({"t": like_pattern(text), "card": text})
        clauses.append("(p.card_number = :card OR UPPER(p.last_name) LIKE :t ESCAPE '\\' "
                       "OR UPPER(p.first_name) LIKE :t ESCAPE '\\' OR UPPER(p.email) LIKE :t ESCAPE '\\' "
                       "OR UPPER(p.first_name || ' ' || p.last_name) LIKE :t ESCAPE '\\')")
    if status:
        clauses.append("p.status = :st")
        binds["st"] = status
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = s.scalar(f"SELECT COUNT(*) FROM patrons p{where}", binds)
    rows = s.rows(f"SELECT {_COLS} FROM patrons p{where} ORDER BY UPPER(p.last_name), UPPER(p.first_name), p.patron_id "
                  "OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY", {**binds, "off": offset, "lim": limit})
    return rows, int(total or 0)


def detail(s: Session, patron_id: int) -> dict | None:
    row = s.one(f"""SELECT {_COLS}, p.user_id, p.phone, p.address, p.status_reason, p.registered_at,
                           (SELECT COALESCE(SUM(f.amount - f.amount_paid), 0) FROM fines f
                             WHERE f.patron_id = p.patron_id AND f.status = 'OPEN') AS balance
                      FROM patrons p WHERE p.patron_id = :p""", {"p": patron_id})
    if row is None:
        return None
    row["loans"] = mine.loans(s, patron_id)
    row["holds"] = mine.holds(s, patron_id, open_only=True)
    row["fines"] = mine.fines(s, patron_id)
    return row


def summary(s: Session, patron_id: int) -> dict | None:
    return s.one(f"SELECT {_COLS}, p.status_reason FROM patrons p WHERE p.patron_id = :p", {"p": patron_id})
