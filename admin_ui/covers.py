"""Cover images: Pillow checks that an upload is a real image of a sane size, drops its metadata
(EXIF, GPS, ICC, comments) by re-encoding only the pixels, and makes a thumbnail.

Files: <media>/covers/<material_id>.jpg (at most 1200 px high) and <material_id>-thumb.jpg (240 px).

Memory: a small file can hold a large image (a 50 KB PNG of 12 Mpx decodes to 48 MB of RGBA), so the pixel
limit (ILS_COVER_MAX_PIXELS) is checked from the header before decoding, at most MAX_PARALLEL_DECODES uploads
decode at once per worker, and each decode holds one full-size copy at a time: JPEGs decode straight at a
reduced scale, the others are shrunk in place before anything else is copied (bench/bench_covers.py).
"""
from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from services import covers as cover_files

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SIDE = 1200
THUMB_SIDE = 240
MIN_SIDE = 32
MAX_PARALLEL_DECODES = 2
DECODE_WAIT_S = 30.0  # an upload waits this long for a decoding slot, then is told to try again
_DECODES = threading.BoundedSemaphore(MAX_PARALLEL_DECODES)
_RESAMPLED_AS_IS = {"RGB", "L"}  # others (alpha, palette, bilevel, 16-bit) become RGB before shrinking, as ever


class CoverRejected(Exception):
    """The upload is not an acceptable image; the message says why in plain words."""


class CoversBusy(Exception):
    """Every decoding slot stayed taken for DECODE_WAIT_S: the upload may be sent again."""


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
    if not _DECODES.acquire(timeout=DECODE_WAIT_S):
        raise CoversBusy("Other covers are being processed: send this one again in a moment.")
    try:
        return _process(data, max_pixels)
    finally:
        _DECODES.release()


def _process(data: bytes, max_pixels: int) -> tuple[bytes, bytes, tuple[int, int]]:
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
            img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decoded at 1/2, 1/4 or 1/8 scale when still large enough
            img.load()
            ImageOps.exif_transpose(img, in_place=True)
            shrunk = img if img.mode in _RESAMPLED_AS_IS else img.convert("RGB")
            shrunk.thumbnail((MAX_SIDE, MAX_SIDE))  # in place: the full-size pixels are let go here
            rgb = shrunk.convert("RGB")
    except CoverRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise CoverRejected("The file is not a readable image.") from exc
    clean = Image.new("RGB", rgb.size)  # pixels only: no EXIF, GPS, ICC profile or comments survive
    clean.paste(rgb)
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return _jpeg(clean), _jpeg(thumb), clean.size


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def paths(media_dir: Path, material_id: int) -> tuple[Path, Path]:
    return cover_files.paths(media_dir, material_id)


def store(media_dir: Path, material_id: int, cover: bytes, thumb: bytes) -> tuple[Path, Path]:
    """Write both files atomically (temp file + rename)."""
    full, small = paths(media_dir, material_id)
    full.parent.mkdir(parents=True, exist_ok=True)
    for target, data in ((full, cover), (small, thumb)):
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return full, small
