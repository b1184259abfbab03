"""Cover decoding within bounds: 12 Mpx by default, at most two decodes at once, one full-size copy per
decode (a large JPEG decoded at a reduced scale), and the result unchanged: upright, metadata gone, 1200 px."""
from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image

from admin_ui import covers
from admin_ui.config import UiSettings

MB = 1024 * 1024


def _png(width: int, height: int, mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (180, 40, 40, 255)[: len(mode)]).save(out, "PNG")
    return out.getvalue()


def test_the_default_pixel_limit_is_12_megapixels():
    limit = UiSettings.from_env("x" * 32, {}).cover_max_pixels
    assert limit == 12_000_000
    with pytest.raises(covers.CoverRejected):
        covers.process(_png(4000, 3001), max_bytes=5 * MB, max_pixels=limit)  # 12.004 Mpx, refused from the header
    cover, thumb, size = covers.process(_png(4000, 2999), max_bytes=5 * MB, max_pixels=limit)
    assert size == (1200, 900)


def test_at_most_two_covers_decode_at_once(monkeypatch):
    running, peak, lock = 0, 0, threading.Lock()
    real = covers._process

    def counted(data: bytes, max_pixels: int):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.2)
            return real(data, max_pixels)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(covers, "_process", counted)
    data = _png(600, 400)
    threads = [threading.Thread(target=covers.process, args=(data,), kwargs={"max_bytes": MB, "max_pixels": 10**6})
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == covers.MAX_PARALLEL_DECODES == 2


def test_an_upload_that_finds_no_free_decoding_slot_is_told_to_come_back(monkeypatch):
    monkeypatch.setattr(covers, "DECODE_WAIT_S", 0.05)
    taken = [covers._DECODES.acquire(timeout=1) for _ in range(covers.MAX_PARALLEL_DECODES)]
    try:
        with pytest.raises(covers.CoversBusy):
            covers.process(_png(600, 400), max_bytes=MB, max_pixels=10**6)
    finally:
        for _ in taken:
            covers._DECODES.release()
    assert covers.process(_png(600, 400), max_bytes=MB, max_pixels=10**6)[2] == (600, 400)


def test_a_large_jpeg_decodes_at_a_reduced_scale_and_comes_out_upright_at_1200_px(monkeypatch):
    img = Image.new("RGB", (4000, 3000), (20, 90, 160))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "Secret Camera Maker"
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=80)
    decoded: list[tuple[int, int]] = []
    real_load = Image.Image.load

    def load(self):
        decoded.append(self.size)
        return real_load(self)

    monkeypatch.setattr(Image.Image, "load", load)
    cover, thumb, size = covers.process(out.getvalue(), max_bytes=5 * MB, max_pixels=12_000_000)
    monkeypatch.undo()
    assert size == (900, 1200)  # upright: the orientation applied
    assert decoded[0] == (2000, 1500) and (4000, 3000) not in decoded  # decoded at half scale, never full size
    with Image.open(io.BytesIO(cover)) as stored:
        assert stored.size == (900, 1200) and not stored.getexif()
    with Image.open(io.BytesIO(thumb)) as small:
        assert max(small.size) == 240


@pytest.mark.parametrize("mode", ["RGBA", "P", "LA", "L", "1"])
def test_every_image_mode_comes_out_as_an_rgb_jpeg(mode):
    img = Image.new("RGB", (1600, 1000), (200, 30, 30)).convert(mode)
    out = io.BytesIO()
    img.save(out, "PNG")
    cover, _, size = covers.process(out.getvalue(), max_bytes=5 * MB, max_pixels=12_000_000)
    assert size == (1200, 750)
    with Image.open(io.BytesIO(cover)) as stored:
        assert stored.mode == "RGB" and stored.format == "JPEG"
