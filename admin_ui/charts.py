"""Small server-side charts as inline SVG: no JavaScript, work offline, readable by tests.

Each chart is an <svg role="img"> with a <title> and <desc> for screen readers, plus the numbers
as <title> tooltips on every bar or point. Colours come from CSS classes (series-0, series-1 ...),
so the page's stylesheet decides them and no inline styles are needed.
"""
from __future__ import annotations

import math
from typing import Sequence

from markupsafe import Markup, escape


def _scale(peak: float, steps: int = 4) -> tuple[float, list[float]]:
    """A rounded top and evenly spaced ticks (1, 2, 2.5 or 5 times a power of ten) covering `peak`."""
    if peak <= 0:
        return 1.0, [0.0, 1.0]
    raw = peak / steps
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if raw <= m * exp)
    if peak >= 1 and step < 1:
        step = 1.0
    top = step * math.ceil(peak / step - 1e-9)
    n = int(round(top / step))
    return top, [step * i for i in range(n + 1)]


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:,.1f}"


def bar_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str,
              width: int = 520, height: int = 240, unit: str = "") -> Markup:
    """Grouped bars: one group per label, one bar per series."""
    left, right, top, bottom = 44, 12, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for _, values in series for v in values] + [0])
    ymax, ticks = _scale(peak)
    n = max(len(labels), 1)
    group_w = plot_w / n
    bar_w = max(min(group_w * 0.7 / max(len(series), 1), 28), 1)
    gap = min(2.0, bar_w / 4)  # between the bars of a group: never the whole bar when groups are narrow
    parts = _head(width, height, title, labels, series, unit) + _y_grid(ticks, ymax, left, width - right, top, plot_h)
    room = max(44, 7 * max((len(label) for label in labels), default=0) + 12)  # a label's width: "Dec 2025" ~ 68
    shown = _shown_labels(len(labels), max(int(plot_w // room), 1))
    for i, label in enumerate(labels):
        gx = left + group_w * i + (group_w - bar_w * len(series)) / 2
        for k, (name, values) in enumerate(series):
            v = float(values[i]) if i < len(values) else 0.0
            h = plot_h * v / ymax
            x = gx + k * bar_w
            y = top + plot_h - h
            parts.append(f'<rect class="bar series-{k}" x="{x:.1f}" y="{y:.1f}" width="{bar_w - gap:.1f}" '
                         f'height="{max(h, 0):.1f}" rx="2"><title>{escape(name)} {escape(label)}: '
                         f'{_fmt(v)}{escape(unit)}</title></rect>')
        if i in shown:  # the first and last labels kept inside the drawing
            x = min(max(left + group_w * i + group_w / 2, left + 18), width - right - 18)
            anchor = "start" if x <= left + 18 and n > 1 else ("end" if x >= width - right - 18 and n > 1 else "middle")
            x = left if anchor == "start" else (width - right if anchor == "end" else x)
            parts.append(f'<text class="axis" x="{x:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="{anchor}">{escape(label)}</text>')
    parts.append(_legend(series, left, height - 10))
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str,
               width: int = 460, height: int = 220, unit: str = "") -> Markup:
    """Lines over evenly spaced labels; None leaves a gap."""
    left, right, top, bottom = 48, 14, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for _, values in series for v in values if v is not None] + [0])
    ymax, ticks = _scale(peak)
    n = len(labels)
    step = plot_w / max(n - 1, 1)
    parts = _head(width, height, title, labels, series, unit) + _y_grid(ticks, ymax, left, width - right, top, plot_h)
    shown = _shown_labels(n, 5)
    for i, label in enumerate(labels):
        if i in shown:
            anchor = "start" if i == 0 and n > 1 else ("end" if i == n - 1 and n > 1 else "middle")
            parts.append(f'<text class="axis" x="{left + step * i:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="{anchor}">{escape(label)}</text>')
    for k, (name, values) in enumerate(series):
        segments: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                segments.append([])
                continue
            segments[-1].append((left + step * i, top + plot_h - plot_h * float(v) / ymax))
        for seg in segments:
            if len(seg) > 1:
                d = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
                parts.append(f'<polyline class="line series-{k}" points="{d}"/>')
        for i, v in enumerate(values):
            if v is not None:
                x, y = left + step * i, top + plot_h - plot_h * float(v) / ymax
                parts.append(f'<circle class="dot series-{k}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                             f'<title>{escape(name)} {escape(labels[i])}: {_fmt(float(v))}{escape(unit)}</title></circle>')
    parts.append(_legend(series, left, height - 10))
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str,
               width: int = 720, unit: str = "", label_width: int = 250) -> Markup:
    """Horizontal grouped bars, one row per label (long labels such as endpoint paths stay readable)."""
    k = max(len(series), 1)
    bar_h, gap, top, bottom, right = 9, 10, 8, 46, 30
    row_h = bar_h * k + gap
    height = top + row_h * max(len(labels), 1) + bottom
    plot_w = width - label_width - right
    peak = max([v for _, values in series for v in values] + [0])
    xmax, ticks = _scale(peak)
    parts = _head(width, height, title, labels, series, unit)
    plot_bottom = top + row_h * max(len(labels), 1)
    for t in ticks:
        x = label_width + plot_w * t / xmax
        parts.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{plot_bottom}"/>')
        parts.append(f'<text class="axis" x="{x:.1f}" y="{plot_bottom + 14}" text-anchor="middle">{_fmt(t)}</text>')
    for i, label in enumerate(labels):
        y0 = top + row_h * i + gap / 2
        parts.append(f'<text class="axis" x="{label_width - 8}" y="{y0 + bar_h * k / 2 + 4:.1f}" '
                     f'text-anchor="end">{escape(label)}</text>')
        for j, (name, values) in enumerate(series):
            v = float(values[i]) if i < len(values) else 0.0
            w = plot_w * v / xmax
            parts.append(f'<rect class="bar series-{j}" x="{label_width}" y="{y0 + j * bar_h:.1f}" '
                         f'width="{max(w, 0.5):.1f}" height="{bar_h - 1}" rx="1"><title>{escape(label)} {escape(name)}: '
                         f'{_fmt(v)}{escape(unit)}</title></rect>')
    parts.append(_legend(series, label_width, height - 10))
    parts.append("</svg>")
    return Markup("".join(parts))


def _head(width: int, height: int, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence]],
          unit: str) -> list[str]:
    """The <svg> opening with its accessible title and description."""
    tid = _id(title)
    return [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{tid}-t {tid}-d" '
            f'xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{tid}-t">{escape(title)}</title>',
            f'<desc id="{tid}-d">{escape(_describe(labels, series, unit))}</desc>']


def _y_grid(ticks: Sequence[float], ymax: float, x0: float, x1: float, top: float, plot_h: float) -> list[str]:
    """Horizontal grid lines with their values on the left."""
    parts = []
    for t in ticks:
        y = top + plot_h - plot_h * t / ymax
        parts.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(t)}</text>')
    return parts


def _shown_labels(n: int, most: int) -> set[int]:
    """Which of n axis labels to print so that about `most` fit: every k-th one and the last (every bar
    and point keeps its full label in its tooltip)."""
    every = max(1, math.ceil(n / most))
    shown = set(range(0, n, every)) | ({n - 1} if n else set())
    if n > 1 and (n - 1) % every and (n - 1) % every < every * 0.6:
        shown.discard((n - 1) - (n - 1) % every)  # too close to the last label
    return shown


def _legend(series: Sequence[tuple[str, Sequence]], x: float, y: float) -> str:
    out = []
    for k, (name, _) in enumerate(series):
        out.append(f'<rect class="swatch series-{k}" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="2"/>'
                   f'<text class="legend" x="{x + 14:.1f}" y="{y:.1f}">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return "".join(out)


def _describe(labels: Sequence[str], series: Sequence[tuple[str, Sequence]], unit: str) -> str:
    chunks = []
    for name, values in series:
        pairs = ", ".join(f"{lab} {_fmt(float(v))}{unit}" for lab, v in zip(labels, values) if v is not None)
        chunks.append(f"{name}: {pairs or 'no data'}.")
    return " ".join(chunks)


def _id(title: str) -> str:
    return "c" + "".join(ch for ch in title.lower() if ch.isalnum())[:24]
