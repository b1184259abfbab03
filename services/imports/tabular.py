"""CSV in and out for the catalog (titles with copies) and patrons; XLSX out (openpyxl, write-only).

Titles CSV: one row per title or copy, the columns (header row, names in any order, case ignored):
title, subtitle, isbn (several separated by ';'), issn, lccn, control_number, authors (';'), material_type,
genre, publisher, year, language, description, edition, extent, subjects (';'), barcode, branch, shelf_location,
price, call_number. Rows of one title (same ISBN or control number) add its copies: the first creates it,
the next match it. Patrons CSV: card_number, first_name, last_name, email, phone, address, category,
home_branch (a branch code).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO

from services.imports.marc import Holding, TitleRecord

TITLE_COLUMNS = ["title", "subtitle", "isbn", "issn", "lccn", "control_number", "authors", "material_type", "genre",
                 "publisher", "year", "language", "description", "edition", "extent", "subjects", "barcode",
                 "branch", "shelf_location", "price", "call_number"]
PATRON_COLUMNS = ["card_number", "first_name", "last_name", "email", "phone", "address", "category", "home_branch"]


class BadRow(Exception):
    """A CSV row that cannot be a record (the reason is the message)."""


def rows(stream: IO[bytes]) -> Iterator[dict | BadRow]:
    """The data rows of a CSV file as dicts keyed by lower-case column names, streamed; a row with more
    fields than the header, or one the csv module cannot split, is a BadRow."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.DictReader(text, restkey="__extra__")
    if reader.fieldnames is None:
        return
    reader.fieldnames = [(f or "").strip().lower() for f in reader.fieldnames]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadRow(f"CSV: {exc}")
            continue
        if row.get("__extra__"):
            yield BadRow(f"{len(reader.fieldnames) + len(row['__extra__'])} fields, the header has {len(reader.fieldnames)}")
            continue
        yield {k: (v or "").strip() for k, v in row.items() if k}


def _split(v: str | None) -> list[str]:
    return [p.strip() for p in (v or "").replace("|", ";").split(";") if p.strip()]


def to_title(row: dict) -> TitleRecord:
    year = row.get("year") or None
    if year is not None:
        if not year.isdigit():
            raise BadRow(f"year {year[:20]!r} is not a whole number")
        year = int(year)
    t = TitleRecord(title=row.get("title") or None, subtitle=row.get("subtitle") or None,
                    material_type=row.get("material_type") or None, genre_name=row.get("genre") or None,
                    publisher=row.get("publisher") or None, publication_year=year,
                    language=row.get("language") or None, description=row.get("description") or None,
                    edition=row.get("edition") or None, extent=row.get("extent") or None,
                    authors=_split(row.get("authors")), subjects=_split(row.get("subjects")))
    t.identifiers = [f"ISBN:{i}" for i in _split(row.get("isbn"))] + [f"ISSN:{i}" for i in _split(row.get("issn"))] + \
        [f"LCCN:{i}" for i in _split(row.get("lccn"))] + [f"CONTROL:{i}" for i in _split(row.get("control_number"))]
    if row.get("barcode") or row.get("branch"):
        t.holdings.append(Holding(row.get("barcode") or None, row.get("branch") or None,
                                  row.get("shelf_location") or None, row.get("price") or None,
                                  row.get("call_number") or None))
    return t


def title_rows(title: dict) -> Iterator[list]:
    """The CSV rows of an exported title: one per copy (one without copy columns when it has none)."""
    ids = title["identifiers"]

    def of(kind: str) -> str:
        return "; ".join(((f"({i['id_source']})" if kind == "CONTROL" and i.get("id_source") else "") + i["id_value"])
                         for i in ids if i["id_type"] == kind)
    isbns = of("ISBN") or (title.get("isbn") or "")
    base = [title["title"], title.get("subtitle") or "", isbns, of("ISSN"), of("LCCN"), of("CONTROL"),
            "; ".join(title["authors"]), title.get("material_type") or "", title.get("genre_name") or "",
            title.get("publisher") or "", title.get("publication_year") or "", title.get("language_code") or "",
            title.get("description") or "", title.get("edition") or "", title.get("extent") or "",
            "; ".join(s["heading"] for s in title["subjects"])]
    if not title["copies"]:
        yield base + ["", "", "", "", ""]
    for c in title["copies"]:
        yield base + [c["barcode"], c["branch_code"], c.get("shelf_location") or "",
                      "" if c.get("price") is None else f"{c['price']:.2f}", ""]


def patron_row(p: dict) -> list:
    return [p["card_number"], p["first_name"], p["last_name"], p.get("email") or "", p.get("phone") or "",
            p.get("address") or "", p["category"], p["home_branch"]]


def safe_cell(v):
    """A CSV or spreadsheet cell that a spreadsheet will not run as a formula (=, +, -, @ lead)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and not _number_like(v):
        return "'" + v
    return v


def _number_like(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False
