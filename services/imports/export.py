"""The catalog (all of it, or the titles a search finds) or the patrons written to a file a block of rows at
a time: MARC21 (UTF-8), MARCXML, CSV, XLSX (openpyxl write-only). The file is a temporary one the caller
streams to the client and removes; nothing holds the whole catalog in memory."""
from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pymarc

from datalayer.gateway import Gateway
from datalayer.reads import catalog as catalog_reads
from datalayer.reads import imports as reads
from services.imports import marc, tabular

FORMATS = {"marc": ("application/marc", "mrc"), "marcxml": ("application/marcxml+xml", "xml"),
           "csv": ("text/csv; charset=utf-8", "csv"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}
SEARCH_MAX = 10000  # a search exports at most this many titles (all: no limit)
BLOCK = 500


def _title_blocks(gw: Gateway, q: str | None) -> Iterator[list[dict]]:
    if q and q.strip():
        with gw.read() as s:
            ids: list[int] = []
            page = 1
            while len(ids) < SEARCH_MAX:
                r = catalog_reads.search_page(s, q, None, None, None, page, 200)
                ids.extend(int(i["material_id"]) for i in r.items)
                if not r.items or len(r.items) < 200:
                    break
                page += 1
        for i in range(0, len(ids), BLOCK):
            with gw.read() as s:
                yield reads.titles_full(s, ids[i:i + BLOCK])
        return
    after = 0
    while True:
        with gw.read() as s:
            ids = reads.title_ids(s, after, BLOCK)
            if not ids:
                return
            yield reads.titles_full(s, ids)
        after = ids[-1]


def _patron_blocks(gw: Gateway) -> Iterator[list[dict]]:
    after = 0
    while True:
        with gw.read() as s:
            rows = reads.patrons_page(s, after, BLOCK)
        if not rows:
            return
        yield rows
        after = int(rows[-1]["patron_id"])


def _records(blocks: Iterator[list[dict]]) -> Iterator[pymarc.Record]:
    for block in blocks:
        for t in block:
            yield marc.from_title(t, t["identifiers"], t["subjects"], t["authors"], t["copies"])


def write(gw: Gateway, fmt: str, what: str = "titles", q: str | None = None) -> Path:
    """Write the export to a temporary file and return its path (the caller removes it)."""
    suffix = FORMATS[fmt][1]
    fd, name = tempfile.mkstemp(prefix="ils-export-", suffix="." + suffix)
    path = Path(name)
    with open(fd, "wb") as out:
        if fmt == "marc":
            for r in _records(_title_blocks(gw, q)):
                out.write(r.as_marc())
        elif fmt == "marcxml":
            out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
            for r in _records(_title_blocks(gw, q)):
                out.write(pymarc.record_to_xml(r, namespace=False) + b"\n")
            out.write(b"</collection>\n")
        else:
            header, rows = _table(gw, what, q)
            if fmt == "csv":
                import io
                text = io.TextIOWrapper(out, encoding="utf-8", newline="")
                w = csv.writer(text)
                w.writerow(header)
                for row in rows:
                    w.writerow([tabular.safe_cell(v) for v in row])
                text.flush()
                text.detach()
            else:
                from openpyxl import Workbook
                wb = Workbook(write_only=True)
                ws = wb.create_sheet(what)
                ws.append(header)
                for row in rows:
                    ws.append([tabular.safe_cell(v) for v in row])
                wb.save(out)
    return path


def _table(gw: Gateway, what: str, q: str | None) -> tuple[list[str], Iterator[list]]:
    if what == "patrons":
        return tabular.PATRON_COLUMNS, (tabular.patron_row(p) for block in _patron_blocks(gw) for p in block)
    return tabular.TITLE_COLUMNS, (row for block in _title_blocks(gw, q) for t in block for row in tabular.title_rows(t))
