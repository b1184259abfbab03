"""Catalog reads: search with filters and paging, one title with its copies, branches.

Search matches every word of q (up to 8) against the title, the subtitle and the authors' names
(case-insensitive substring) or the ISBN. The SQL is the same on both engines; on PostgreSQL the
trigram indexes of database/postgres/search_indexes.sql serve the substring matches.
"""
from __future__ import annotations

import re

from datalayer.reads import in_list, like_pattern
from datalayer.session import Session

_COUNTS = """(SELECT COUNT(*) FROM copies c WHERE c.material_id = m.material_id AND c.status = 'AVAILABLE') AS available_copies,
       (SELECT COUNT(*) FROM copies c WHERE c.material_id = m.material_id AND c.status <> 'WITHDRAWN') AS total_copies"""
_SELECT = f"""SELECT m.material_id, m.title, m.subtitle, m.isbn, m.material_type, g.name AS genre,
       m.publication_year AS year, {_COUNTS}"""
_ISBN = re.compile(r"^(\d{9}[\dX]|\d{13})$")


def _where(q: str | None, genre: str | None, material_type: str | None, available: bool | None) -> tuple[str, dict]:
    clauses, binds = [], {}
    words = [w for w in re.split(r"\s+", (q or "").strip()) if w][:8]
    for i, word in enumerate(words):
        binds[f"w{i}"] = like_pattern(word)
        isbn = word.replace("-", "").upper()
        isbn_clause = ""
        if _ISBN.match(isbn):
            binds[f"i{i}"] = isbn
            isbn_clause = f" OR m.isbn = :i{i}"
        clauses.append(
            f"(UPPER(m.title) LIKE :w{i} ESCAPE '\\' OR UPPER(m.subtitle) LIKE :w{i} ESCAPE '\\'{isbn_clause}"
            f" OR EXISTS (SELECT 1 FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id"
            f" WHERE ma.material_id = m.material_id AND UPPER(a.full_name) LIKE :w{i} ESCAPE '\\'))")
    if genre:
        if genre.isdigit():
            clauses.append("m.genre_id = :genre_id")
            binds["genre_id"] = int(genre)
        else:
            clauses.append("UPPER(g.name) = :genre")
            binds["genre"] = genre.upper()
    if material_type:
        clauses.append("m.material_type = :mtype")
        binds["mtype"] = material_type.upper()
    if available is not None:
        exists = "EXISTS (SELECT 1 FROM copies c WHERE c.material_id = m.material_id AND c.status = 'AVAILABLE')"
        clauses.append(exists if available else f"NOT {exists}")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", binds


def authors_of(s: Session, material_ids: list[int]) -> dict[int, list[str]]:
    if not material_ids:
        return {}
    marks, binds = in_list("m", material_ids)
    rows = s.rows(f"""SELECT ma.material_id, a.full_name FROM material_authors ma
                        JOIN authors a ON a.author_id = ma.author_id
                       WHERE ma.material_id IN {marks} ORDER BY ma.material_id, ma.author_order, a.full_name""", binds)
    out: dict[int, list[str]] = {}
    for r in rows:
        out.setdefault(r["material_id"], []).append(r["full_name"])
    return out


def search(s: Session, q: str | None, genre: str | None, material_type: str | None, available: bool | None,
           page: int, page_size: int) -> tuple[list[dict], int]:
    where, binds = _where(q, genre, material_type, available)
    base = " FROM materials m LEFT JOIN genres g ON g.genre_id = m.genre_id" + where
    total = s.scalar("SELECT COUNT(*)" + base, binds)
    rows = s.rows(f"{_SELECT}{base} ORDER BY UPPER(m.title), m.material_id "
                  "OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY",
                  {**binds, "off": (page - 1) * page_size, "lim": page_size})
    names = authors_of(s, [r["material_id"] for r in rows])
    for r in rows:
        r["authors"] = names.get(r["material_id"], [])
    return rows, int(total or 0)


def book(s: Session, material_id: int) -> dict | None:
    row = s.one(f"""{_SELECT}, m.publisher, m.language_code, m.description, m.cover_image,
       (SELECT COUNT(*) FROM holds h WHERE h.material_id = m.material_id AND h.status = 'PENDING') AS holds_waiting
  FROM materials m LEFT JOIN genres g ON g.genre_id = m.genre_id WHERE m.material_id = :m""", {"m": material_id})
    if row is None:
        return None
    row["authors"] = authors_of(s, [material_id]).get(material_id, [])
    row["copies"] = s.rows("""SELECT c.copy_id, c.barcode, c.branch_id, b.name AS branch_name, c.status, c.shelf_location
                                FROM copies c JOIN branches b ON b.branch_id = c.branch_id
                               WHERE c.material_id = :m AND c.status <> 'WITHDRAWN' ORDER BY c.branch_id, c.copy_id""",
                           {"m": material_id})
    row["availability"] = s.rows("""SELECT v.branch_id, b.name AS branch_name, v.total_copies, v.available_copies,
                                           v.on_loan_copies, v.on_hold_shelf_copies
                                      FROM copy_availability_v v JOIN branches b ON b.branch_id = v.branch_id
                                     WHERE v.material_id = :m ORDER BY b.name""", {"m": material_id})
    return row


def branches(s: Session) -> list[dict]:
    return s.rows("""SELECT branch_id, code, name, address, phone, email FROM branches
                      WHERE is_active = 'Y' ORDER BY name""")
