"""Catalog reads: search with filters and paging, one title with its copies, branches.

Search works as search engines do (issue 12), over one search document per title (search_documents:
title, subtitle, authors, ISBN, later subjects; kept by the triggers through lib_search):
- words: full text, every word must match (accents and case folded), ranked best first: a title match
  above an author match above a subtitle match. PostgreSQL: the weighted tsvector and its GIN index
  (database/postgres/search_indexes.sql); Oracle: the Oracle Text CONTEXT index (016_search_index_oracle.sql).
- one ISBN or copy barcode: an exact lookup on the ordinary indexes of materials.isbn and copies.barcode
  (when nothing has that code, the words search runs).
- text ending in `*`: the titles that begin with the text, in title order, on the B-tree of UPPER(title).
- no text: every title in title order.
Paging: `page` (offset) as before, or the opaque cursor `after` from the previous page's `next` (keyset,
for deep paging). Totals are exact up to app_settings SEARCH_EXACT_TOTAL_MAX; above it the count stops
there and total_exact is false, and words are ranked among the first that many matches (the cost of a
search stays bounded however common its words).
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from dataclasses import dataclass

from datalayer.reads import in_list
from datalayer.session import Session

_COUNTS = """(SELECT COUNT(*) FROM copies c WHERE c.material_id = m.material_id AND c.status = 'AVAILABLE') AS available_copies,
       (SELECT COUNT(*) FROM copies c WHERE c.material_id = m.material_id AND c.status <> 'WITHDRAWN') AS total_copies"""
_SELECT = f"""SELECT m.material_id, m.title, m.subtitle, m.isbn, m.material_type, g.name AS genre,
       m.publication_year AS year, m.cover_image, m.is_hidden, {_COUNTS}"""
_ISBN = re.compile(r"^(\d{9}[\dX]|\d{13})$")
_CODE = re.compile(r"^[0-9A-Za-z-]{4,30}$")  # one token that may be an ISBN or a copy barcode
_WORD = re.compile(r"[^\W_]+")  # letters and digits
_MAX_WORDS = 8
_DEFAULT_EXACT_MAX = 1000


class BadCursor(ValueError):
    """`after` is not a cursor this search handed out."""


@dataclass(frozen=True)
class SearchResult:
    items: list[dict]
    total: int
    total_exact: bool
    next: str | None  # cursor of the next page, None on the last one


def _words(q: str) -> list[str]:
    """Words of the text, accents folded (the engines fold the documents alike), at most eight."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", q) if not unicodedata.combining(c))
    return _WORD.findall(folded.lower())[:_MAX_WORDS]


def _encode(mode: str, *key) -> str:
    raw = json.dumps([mode, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, mode: str, types: tuple) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor() from None
    if not (isinstance(value, list) and len(value) == len(types) + 1 and value[0] == mode
            and all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(value[1:], types))
            and not any(isinstance(v, str) and "\x00" in v for v in value)   # PostgreSQL text holds no NUL
            and not any(isinstance(v, int) and abs(v) >= 2 ** 63 for v in value)):
        raise BadCursor()
    return value[1:]


def _filters(genre: str | None, material_type: str | None, available: bool | None,
             include_hidden: bool = False) -> tuple[list[str], dict]:
    clauses, binds = [], {}
    if not include_hidden:  # hidden titles (lib_catalog.set_hidden) are the staff's only
        clauses.append("m.is_hidden = 'N'")
    if genre:
        if genre.isdigit():
            clauses.append("m.genre_id = :genre_id")
            binds["genre_id"] = int(genre)
        else:
            clauses.append("m.genre_id IN (SELECT gf.genre_id FROM genres gf WHERE UPPER(gf.name) = :genre)")
            binds["genre"] = genre.upper()
    if material_type:
        clauses.append("m.material_type = :mtype")
        binds["mtype"] = material_type.upper()
    if available is not None:
        exists = "EXISTS (SELECT 1 FROM copies c WHERE c.material_id = m.material_id AND c.status = 'AVAILABLE')"
        clauses.append(exists if available else f"NOT {exists}")
    return clauses, binds


def _exact_max(s: Session) -> int:
    value = s.scalar("SELECT value FROM app_settings WHERE name = 'SEARCH_EXACT_TOTAL_MAX'")
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return _DEFAULT_EXACT_MAX


def _count(s: Session, source: str, where: str, binds: dict) -> tuple[int, bool]:
    """Matches counted up to the threshold: (count, exact)."""
    cap = _exact_max(s)
    n = int(s.scalar(f"SELECT COUNT(*) FROM (SELECT 1 AS x FROM {source} WHERE {where} FETCH FIRST :cap ROWS ONLY) capped",
                     {**binds, "cap": cap + 1}) or 0)
    return (n, True) if n <= cap else (cap, False)


def _page(s: Session, key_sql: str, source: str, where: str, order: str, binds: dict, after_clause: str | None,
          page: int, page_size: int) -> list[dict]:
    """One page plus one row (there is a next page when it comes back)."""
    where_after = f" AND {after_clause}" if after_clause else ""
    offset = 0 if after_clause else (page - 1) * page_size
    return s.rows(f"SELECT {key_sql} FROM {source} WHERE {where}{where_after} ORDER BY {order} "
                  "OFFSET :off ROWS FETCH NEXT :lim ROWS ONLY",
                  {**binds, "off": offset, "lim": page_size + 1})


def _details(s: Session, ids: list[int]) -> list[dict]:
    """The result fields of the titles of one page, in the page's order."""
    if not ids:
        return []
    marks, binds = in_list("p", ids)
    rows = {r["material_id"]: r for r in s.rows(
        f"{_SELECT} FROM materials m LEFT JOIN genres g ON g.genre_id = m.genre_id WHERE m.material_id IN {marks}", binds)}
    names = authors_of(s, ids)
    out = []
    for i in ids:
        if i in rows:
            rows[i]["authors"] = names.get(i, [])
            out.append(rows[i])
    return out


def _title_order(s: Session, prefix: str, clauses: list[str], binds: dict, after: str | None,
                 page: int, page_size: int, mode: str) -> SearchResult:
    """Titles in title order, optionally those beginning with prefix: a range on the B-tree of UPPER(title)."""
    clauses = list(clauses)
    if prefix:
        # the range serves the index in a binary collation (C, C.UTF-8 on PostgreSQL, BINARY on Oracle);
        # LIKE keeps the answer exact whatever the collation
        clauses += ["UPPER(m.title) >= :lo", "UPPER(m.title) < :hi", "UPPER(m.title) LIKE :pre ESCAPE '\\'"]
        binds = {**binds, "lo": prefix, "hi": prefix + "\U0010FFFF",
                 "pre": prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"}
    where = " AND ".join(clauses or ["1 = 1"])
    total, exact = _count(s, "materials m", where, binds)
    after_clause = None
    if after is not None:
        title, mid = _decode(after, mode, (str, int))
        after_clause = "(UPPER(m.title) > :at OR (UPPER(m.title) = :at AND m.material_id > :ai))"
        binds = {**binds, "at": title, "ai": mid}
    rows = _page(s, "m.material_id, UPPER(m.title) AS k", "materials m", where, "UPPER(m.title), m.material_id", binds,
                 after_clause, page, page_size)
    more = len(rows) > page_size
    rows = rows[:page_size]
    nxt = _encode(mode, rows[-1]["k"], int(rows[-1]["material_id"])) if more and rows else None
    return SearchResult(_details(s, [int(r["material_id"]) for r in rows]), total, exact, nxt)


def _codes(s: Session, token: str, clauses: list[str], binds: dict) -> list[int]:
    """Titles that have this ISBN or a copy with this barcode (ordinary unique and B-tree indexes)."""
    code = token.replace("-", "").upper()
    parts, b = [], dict(binds)
    if _ISBN.match(code):
        parts.append("SELECT mi.material_id FROM materials mi WHERE mi.isbn = :isbn")
        b["isbn"] = code
    parts.append("SELECT cb.material_id FROM copies cb WHERE cb.barcode = :barcode")
    b["barcode"] = token
    where = " AND ".join([f"m.material_id IN ({' UNION '.join(parts)})", *clauses])
    return [int(r["material_id"]) for r in s.rows(
        f"SELECT m.material_id FROM materials m WHERE {where} ORDER BY m.material_id", b)]


def _oracle_text_query(words: list[str]) -> str:
    """CONTAINS text: every word (braces make each a literal word), a title match weighing double."""
    every = " & ".join("{" + w + "}" for w in words)
    return f"(({every}) WITHIN title)*2 ACCUM ({every})"


def _full_text(s: Session, words: list[str], clauses: list[str], binds: dict, after: str | None,
               page: int, page_size: int) -> SearchResult:
    if s.engine == "oracle":
        match = "CONTAINS(d.title, :tq, 1) > 0"
        rank = "SCORE(1)"
        binds = {**binds, "tq": _oracle_text_query(words)}
        rank_type: tuple = (int,)
    else:
        match = "d.document @@ plainto_tsquery('ils_search', :tq)"
        rank = "ts_rank(d.document, plainto_tsquery('ils_search', :tq))"
        binds = {**binds, "tq": " ".join(words)}
        rank_type = (float,)
    join = " JOIN materials m ON m.material_id = d.material_id" if clauses else ""
    source = f"search_documents d{join}"
    where = " AND ".join([match, *clauses])
    after_clause = ""
    if after is not None:
        r, mid, carried_total, carried_exact = _decode(after, "w", (*rank_type, int, int, int))
        # ts_rank is a real: the cursor holds its shortest decimal text, which only a real reads back exactly
        ar = ":ar" if s.engine == "oracle" else "CAST(:ar AS REAL)"
        after_clause = f" AND ({rank} < {ar} OR ({rank} = {ar} AND d.material_id > :ai))"
        binds = {**binds, "ar": r, "ai": mid}
    # The candidates: every match up to the threshold, ranked here. Above it, the first `cap` matches the
    # index hands out are ranked (as engines cap the hits they score): the cost of a search stays bounded
    # by the threshold however common its words, and the answer says total_exact false.
    cap = _exact_max(s)
    found = s.rows(f"SELECT d.material_id, {rank} AS rank FROM {source} WHERE {where}{after_clause} "
                   "FETCH FIRST :cap ROWS ONLY", {**binds, "cap": cap + 1})
    beyond = len(found) > cap  # more matches than were ranked
    ranked = sorted(found[:cap], key=lambda row: (-row["rank"], row["material_id"]))
    if after is None:
        total, exact = len(ranked), not beyond
    else:  # the total of the whole search (carried by the cursor), not of what follows the cursor
        total, exact = carried_total, bool(carried_exact)
    first = 0 if after is not None else (page - 1) * page_size
    rows = ranked[first:first + page_size]
    nxt = None
    if rows and (first + page_size < len(ranked) or beyond):
        last = rows[-1]
        nxt = _encode("w", int(last["rank"]) if s.engine == "oracle" else float(last["rank"]), int(last["material_id"]),
                      total, int(exact))
    return SearchResult(_details(s, [int(r["material_id"]) for r in rows]), total, exact, nxt)


def search_page(s: Session, q: str | None, genre: str | None, material_type: str | None, available: bool | None,
                page: int = 1, page_size: int = 20, after: str | None = None,
                include_hidden: bool = False) -> SearchResult:
    """One page of a catalog search (see the module's doc); raises BadCursor for an `after` not handed out.
    Hidden titles are left out unless include_hidden (the staff's catalog screens)."""
    clauses, binds = _filters(genre, material_type, available, include_hidden)
    text = (q or "").strip()
    if text.endswith("*"):
        return _title_order(s, text.rstrip("*").strip().upper(), clauses, binds, after, page, page_size, "p")
    words = _words(text)
    if not text:
        return _title_order(s, "", clauses, binds, after, page, page_size, "t")
    if not words:  # punctuation only: nothing to match
        return SearchResult([], 0, True, None)
    if len(text.split()) == 1 and _CODE.match(text) and any(ch.isdigit() for ch in text):
        ids = _codes(s, text, clauses, binds)
        if ids:
            if after is not None:
                _decode(after, "c", (int,))
                return SearchResult([], len(ids), True, None)  # a code's titles fit one page
            first = (page - 1) * page_size
            return SearchResult(_details(s, ids[first:first + page_size]), len(ids), True, None)
    return _full_text(s, words, clauses, binds, after, page, page_size)


def search(s: Session, q: str | None, genre: str | None, material_type: str | None, available: bool | None,
           page: int, page_size: int) -> tuple[list[dict], int]:
    """(items, total) of one page: the staff pages' form of search_page."""
    r = search_page(s, q, genre, material_type, available, page, page_size)
    return r.items, r.total


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


def book(s: Session, material_id: int) -> dict | None:
    """A title with its copies in the collection and its availability per branch (hidden ones too: is_hidden)."""
    row = s.one(f"""{_SELECT}, m.publisher, m.language_code, m.description,
       (SELECT COUNT(*) FROM holds h WHERE h.material_id = m.material_id AND h.status = 'PENDING') AS holds_waiting
  FROM materials m LEFT JOIN genres g ON g.genre_id = m.genre_id WHERE m.material_id = :m""", {"m": material_id})
    if row is None:
        return None
    row["authors"] = authors_of(s, [material_id]).get(material_id, [])
    row["copies"] = s.rows("""SELECT c.copy_id, c.barcode, c.branch_id, b.name AS branch_name, c.status, c.shelf_location,
                                     c.call_number
                                FROM copies c JOIN branches b ON b.branch_id = c.branch_id
                               WHERE c.material_id = :m AND c.status <> 'WITHDRAWN'
                               ORDER BY c.branch_id, c.call_number_sort, c.copy_id""",
                           {"m": material_id})
    row["availability"] = s.rows("""SELECT v.branch_id, b.name AS branch_name, v.total_copies, v.available_copies,
                                           v.on_loan_copies, v.on_hold_shelf_copies
                                      FROM copy_availability_v v JOIN branches b ON b.branch_id = v.branch_id
                                     WHERE v.material_id = :m ORDER BY b.name""", {"m": material_id})
    return row


def holdings(s: Session, material_id: int, with_patrons: bool) -> list[dict]:
    """Every copy of a title, withdrawn ones too, branch by branch in call number order: its status with the
    vocabulary's label, the due date of its open loan and, with_patrons (staff holding PATRON_VIEW), who has
    it: the borrower, or the patron a copy kept for a hold waits for."""
    people = """, l.patron_id, p.first_name, p.last_name, p.card_number,
                  h.patron_id AS hold_patron_id, hp.first_name AS hold_first_name, hp.last_name AS hold_last_name,
                  hp.card_number AS hold_card_number""" if with_patrons else ""
    joins = """LEFT JOIN patrons p ON p.patron_id = l.patron_id
               LEFT JOIN holds h ON h.copy_id = c.copy_id
                     AND h.status IN (SELECT hs.code FROM hold_statuses hs WHERE hs.is_active = 'Y')
                     AND cs.is_hold_trap = 'Y'
               LEFT JOIN patrons hp ON hp.patron_id = h.patron_id""" if with_patrons else ""
    return s.rows(f"""SELECT c.copy_id, c.barcode, c.status, cs.label AS status_label, cs.in_collection, c.branch_id,
                            b.name AS branch_name, c.call_number, c.shelf_location, c.price, l.due_at{people}
                       FROM copies c
                       JOIN copy_statuses cs ON cs.code = c.status
                       JOIN branches b ON b.branch_id = c.branch_id
                       LEFT JOIN loans l ON l.copy_id = c.copy_id
                             AND l.status IN (SELECT ls.code FROM loan_statuses ls WHERE ls.is_open = 'Y')
                       {joins}
                      WHERE c.material_id = :m
                      ORDER BY b.name, c.call_number_sort, c.barcode""", {"m": material_id})


def cover_of(s: Session, material_id: int) -> dict | None:
    """cover_image and is_hidden of a title, None when there is no such title."""
    return s.one("SELECT cover_image, is_hidden FROM materials WHERE material_id = :m", {"m": material_id})


def search_ids(s: Session, q: str, limit: int = 500) -> list[int]:
    """The titles a staff catalog search finds (hidden ones included), best first, at most `limit`."""
    r = search_page(s, q, None, None, None, 1, limit, include_hidden=True)
    return [int(item["material_id"]) for item in r.items]


def branches(s: Session) -> list[dict]:
    return s.rows("""SELECT branch_id, code, name, address, phone, email FROM branches
                      WHERE is_active = 'Y' ORDER BY name""")
