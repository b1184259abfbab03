"""The imports page: a cataloger uploads a MARC file, reads the dry run's report, confirms it, and finds the
title in the catalog and the import in the history."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect
from pymarc import Field, Indicators, Record, Subfield

from tests.ui.helpers import ARTIFACTS, login


def _marc(title: str) -> bytes:
    good = Record(force_utf8=True)
    good.add_field(Field(tag="001", data=uuid.uuid4().hex[:12]), Field(tag="003", data="UITEST"),
                   Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)]),
                   Field(tag="650", indicators=Indicators(" ", "0"), subfields=[Subfield("a", "Lighthouses")]))
    untitled = Record(force_utf8=True)
    untitled.add_field(Field(tag="001", data=uuid.uuid4().hex[:12]))
    return good.as_marc() + untitled.as_marc()


def test_cataloger_uploads_a_marc_file_reads_the_dry_run_and_confirms(page, committed):
    title = f"The Lamp Keeper {uuid.uuid4().hex[:6]}"
    path = ARTIFACTS / f"import-{uuid.uuid4().hex[:6]}.mrc"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_marc(title))
    login(page, "cataloger")
    page.goto("/staff/imports")
    page.set_input_files("#file", str(path))
    page.get_by_test_id("import-upload").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("DONE", timeout=20000)
    expect(page.get_by_test_id("import-counts")).to_contain_text("1 would be created")
    expect(page.get_by_test_id("import-report")).to_contain_text("INVALID_MATERIAL_DATA")
    assert committed.scalar("SELECT COUNT(*) FROM materials WHERE title = :t", {"t": title}) == 0

    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("DONE", timeout=20000)
    expect(page.get_by_test_id("import-counts")).to_contain_text("1 created")
    committed.rollback()
    assert committed.scalar("SELECT COUNT(*) FROM materials WHERE title = :t", {"t": title}) == 1
    page.goto("/staff/imports")
    expect(page.get_by_test_id("import-history")).to_contain_text(path.name)
    path.unlink()
