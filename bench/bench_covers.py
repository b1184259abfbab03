"""Peak memory of cover uploads: N uploads at once of a small PNG just under the pixel limit.

    .venv/bin/python bench/bench_covers.py [--uploads 6] [--max-pixels 12000000]

The PNG (RGBA, the costliest mode to decode) is a few hundred KB on disk and max-pixels - 1 pixels in memory.
Each upload is admin_ui.covers.process, the whole Pillow work of the upload page, run in its own thread as
uvicorn's thread pool runs the page; the threads start together. Every scenario runs in a fresh process,
because a process's peak resident size (VmHWM) only grows; the figure is that peak, and its growth over the
process before the uploads (interpreter, Pillow, the file read).

Scenarios: the product as configured (at most covers.MAX_PARALLEL_DECODES decodes at once), and the same
uploads with as many decodes at once as uploads (what the product did before the limit) for comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def make_png(path: Path, pixels: int) -> tuple[int, int]:
    """An RGBA PNG of at most `pixels` - 1 pixels, 4:3, that compresses well (bands and a grid)."""
    from PIL import Image, ImageDraw
    width = int((pixels * 4 / 3) ** 0.5)
    height = (pixels - 1) // width
    img = Image.new("RGBA", (width, height), (180, 40, 40, 255))
    draw = ImageDraw.Draw(img)
    for x in range(0, width, 97):
        draw.line([(x, 0), (x, height)], fill=(20, 20, 120, 200), width=3)
    for y in range(0, height, 89):
        draw.line([(0, y), (width, y)], fill=(240, 220, 30, 128), width=2)
    img.save(path, "PNG", optimize=True)
    return width, height


def run_scenario(png: Path, uploads: int, max_pixels: int, unbounded: bool) -> dict:
    """In this (fresh) process: `uploads` threads each process the PNG; the peak resident size."""
    from admin_ui import covers
    if unbounded and hasattr(covers, "_DECODES"):
        covers._DECODES = threading.BoundedSemaphore(uploads)
    data = png.read_bytes()
    before = _status_kb("VmHWM")
    start = threading.Barrier(uploads)
    failures: list[str] = []

    def upload() -> None:
        start.wait()
        try:
            covers.process(data, max_bytes=5 * 1024 * 1024, max_pixels=max_pixels)
        except Exception as exc:  # reported, not hidden: the figure would mean nothing
            failures.append(repr(exc))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=upload) for _ in range(uploads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"seconds": round(time.perf_counter() - t0, 2), "before_kb": before, "peak_kb": _status_kb("VmHWM"),
            "failures": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=6)
    parser.add_argument("--max-pixels", type=int, default=None,
                        help="the pixel limit (default: ILS_COVER_MAX_PIXELS as the staff UI reads it)")
    parser.add_argument("--scenario", choices=("bounded", "unbounded"), help=argparse.SUPPRESS)
    parser.add_argument("--png", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.max_pixels is None:
        from admin_ui.config import UiSettings
        args.max_pixels = UiSettings.from_env("x" * 32).cover_max_pixels
    if args.scenario:  # the child: one scenario, its figures as JSON
        print(json.dumps(run_scenario(args.png, args.uploads, args.max_pixels, args.scenario == "unbounded")))
        return 0

    from admin_ui import covers
    with tempfile.TemporaryDirectory(prefix="ils-bench-covers-") as tmp:
        png = Path(tmp) / "cover.png"
        width, height = make_png(png, args.max_pixels)
        print(f"bench_covers: {args.uploads} uploads at once of a {png.stat().st_size // 1024} KB RGBA PNG, "
              f"{width} x {height} = {width * height / 1e6:.1f} Mpx (limit {args.max_pixels / 1e6:.1f} Mpx), "
              f"{os.cpu_count()} CPUs")
        for scenario, label in (("bounded", f"at most {getattr(covers, 'MAX_PARALLEL_DECODES', args.uploads)} "
                                            "decodes at once (as shipped)"),
                                ("unbounded", f"{args.uploads} decodes at once (no limit, for comparison)")):
            out = subprocess.run([sys.executable, __file__, "--scenario", scenario, "--png", str(png),
                                  "--uploads", str(args.uploads), "--max-pixels", str(args.max_pixels)],
                                 capture_output=True, text=True, cwd=ROOT, check=True)
            r = json.loads(out.stdout)
            if r["failures"]:
                print(f"  {label}: {len(r['failures'])} uploads failed: {r['failures'][0]}")
                return 1
            print(f"  {label}: peak RSS {r['peak_kb'] / 1024:.0f} MB "
                  f"(+{(r['peak_kb'] - r['before_kb']) / 1024:.0f} MB over the idle process), {r['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
