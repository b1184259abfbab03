"""The importer's batches run two at a time (services/imports/runner.py): the outcome of every record and
the rows written are those of one batch at a time, when records of a file match each other across
batches, credit the same new author from two batches, or are refused; and when a batch has to run again
by itself (the batch before it did not commit in time)."""
from __future__ import annotations

import io

import pytest

from datalayer.gateway import Gateway
from services.imports import runner
from services.imports.marc import Holding, TitleRecord, Unreadable
from services.imports.runner import Importer, conflict_keys, title_record
from tests.factories import unique
from tests.marc_records import isbn13, record
from tests.sessions import app_schema


@pytest.fixture
def gw(app_database_url, installed_db):
    g = Gateway(app_database_url, min_size=1, max_size=3, timeout=10,
                schema=app_schema(installed_db)).open(wait=True)
    try:
        yield g
    finally:
        g.close()


def marc(title: str | None, isbn: str, author: str, barcode: str, control: str | None = None) -> bytes:
    """One record of an ISBN, an author (surname first), a copy at MAIN and optionally a control number."""
    return record(title, isbns=[isbn], control=control, author=author, holdings=[(barcode, "MAIN", "9.99")]).as_marc()


def a_file(tag: str) -> tuple[bytes, dict]:
    """18 records, batches of 3: record 11 repeats record 2 (another batch, the same ISBN), records 1, 5
    and 13 credit one new author from three batches, record 7 has no title."""
    isbns = [isbn13() for _ in range(18)]
    shared = f"Shared{tag}, Ann"
    data = b""
    for i in range(18):
        no = i + 1
        isbn = isbns[1] if no == 11 else isbns[i]
        author = shared if no in (1, 5, 13) else f"Own{tag}{no}, Bo"
        title = None if no == 7 else f"Parallel {tag} {no}"
        data += marc(title, isbn, author, f"PB{tag}{no:03d}")
    return data, {"isbns": isbns, "shared": shared}


def run(gw, actor, data: bytes, parallel: int, dry_run: bool = False) -> dict:
    return Importer(gw, actor, batch=3, parallel=parallel).run(None, "MARC", io.BytesIO(data), dry_run)


def rows(committed, tag: str) -> dict:
    titles = committed.rows("SELECT m.material_id, m.title, (SELECT COUNT(*) FROM copies c "
                            "WHERE c.material_id = m.material_id) AS copies FROM materials m "
                            "WHERE m.title LIKE :t ORDER BY m.title", {"t": f"Parallel {tag} %"})
    authors = committed.rows("SELECT a.full_name, COUNT(ma.material_id) AS credits FROM authors a "
                             "LEFT JOIN material_authors ma ON ma.author_id = a.author_id "
                             "WHERE a.full_name LIKE :a OR a.full_name LIKE :b GROUP BY a.full_name",
                             {"a": f"% Shared{tag}", "b": f"% Own{tag}%"})
    return {"titles": [(t["title"], t["copies"]) for t in titles],
            "authors": sorted((a["full_name"], a["credits"]) for a in authors)}


@pytest.mark.parametrize("parallel", [1, 2])
def test_matches_across_batches_and_a_shared_new_author_as_one_batch_at_a_time(gw, people, committed, parallel):
    actor = people.make("CATALOGER").actor
    tag = unique("R")
    data, _ = a_file(tag)
    counts = run(gw, actor, data, parallel)
    assert counts == {"CREATED": 16, "MATCHED": 1, "REJECTED": 1, "copies": 17, "read": 18}
    got = rows(committed, tag)
    # record 11 matched record 2's title (its title replaced record 2's, its copy added)
    assert (f"Parallel {tag} 11", 2) in got["titles"] and (f"Parallel {tag} 2", 0) not in got["titles"]
    assert len(got["titles"]) == 16
    # one author for the three records that credit it, created once
    assert (f"Ann Shared{tag}", 3) in got["authors"]
    assert len([a for a in got["authors"] if "Shared" in a[0]]) == 1
    assert len(got["authors"]) == 1 + 14  # and the own author of every record kept but the refused one
    # every search document written, authors included
    docs = committed.scalar("SELECT COUNT(*) FROM search_documents d JOIN materials m ON m.material_id = d.material_id "
                            "WHERE m.title LIKE :t AND d.authors IS NOT NULL AND d.authors_stale IS NULL",
                            {"t": f"Parallel {tag} %"})
    assert docs == 16


def test_a_batch_that_waits_too_long_runs_again_by_itself(gw, people, committed, monkeypatch, caplog):
    actor = people.make("CATALOGER").actor
    tag = unique("W")
    data, _ = a_file(tag)
    monkeypatch.setattr(runner, "PATIENCE", 0.0)  # no wait: a batch whose neighbour is not done runs again alone
    monkeypatch.setattr(runner, "LATE", 0.0)
    with caplog.at_level("INFO", logger="ils.imports"):
        counts = run(gw, actor, data, 2)
    assert "run again by itself" in caplog.text
    assert counts == {"CREATED": 16, "MATCHED": 1, "REJECTED": 1, "copies": 17, "read": 18}
    got = rows(committed, tag)
    assert len(got["titles"]) == 16 and (f"Ann Shared{tag}", 3) in got["authors"]


def test_two_batches_matching_one_title_by_different_identifiers_apply_in_file_order(gw, people, committed,
                                                                                     monkeypatch):
    """Batch 1 matches a title by its ISBN, batch 2 by its control number: whichever session locks the
    title first, the other waits (in the database or, past its patience, by running again alone), and
    the title ends as the later record has it."""
    actor = people.make("CATALOGER").actor
    tag = unique("L")
    isbns = [isbn13() for _ in range(7)]
    control = f"c{tag}"
    run(gw, actor, marc(f"Locked {tag} 0", isbns[0], "Lock Author", f"LB{tag}0", control), 1)
    monkeypatch.setattr(runner, "PATIENCE", 0.5)
    monkeypatch.setattr(runner, "LATE", 0.0)
    data = (marc(f"Locked {tag} 1", isbns[0], "Lock Author", f"LB{tag}1")
            + b"".join(marc(f"Other {tag} {i}", isbns[i], "Lock Author", f"LB{tag}{i}") for i in (2, 3))
            + marc(f"Locked {tag} 4", isbns[4], "Lock Author", f"LB{tag}4", control)
            + b"".join(marc(f"Other {tag} {i}", isbns[i], "Lock Author", f"LB{tag}{i}") for i in (5, 6)))
    for _ in range(3):  # either session may lock the title first
        counts = run(gw, actor, data, 2)
        assert counts["MATCHED"] == 6 or counts == {"CREATED": 4, "MATCHED": 2, "REJECTED": 0, "copies": 6, "read": 6}
        titles = committed.rows("SELECT title FROM materials WHERE title LIKE :t", {"t": f"Locked {tag} %"})
        assert titles == [{"title": f"Locked {tag} 4"}]
        committed.rollback()


def test_a_dry_run_in_parallel_reports_and_keeps_nothing(gw, people, committed):
    actor = people.make("CATALOGER").actor
    tag = unique("D")
    data, _ = a_file(tag)
    counts = run(gw, actor, data, 2, dry_run=True)
    # a dry run rolls each batch back: record 11 cannot match record 2 of an earlier batch
    assert counts["read"] == 18 and counts["REJECTED"] == 1 and counts["CREATED"] >= 16
    assert rows(committed, tag) == {"titles": [], "authors": []}


def test_conflict_keys_meet_for_the_same_book_in_either_isbn_form_and_for_a_barcode():
    def keys(isbn, barcode, control=None):
        ids = [f"ISBN:{isbn}"] + ([f"CONTROL:{control}"] if control else [])
        return conflict_keys([(1, TitleRecord(title="t", identifiers=ids,
                                               holdings=[Holding(barcode, "MAIN", None, None, None)]))])
    ten, thirteen = "0141439513", "978-0-14-143951-8"
    assert keys(ten, "X1") & keys(thirteen, "X2")
    assert not keys(ten, "X1") & keys("0141439521", "X2")
    assert keys("0141439521", "SAME") & keys("9791234567896", "same")
    assert keys("0141439521", "A", "(OCoLC) 123") & keys("9791234567896", "B", "(ocolc)123")
    refused = title_record(1, Unreadable("bad"), "MARC")
    assert conflict_keys([(1, refused)]) == frozenset()


def test_reports_go_in_chunks_that_fit_a_call():
    long = "é" * 2000  # 4,000 bytes of detail
    outcomes = [runner.Outcome(no, "REJECTED", label=f"t\x1e{no}", error_name="X", detail=long)
                for no in range(1, 40)]
    chunks = list(runner.report_chunks(outcomes))
    assert len(chunks) > 1 and all(len(c.encode("utf-8")) <= runner.REPORT_BYTES for c in chunks)
    reports = [r.split("\x1f") for c in chunks for r in c.split("\x1e")]
    assert [int(r[0]) for r in reports] == list(range(1, 40))
    assert reports[0][4] == "t 1" and reports[0][7] == long and reports[0][8] == "0"
