"""Reads of bulk imports (catalog_imports, catalog_import_records) and of the catalog for its export:
titles in key order a block at a time, with their identifiers, subjects, authors and copies."""
from __future__ import annotations

from collections.abc import Iterator

from datalayer.reads import in_list
from datalayer.session import Session

_IMPORT = """SELECT i.import_id, i.import_kind, i.file_name, i.file_bytes, i.dry_run, i.status, i.confirms_import_id,
       u.username AS created_by, i.created_at, i.started_at, i.finished_at, i.records_read, i.created_count,
       i.matched_count, i.rejected_count, i.copies_added, i.message,
       (SELECT MIN(c.import_id) FROM catalog_imports c WHERE c.confirms_import_id = i.import_id) AS confirmed_by
  FROM catalog_imports i LEFT JOIN users u ON u.user_id = i.created_by"""


def one(s: Session, import_id: int) -> dict | None:
    return s.one(f"{_IMPORT} WHERE i.import_id = :i", {"i": import_id})


def history(s: Session, offset: int, limit: int) -> tuple[list[dict], int]:
    rows = s.rows(f"{_IMPORT} ORDER BY i.import_id DESC OFFSET :o ROWS FETCH NEXT :n ROWS ONLY",
                  {"o": offset, "n": limit})
    return rows, int(s.scalar("SELECT COUNT(*) FROM catalog_imports") or 0)


def records(s: Session, import_id: int, outcome: str | None, offset: int, limit: int) -> tuple[list[dict], int]:
    """One page of an import's report in file order (outcome: CREATED, MATCHED, REJECTED or None = all)."""
    where = "import_id = :i" + (" AND outcome = :o" if outcome else "")
    binds: dict = {"i": import_id, **({"o": outcome} if outcome else {})}
    rows = s.rows(f"""SELECT record_no, outcome, material_id, patron_id, label, matched_by, error_name, detail
                        FROM catalog_import_records WHERE {where}
                       ORDER BY record_no OFFSET :off ROWS FETCH NEXT :n ROWS ONLY""", {**binds, "off": offset, "n": limit})
    return rows, int(s.scalar(f"SELECT COUNT(*) FROM catalog_import_records WHERE {where}", binds) or 0)


def branch_ids(s: Session) -> dict[str, int]:
    """Active branches by upper-case code."""
    return {r["code"].upper(): int(r["branch_id"])
            for r in s.rows("SELECT branch_id, code FROM branches WHERE is_active = 'Y'")}


def patron_by_card(s: Session, card_number: str) -> dict | None:
    return s.one("SELECT patron_id, home_branch_id FROM patrons WHERE card_number = :c", {"c": card_number})


# ---- the export ------------------------------------------------------------------------------------

def title_ids(s: Session, after: int, limit: int) -> list[int]:
    return [int(r["material_id"]) for r in s.rows(
        "SELECT material_id FROM materials WHERE material_id > :a ORDER BY material_id FETCH FIRST :n ROWS ONLY",
        {"a": after, "n": limit})]


def titles_full(s: Session, ids: list[int]) -> list[dict]:
    """The titles with everything the export writes: rows with lists identifiers, subjects, authors, copies."""
    if not ids:
        return []
    marks, binds = in_list("m", ids)
    titles = {int(r["material_id"]): {**r, "identifiers": [], "subjects": [], "authors": [], "copies": []}
              for r in s.rows(f"""SELECT m.material_id, m.title, m.subtitle, m.isbn, m.material_type, m.publisher,
                                         m.publication_year, m.language_code, m.description, m.edition, m.extent,
                                         g.name AS genre_name
                                    FROM materials m LEFT JOIN genres g ON g.genre_id = m.genre_id
                                   WHERE m.material_id IN {marks}""", binds)}
    for r in s.rows(f"""SELECT material_id, id_type, id_value, id_source, qualifier FROM material_identifiers
                         WHERE material_id IN {marks} ORDER BY material_id, identifier_id""", binds):
        titles[int(r["material_id"])]["identifiers"].append(r)
    for r in s.rows(f"""SELECT material_id, heading, thesaurus FROM material_subjects
                         WHERE material_id IN {marks} ORDER BY material_id, heading_order""", binds):
        titles[int(r["material_id"])]["subjects"].append(r)
    for r in s.rows(f"""SELECT ma.material_id, a.full_name FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id
                         WHERE ma.material_id IN {marks} ORDER BY ma.material_id, ma.author_order""", binds):
        titles[int(r["material_id"])]["authors"].append(r["full_name"])
    for r in s.rows(f"""SELECT c.material_id, c.barcode, b.code AS branch_code, c.shelf_location, c.price, c.status
                          FROM copies c JOIN branches b ON b.branch_id = c.branch_id
                         WHERE c.material_id IN {marks} AND c.status <> 'WITHDRAWN' ORDER BY c.material_id, c.copy_id""", binds):
        titles[int(r["material_id"])]["copies"].append(r)
    return [titles[i] for i in ids if i in titles]


def patrons_page(s: Session, after: int, limit: int) -> list[dict]:
    return s.rows("""SELECT p.patron_id, p.card_number, p.first_name, p.last_name, p.email, p.phone, p.address,
                            p.category, b.code AS home_branch, p.status, p.expires_on
                       FROM patrons p JOIN branches b ON b.branch_id = p.home_branch_id
                      WHERE p.patron_id > :a ORDER BY p.patron_id FETCH FIRST :n ROWS ONLY""", {"a": after, "n": limit})


def iter_blocks(fetch, block: int = 500) -> Iterator[list[int]]:
    """Keys from fetch(after, limit) a block at a time until none are left."""
    after = 0
    while True:
        ids = fetch(after, block)
        if not ids:
            return
        yield ids
        after = ids[-1]
