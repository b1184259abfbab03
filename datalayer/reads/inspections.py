"""Reads of condition inspections: a copy's inspection history (copy_inspections, written by lib_inspections at
check-in), newest first, with the grade's label, who recorded it and the damage charge."""
from __future__ import annotations

from datalayer.session import Session


def copy_exists(s: Session, copy_id: int) -> bool:
    return bool(s.scalar("SELECT COUNT(*) FROM copies c WHERE c.copy_id = :c", {"c": copy_id}))


def history(s: Session, copy_id: int, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of the copy's inspections, newest first, and their number."""
    total = s.scalar("SELECT COUNT(*) FROM copy_inspections i WHERE i.copy_id = :c", {"c": copy_id})
    rows = s.rows("""SELECT i.inspection_id, i.copy_id, i.loan_id, i.grade, g.label AS grade_label, i.note,
                            i.inspected_by, u.username AS inspected_by_username, i.inspected_at, i.fine_id,
                            f.amount AS fine_amount
                       FROM copy_inspections i
                       JOIN condition_grades g ON g.code = i.grade
                       LEFT JOIN users u ON u.user_id = i.inspected_by
                       LEFT JOIN fines f ON f.fine_id = i.fine_id
                      WHERE i.copy_id = :c
                      ORDER BY i.inspected_at DESC, i.inspection_id DESC OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY""",
                  {"c": copy_id, "off": offset, "lim": limit})
    return rows, int(total or 0)
