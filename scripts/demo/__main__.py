"""The command line: python -m scripts.demo --url URL [--scale ...] (see scripts/demo/__init__.py)."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any, Sequence

import scripts.demo as demo
from scripts.demo import PRESETS, Scale, load, resolve_scale


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.demo", description=demo.__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="database URL (postgresql://... ; oracle+oracledb://... untested)")
    ap.add_argument("--scale", default=None, help=f"preset: {', '.join(PRESETS)} (default: small, or the counts given)")
    ap.add_argument("--materials", type=int, help="number of materials (titles)")
    ap.add_argument("--loans", type=int, help="number of loans (default: as many as materials)")
    ap.add_argument("--copies", type=int, help="number of copies (default: 1.5 x materials)")
    ap.add_argument("--patrons", type=int, help="number of patrons (default: materials / 10, at least 50)")
    ap.add_argument("--holds", type=int, help="number of holds (default: loans / 20, at least 20)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-progress", action="store_true", help="no progress bars")
    ap.add_argument("--row-triggers", action="store_true",
                    help="PostgreSQL: check foreign keys row by row (and fire row triggers) instead of set-based")
    a = ap.parse_args(argv)
    counts = {k: getattr(a, k) for k in ("loans", "copies", "patrons", "holds") if getattr(a, k) is not None}
    if a.materials is not None:        # explicit counts, the rest derived from the number of materials
        scale: Any = Scale.of(a.materials, **counts)
    elif counts:                       # a preset with some counts overridden
        scale = replace(resolve_scale(a.scale or "small"), **counts)
        scale.validate()
    else:
        scale = a.scale or "small"
    result = load(a.url, scale, seed=a.seed, progress=not a.no_progress, row_triggers=a.row_triggers)
    width = max(len(k) for k in list(result["counts"]) + list(result["timings"]))
    print(f"loaded seed {result['seed']} into {result['engine']} at {result['database_now']} UTC "
          f"(history up to {result['history_ends']}, foreign keys checked {result['fk_check']})")
    for table, n in result["counts"].items():
        print(f"  {table:<{width}}  {n:>10,}")
    for stage, sec in result["timings"].items():
        print(f"  {stage:<{width}}  {sec:>9.2f}s")
    print(f"  {'total':<{width}}  {result['total_s']:>9.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
