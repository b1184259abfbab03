"""Catalog screens: titles go through lib_catalog, covers are checked and cleaned by Pillow."""
from __future__ import annotations

import io
import uuid

from PIL import Image
from playwright.sync_api import expect

from tests.ui.helpers import ARTIFACTS, login


def test_cataloger_adds_a_title_through_the_package_and_sees_its_isbn_refused_when_wrong(page, committed):
    title = f"The Glasshouse Ledger {uuid.uuid4().hex[:6]}"
    login(page, "cataloger")
    page.goto("/staff/admin/material/create")
    page.fill("#title", title)
    page.fill("#author_names", "Astrid Wolcott | Felix Underhill")
    page.fill("#isbn", "978-0-306-40615-8")  # wrong check digit
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".invalid-feedback, .is-invalid ~ div").first).to_contain_text("INVALID_ISBN")
    assert committed.scalar("SELECT COUNT(*) FROM materials WHERE title = :t", {"t": title}) == 0

    page.fill("#isbn", "978-0-306-40615-7")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url("/staff/admin/material/list")
    row = committed.one("SELECT material_id, isbn FROM materials WHERE title = :t", {"t": title})
    assert row["isbn"] == "9780306406157"  # normalised by lib_catalog
    authors = [r["full_name"] for r in committed.rows(
        """SELECT a.full_name FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id
            WHERE ma.material_id = :m ORDER BY ma.author_order""", {"m": row["material_id"]})]
    assert authors == ["Astrid Wolcott", "Felix Underhill"]


def _png_with_metadata() -> bytes:
    img = Image.new("RGB", (400, 600), (30, 78, 137))
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Maker"  # Make
    exif[0x8298] = "Copyright someone"     # Copyright
    out = io.BytesIO()
    img.save(out, "PNG", exif=exif.tobytes())
    return out.getvalue()


def test_cover_upload_strips_metadata_makes_a_thumbnail_and_refuses_non_images(page, committed, tmp_path):
    material_id = committed.scalar("SELECT MIN(material_id) FROM materials")
    good = tmp_path / "cover.png"
    good.write_bytes(_png_with_metadata())
    fake = tmp_path / "cover.jpg"
    fake.write_bytes(b"%PDF-1.4 this is not an image at all" * 10)

    login(page, "cataloger")
    page.goto(f"/staff/covers/{material_id}")
    page.set_input_files("#cover", str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("cover-error")).to_contain_text("not a readable image")

    page.set_input_files("#cover", str(good))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("cover-done")).to_contain_text("400 × 600")
    stored = ARTIFACTS / "media-main" / "covers" / f"{material_id}.jpg"
    thumb = ARTIFACTS / "media-main" / "covers" / f"{material_id}-thumb.jpg"
    with Image.open(stored) as img:
        assert img.format == "JPEG" and img.size == (400, 600)
        assert not img.getexif() and "icc_profile" not in img.info
        assert b"Secret Camera Maker" not in stored.read_bytes()
    with Image.open(thumb) as img:
        assert max(img.size) == 240
    response = page.request.get(f"/staff/covers/{material_id}/image?size=thumb")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"


def test_oversized_cover_is_refused(page, committed, tmp_path):
    material_id = committed.scalar("SELECT MIN(material_id) FROM materials")
    big = tmp_path / "huge.bmp"
    Image.new("RGB", (1800, 1200), (200, 10, 10)).save(big, "BMP")  # about 6.5 MB, over the 5 MB limit
    login(page, "cataloger")
    page.goto(f"/staff/covers/{material_id}")
    page.set_input_files("#cover", str(big))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("cover-error")).to_contain_text("too large")
