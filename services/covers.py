"""Cover images of titles: where their files live and the URLs both faces give them.

The staff UI stores a cover as <media>/covers/<material_id>.jpg with a thumbnail <material_id>-thumb.jpg
(admin_ui/covers.py checks and cleans the upload) and records the file name in materials.cover_image
through lib_catalog.set_cover; a title whose cover_image is NULL has no cover. The API serves the files
publicly at /api/catalog/book/{id}/cover (hidden titles excepted); the staff pages at /staff/covers/{id}/image.

    ILS_MEDIA_DIR   where cover images are stored, default .ils/media
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MEDIA_DIR = ROOT / ".ils" / "media"


def media_dir(env: dict | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("ILS_MEDIA_DIR") or DEFAULT_MEDIA_DIR)


def paths(media: Path, material_id: int) -> tuple[Path, Path]:
    """(cover, thumbnail) files of a title."""
    base = media / "covers"
    return base / f"{int(material_id)}.jpg", base / f"{int(material_id)}-thumb.jpg"


def file_name(material_id: int) -> str:
    """What materials.cover_image records for a stored cover."""
    return f"{int(material_id)}.jpg"


def api_urls(material_id: int, cover_image: str | None) -> tuple[str | None, str | None]:
    """(cover_url, cover_thumb_url) of the public API, None when the title has no cover."""
    if not cover_image:
        return None, None
    base = f"/api/catalog/book/{int(material_id)}/cover"
    return base, base + "?size=thumb"
