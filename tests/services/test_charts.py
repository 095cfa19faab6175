"""SVG charts: well-formed, titled, described, escaped, with a data table; empty histories say so."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from markupsafe import Markup

from quizapp import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))  # the whole figure is well-formed XML


def svg_of(figure: ET.Element) -> ET.Element:
    (svg,) = figure.findall(f"{SVG}svg")
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return svg


def percent(value: str) -> float:
    assert value.endswith("%"), value  # across the width, whatever the width
    return float(value[:-1])


def table_rows(figure: ET.Element) -> list[list[str]]:
    table = figure.find("details/table")
    assert table is not None and figure.find("details/summary") is not None
    return [["".join(cell.itertext()) for cell in row] for row in table.find("tbody")]


def test_bar_chart_draws_one_bar_per_value_with_a_table():
    figure = parse(charts.bar_chart(
        "c1", "Mastery per kind", "Mean recall", [("When", 50.0), ("Where", 100.0), ("Who", 0.0)],
        y_max=100, unit="%", label_header="Kind", value_header="Mastery",
    ))
    svg = svg_of(figure)
    assert svg.find(f"{SVG}title").text == "Mastery per kind"
    bars = svg.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 3
    widths = [percent(b.get("width")) for b in bars]
    assert widths[1] == 2 * widths[0] and widths[2] == 0
    assert widths[1] == percent(svg.find(f"{SVG}rect[@class='track']").get("width"))  # 100% fills the track
    assert [b.find(f"{SVG}title").text for b in bars] == ["When: 50%", "Where: 100%", "Who: 0%"]
    assert [t.text for t in svg.findall(f".//{SVG}text[@class='bar-label']")] == ["When", "Where", "Who"]
    assert [t.text for t in svg.findall(f".//{SVG}text[@class='bar-value']")] == ["50%", "100%", "0%"]
    assert table_rows(figure) == [["When", "50%"], ["Where", "100%"], ["Who", "0%"]]
    assert [th.text for th in figure.find("details/table/thead/tr")] == ["Kind", "Mastery"]
    assert "script" not in str(charts.bar_chart("c", "t", "d", [("a", 1)]))


def test_line_chart_draws_points_and_lines_per_series():
    t = dt.datetime(2030, 1, 7, 9, 0)
    figure = parse(charts.line_chart("c2", "Scores", "Score over time", [
        charts.Series("Quiz A", [(t, 40.0), (t + dt.timedelta(days=1), 80.0)]),
        charts.Series("Quiz B", [(t + dt.timedelta(hours=5), 100.0)]),
        charts.Series("Never finished", []),
    ], series_header="Quiz"))
    svg = svg_of(figure)
    groups = svg.findall(f"{SVG}g[@class='series']")
    assert len(groups) == 2  # the empty series is left out
    points_a = groups[0].findall(f"{SVG}circle[@class='point']")
    (line,) = groups[0].findall(f"{SVG}line[@class='line']")
    assert len(points_a) == 2 and len(groups[1].findall(f"{SVG}circle")) == 1
    assert not groups[1].findall(f"{SVG}line")  # one point: nothing to join
    assert (line.get("x1"), line.get("y1"), line.get("x2"), line.get("y2")) == tuple(
        p.get(a) for p in points_a for a in ("cx", "cy")
    )
    y40, y80 = (float(p.get("cy")) for p in points_a)
    assert y80 < y40  # higher scores are drawn higher
    assert percent(points_a[0].get("cx")) < percent(points_a[1].get("cx"))
    assert points_a[1].find(f"{SVG}title").text == "Quiz A, 2030-01-08 09:00: 80%"
    legend = ["".join(li.itertext()).strip() for li in figure.findall("ul[@class='chart-legend']/li")]
    assert legend == ["Quiz A", "Quiz B"]  # a list after the drawing: long names wrap
    assert table_rows(figure) == [
        ["Quiz A", "2030-01-07 09:00 UTC", "40%"],
        ["Quiz A", "2030-01-08 09:00 UTC", "80%"],
        ["Quiz B", "2030-01-07 14:00 UTC", "100%"],
    ]


def test_empty_histories_say_no_data_yet():
    for markup in (
        charts.bar_chart("e1", "Reviews per day", "Reviews", []),
        charts.line_chart("e2", "Scores", "Scores", []),
        charts.line_chart("e3", "Scores", "Scores", [charts.Series("Quiz", [])]),
    ):
        figure = parse(markup)
        svg = svg_of(figure)
        assert "chart-empty" in figure.get("class")
        assert svg.find(f"{SVG}text[@class='no-data']").text == "No data yet"
        assert "No data yet" in svg.find(f"{SVG}desc").text
        assert not svg.findall(f".//{SVG}rect[@class='bar']") and not svg.findall(f".//{SVG}circle")
        assert table_rows(figure) == [["No data yet"]]


def test_every_label_is_escaped():
    nasty = '<script>alert("x")</script> & "Q"'
    bar = charts.bar_chart("x<1", nasty, nasty, [(nasty, 1.0)], label_header=nasty)
    line = charts.line_chart("x2", nasty, nasty, [charts.Series(nasty, [(dt.datetime(2030, 1, 1), 50.0)])])
    for markup in (bar, line):
        assert "<script>" not in str(markup)
        figure = parse(markup)  # still well-formed
        svg = svg_of(figure)
        assert svg.find(f"{SVG}title").text == nasty
        assert nasty in "".join(figure.find("details/table").itertext())


def test_text_keeps_its_size_at_any_width_and_labels_each_have_a_row():
    """Issue 16, point 4: no viewBox scales the text down on a phone; no label shares a line with another."""
    bars = [(f"Jan {n:02d}", float(n)) for n in range(1, 15)] + [("Which organization", 3.0)]
    t = dt.datetime(2030, 1, 7)
    for markup in (
        charts.bar_chart("r", "Reviews per day", "d", bars),
        charts.line_chart("s", "Scores", "d", [charts.Series("Quiz", [(t, 40.0), (t + dt.timedelta(days=3), 90.0)])]),
        charts.bar_chart("e", "Reviews per day", "d", []),
    ):
        svg = svg_of(parse(markup))
        assert svg.get("viewBox") is None and svg.get("width") == "100%"
        texts = svg.findall(f".//{SVG}text")
        assert texts and all(float(text.get("font-size")) >= 13 for text in texts)
        assert not any(text.get("transform") for text in texts)
    svg = svg_of(parse(charts.bar_chart("r", "Reviews per day", "d", bars)))
    rows = [float(label.get("y")) for label in svg.findall(f".//{SVG}text[@class='bar-label']")]
    assert len(rows) == 15 and all(b - a >= 2 * charts.FONT for a, b in zip(rows, rows[1:]))
    assert float(svg.get("height")) >= rows[-1] + charts.BAR
    tallest = max(svg.findall(f".//{SVG}rect[@class='bar']"), key=lambda b: percent(b.get("width")))
    assert tallest.find(f"{SVG}title").text == "Jan 14: 14"
