"""Server-rendered SVG charts with text alternatives; pure, no JavaScript, no Flask.

Each function returns one ``<figure>`` as :class:`markupsafe.Markup`: an
inline ``<svg role="img">`` with a ``<title>`` and ``<desc>``, followed by a
data table holding the same numbers for screen readers and for anyone who
prefers numbers. Every label is escaped, and the output is well-formed XML
(so tests parse it with :mod:`xml.etree`). An empty history gives a chart
that says "No data yet", never an error.

The charts fill the page's width without scaling (issue 16, point 4): the
``<svg>`` has no ``viewBox``, so its text is drawn at its own size in CSS
pixels on a phone and on a desktop alike; horizontal positions are
percentages of the width and vertical ones pixels. Bars are horizontal, each
with its label on a line of its own above it, so labels never run into each
other however narrow the screen.
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

#: text sizes in CSS pixels: labels and values, then axis ticks
FONT, SMALL = 14, 13
INSET = 2.0  # percent of the width kept clear at each side
ROW = 40  # a bar's row: its label and value, then the bar
BAR = 12
LINE_HEIGHT, LINE_TOP, LINE_BOTTOM = 220, 14, 30  # line charts: plot area within the height
GUTTER = 12.0  # percent of the width left of a line chart's plot, for its value ticks


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a name and (time, value) points."""

    name: str
    points: Sequence[tuple[dt.datetime, float]]


def _e(value: object) -> str:
    return str(escape(str(value)))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pct(value: float) -> str:
    return f"{_num(value)}%"


def _format_value(value: float, unit: str) -> str:
    if unit == "%":
        return f"{round(value)}%"
    return f"{_num(value)}{(' ' + unit) if unit else ''}"


def _svg_open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}" class="chart-svg" width="100%" height="{height}" '
        f'role="img" aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" focusable="false">',
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>',
        f'<desc id="{_e(chart_id)}-desc">{_e(description)}</desc>',
    ]


def _no_data(chart_id: str, title: str, description: str, headers: Sequence[str]) -> Markup:
    parts = [f'<figure class="chart chart-empty" id="{_e(chart_id)}">']
    parts += _svg_open(chart_id, title, f"{description} {NO_DATA}.", 120)
    parts.append(
        f'<text class="no-data" x="50%" y="60" text-anchor="middle" dominant-baseline="middle" '
        f'font-size="18" fill="#555">{NO_DATA}</text>'
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
    """Horizontal bars of ``(label, value)`` pairs, top to bottom; an empty list says "No data yet".

    Each bar has its label above it at the left and its value at the right,
    over a track that stands for the top of the scale.

    :param y_max: the top of the scale (default: the largest value, at least 1).
    :param unit: ``"%"`` for percentages (values 0..100), else appended to values.
    """
    headers = (label_header, value_header)
    if not bars:
        return _no_data(chart_id, title, description, headers)
    top = y_max if y_max is not None else max(1.0, max(v for _, v in bars))
    span = 100 - 2 * INSET
    parts = [f'<figure class="chart chart-bars" id="{_e(chart_id)}">']
    parts += _svg_open(chart_id, title, description, ROW * len(bars) + 8)
    for n, (label, value) in enumerate(bars):
        row = 8 + ROW * n
        shown = max(0.0, min(value, top))
        parts.append(
            f'<text class="bar-label" x="{_pct(INSET)}" y="{row + FONT}" font-size="{FONT}" '
            f'fill="#1d2330">{_e(_clip(label, 36))}</text>'
            f'<text class="bar-value" x="{_pct(100 - INSET)}" y="{row + FONT}" text-anchor="end" '
            f'font-size="{FONT}" font-weight="600" fill="#1d2330">{_e(_format_value(value, unit))}</text>'
            f'<rect class="track" x="{_pct(INSET)}" y="{row + 20}" width="{_pct(span)}" height="{BAR}" '
            f'rx="2" fill="#e3e8ef"/>'
            f'<rect class="bar" x="{_pct(INSET)}" y="{row + 20}" width="{_pct(span * shown / top)}" '
            f'height="{BAR}" rx="2" fill="{PALETTE[0]}"><title>{_e(label)}: {_e(_format_value(value, unit))}</title></rect>'
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
    """Lines of values over time, one per series, with a legend; no points says "No data yet".

    The legend is a list after the drawing, so long names wrap like any text.
    """
    headers = (series_header, time_header, value_header)
    series = [s for s in series if s.points]
    if not series:
        return _no_data(chart_id, title, description, headers)
    times = [t for s in series for t, _ in s.points]
    start, end = min(times), max(times)
    span = (end - start).total_seconds()
    plot_h = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    left, right = GUTTER + INSET, 100 - 2 * INSET  # where the first and the last point go

    def x_of(t: dt.datetime) -> str:
        if span <= 0:
            return _pct((left + right) / 2)
        return _pct(left + (right - left) * (t - start).total_seconds() / span)

    def y_of(v: float) -> str:
        return f"{LINE_TOP + plot_h - plot_h * max(0.0, min(v, y_max)) / y_max:.1f}"

    parts = [f'<figure class="chart chart-lines" id="{_e(chart_id)}">']
    parts += _svg_open(chart_id, title, description, LINE_HEIGHT)
    for n in range(5):
        value = y_max * n / 4
        y = LINE_TOP + plot_h - plot_h * n / 4
        parts.append(
            f'<line class="gridline" x1="{_pct(GUTTER)}" y1="{y:.1f}" x2="{_pct(100 - INSET)}" y2="{y:.1f}" '
            f'stroke="{"#555" if n == 0 else "#e3e8ef"}"/>'
            f'<text class="tick" x="{_pct(GUTTER)}" dx="-6" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="{SMALL}" fill="#555">{_e(_format_value(value, unit))}</text>'
        )
    base = LINE_TOP + plot_h
    first_at = f'x="{_pct(left)}"' if span > 0 else f'x="{x_of(start)}" text-anchor="middle"'  # under its point
    parts.append(
        f'<text class="tick" {first_at} y="{base + 20}" font-size="{SMALL}" '
        f'fill="#555">{_e(f"{start:%Y-%m-%d}")}</text>'
    )
    if span > 0:
        parts.append(
            f'<text class="tick" x="{_pct(right)}" y="{base + 20}" text-anchor="end" font-size="{SMALL}" '
            f'fill="#555">{_e(f"{end:%Y-%m-%d}")}</text>'
        )
    rows = []
    legend = []
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = sorted(s.points, key=lambda p: p[0])
        parts.append(f'<g class="series" data-series="{n}">')
        for (t0, v0), (t1, v1) in zip(points, points[1:]):  # a polyline cannot take percentages
            parts.append(
                f'<line class="line" x1="{x_of(t0)}" y1="{y_of(v0)}" x2="{x_of(t1)}" y2="{y_of(v1)}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        for t, v in points:
            parts.append(
                f'<circle class="point" cx="{x_of(t)}" cy="{y_of(v)}" r="4" fill="{colour}">'
                f"<title>{_e(s.name)}, {_e(f'{t:%Y-%m-%d %H:%M}')}: {_e(_format_value(v, unit))}</title></circle>"
            )
            rows.append((s.name, f"{t:%Y-%m-%d %H:%M} UTC", _format_value(v, unit)))
        parts.append("</g>")
        legend.append(
            f'<li><svg xmlns="{SVG_NS}" width="12" height="12" aria-hidden="true" focusable="false">'
            f'<rect width="12" height="12" fill="{colour}"/></svg> {_e(s.name)}</li>'
        )
    parts.append("</svg>")
    parts.append(f'<ul class="chart-legend">{"".join(legend)}</ul>')
    parts.append(f"<figcaption>{_e(title)}</figcaption>")
    parts.append(_table(title, headers, rows))
    parts.append("</figure>")
    return Markup("".join(parts))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
