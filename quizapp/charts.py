"""Server-rendered SVG charts with text alternatives; pure, no JavaScript, no Flask.

Each function returns one ``<figure>`` as :class:`markupsafe.Markup`: an
inline ``<svg role="img">`` with a ``<title>`` and ``<desc>``, followed by a
data table holding the same numbers for screen readers and for anyone who
prefers numbers. Every label is escaped, and the output is well-formed XML
(so tests parse it with :mod:`xml.etree`). An empty history gives a chart
that says "No data yet", never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"
NO_DATA = "No data yet"

#: colour-blind-safe palette (Okabe–Ito), cycled for series
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56  # margins around the plot area


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a name and (time, value) points."""

    name: str
    points: Sequence[tuple[dt.datetime, float]]


def _e(value: object) -> str:
    return str(escape(str(value)))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _format_value(value: float, unit: str) -> str:
    if unit == "%":
        return f"{round(value)}%"
    return f"{_num(value)}{(' ' + unit) if unit else ''}"


def _svg_open(chart_id: str, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}" class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" focusable="false">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-desc">{_e(description)}</desc>',
    ]


def _no_data(chart_id: str, title: str, description: str, headers: Sequence[str]) -> Markup:
    parts = [f'<figure class="chart chart-empty" id="{_e(chart_id)}">']
    parts += _svg_open(chart_id, title, f"{description} {NO_DATA}.")
    parts.append(
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#f6f8fb" stroke="#c9d2e0"/>'
    )
    parts.append(
        f'<text class="no-data" x="{WIDTH / 2:g}" y="{(HEIGHT - BOTTOM + TOP) / 2:g}" '
        f'text-anchor="middle" dominant-baseline="middle" font-size="18" fill="#555">{NO_DATA}</text>'
    )
    parts.append("</svg>")
    parts.append(f"<figcaption>{_e(title)}</figcaption>")
    parts.append(_table(title, headers, []))
    parts.append("</figure>")
    return Markup("".join(parts))


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    if rows:
        body = "".join(
            "<tr>" + f'<th scope="row">{_e(row[0])}</th>' + "".join(f"<td>{_e(c)}</td>" for c in row[1:]) + "</tr>"
            for row in rows
        )
    else:
        body = f'<tr><td colspan="{len(headers)}">{NO_DATA}</td></tr>'
    return (
        '<details class="chart-data"><summary>Show the numbers</summary>'
        f'<table><caption>{_e(title)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        "</details>"
    )


def _y_axis(y_max: float, unit: str, ticks: int = 4) -> list[str]:
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for n in range(ticks + 1):
        value = y_max * n / ticks
        y = TOP + plot_h - plot_h * n / ticks
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e3e8ef"/>'
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="11" fill="#555">{_e(_format_value(value, unit))}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#555"/>'
    )
    return parts


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    *,
    y_max: float | None = None,
    unit: str = "",
    label_header: str = "Label",
    value_header: str = "Value",
) -> Markup:
    """A vertical bar chart of ``(label, value)`` pairs; an empty list says "No data yet".

    :param y_max: the top of the scale (default: the largest value, at least 1).
    :param unit: ``"%"`` for percentages (values 0..100), else appended to values.
    """
    headers = (label_header, value_header)
    if not bars:
        return _no_data(chart_id, title, description, headers)
    top = y_max if y_max is not None else max(1.0, max(v for _, v in bars))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(bars)
    bar_w = max(2.0, slot * 0.7)
    rotate = len(bars) > 8  # long series: slant the labels so they do not overlap
    parts = [f'<figure class="chart chart-bars" id="{_e(chart_id)}">']
    parts += _svg_open(chart_id, title, description)
    parts += _y_axis(top, unit)
    for n, (label, value) in enumerate(bars):
        shown = max(0.0, min(value, top))
        h = plot_h * shown / top if top else 0.0
        x = LEFT + slot * n + (slot - bar_w) / 2
        y = TOP + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}"><title>{_e(label)}: {_e(_format_value(value, unit))}</title></rect>'
        )
        cx = LEFT + slot * n + slot / 2
        if rotate:
            parts.append(
                f'<text class="label" x="{cx:.1f}" y="{TOP + plot_h + 12}" text-anchor="end" font-size="10" '
                f'fill="#333" transform="rotate(-40 {cx:.1f} {TOP + plot_h + 12})">{_e(label)}</text>'
            )
        else:
            parts.append(
                f'<text class="label" x="{cx:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                f'font-size="11" fill="#333">{_e(label)}</text>'
            )
    parts.append("</svg>")
    parts.append(f"<figcaption>{_e(title)}</figcaption>")
    parts.append(_table(title, headers, [(label, _format_value(value, unit)) for label, value in bars]))
    parts.append("</figure>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[Series],
    *,
    y_max: float = 100.0,
    unit: str = "%",
    series_header: str = "Series",
    time_header: str = "When",
    value_header: str = "Value",
) -> Markup:
    """Lines of values over time, one per series, with a legend; no points says "No data yet"."""
    headers = (series_header, time_header, value_header)
    series = [s for s in series if s.points]
    if not series:
        return _no_data(chart_id, title, description, headers)
    times = [t for s in series for t, _ in s.points]
    start, end = min(times), max(times)
    span = (end - start).total_seconds()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    legend_rows = (len(series) + 2) // 3
    plot_h -= 14 * max(0, legend_rows - 1)

    def x_of(t: dt.datetime) -> float:
        if span <= 0:
            return LEFT + plot_w / 2
        return LEFT + 8 + (plot_w - 16) * (t - start).total_seconds() / span

    def y_of(v: float) -> float:
        return TOP + plot_h - plot_h * max(0.0, min(v, y_max)) / y_max

    parts = [f'<figure class="chart chart-lines" id="{_e(chart_id)}">']
    parts += _svg_open(chart_id, title, description)
    for n in range(5):
        value = y_max * n / 4
        y = TOP + plot_h - plot_h * n / 4
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e3e8ef"/>')
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="11" fill="#555">{_e(_format_value(value, unit))}</text>'
        )
    base = TOP + plot_h
    parts.append(f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#555"/>')
    parts.append(
        f'<text class="tick" x="{LEFT}" y="{base + 16}" font-size="11" fill="#555">{_e(f"{start:%Y-%m-%d}")}</text>'
    )
    if span > 0:
        parts.append(
            f'<text class="tick" x="{WIDTH - RIGHT}" y="{base + 16}" text-anchor="end" font-size="11" '
            f'fill="#555">{_e(f"{end:%Y-%m-%d}")}</text>'
        )
    rows = []
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = sorted(s.points, key=lambda p: p[0])
        coords = " ".join(f"{x_of(t):.1f},{y_of(v):.1f}" for t, v in points)
        parts.append(f'<g class="series" data-series="{n}">')
        if len(points) > 1:
            parts.append(f'<polyline class="line" points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for t, v in points:
            parts.append(
                f'<circle class="point" cx="{x_of(t):.1f}" cy="{y_of(v):.1f}" r="4" fill="{colour}">'
                f"<title>{_e(s.name)}, {_e(f'{t:%Y-%m-%d %H:%M}')}: {_e(_format_value(v, unit))}</title></circle>"
            )
            rows.append((s.name, f"{t:%Y-%m-%d %H:%M} UTC", _format_value(v, unit)))
        parts.append("</g>")
        lx = LEFT + (n % 3) * (plot_w / 3)
        ly = base + 34 + 14 * (n // 3)
        parts.append(
            f'<g class="legend"><rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14:.1f}" y="{ly}" font-size="11" fill="#333">{_e(_clip(s.name, 34))}</text></g>'
        )
    parts.append("</svg>")
    parts.append(f"<figcaption>{_e(title)}</figcaption>")
    parts.append(_table(title, headers, rows))
    parts.append("</figure>")
    return Markup("".join(parts))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
