"""Cover images: Pillow checks that an upload is a real image of a sane size, drops its metadata
(EXIF, GPS, ICC, comments) by re-encoding only the pixels, and makes a thumbnail.

Files: <media>/covers/<material_id>.jpg (at most 1200 px high) and <material_id>-thumb.jpg (240 px).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SIDE = 1200
THUMB_SIDE = 240
MIN_SIDE = 32


class CoverRejected(Exception):
    """The upload is not an acceptable image; the message says why in plain words."""


@dataclass(frozen=True)
class Cover:
    path: Path
    thumb: Path
    width: int
    height: int


def process(data: bytes, *, max_bytes: int, max_pixels: int) -> tuple[bytes, bytes, tuple[int, int]]:
    """(cover JPEG, thumbnail JPEG, (width, height)) for an uploaded file, or CoverRejected."""
    if not data:
        raise CoverRejected("The file is empty.")
    if len(data) > max_bytes:
        raise CoverRejected(f"The file is too large ({len(data) // 1024} KB; at most {max_bytes // 1024} KB).")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ACCEPTED_FORMATS:
                raise CoverRejected(f"Not an accepted image type ({fmt}): use JPEG, PNG, WebP or GIF.")
            if width * height > max_pixels:
                raise CoverRejected(f"The image is too large ({width} × {height} pixels).")
            if min(width, height) < MIN_SIDE:
                raise CoverRejected(f"The image is too small ({width} × {height} pixels).")
            probe.verify()  # structural check of the whole file
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            rgb = img.convert("RGB")
    except CoverRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise CoverRejected("The file is not a readable image.") from exc
    clean = Image.new("RGB", rgb.size)  # pixels only: no EXIF, GPS, ICC profile or comments survive
    clean.paste(rgb)
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return _jpeg(clean), _jpeg(thumb), clean.size


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def paths(media_dir: Path, material_id: int) -> tuple[Path, Path]:
    base = media_dir / "covers"
    return base / f"{int(material_id)}.jpg", base / f"{int(material_id)}-thumb.jpg"


def store(media_dir: Path, material_id: int, cover: bytes, thumb: bytes) -> tuple[Path, Path]:
    """Write both files atomically (temp file + rename)."""
    full, small = paths(media_dir, material_id)
    full.parent.mkdir(parents=True, exist_ok=True)
    for target, data in ((full, cover), (small, thumb)):
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return full, small
