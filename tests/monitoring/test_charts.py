"""Server-drawn SVG charts: well-formed, escaped, gaps for missing values, Russian numbers, PDF."""

import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from monitoring.charts import PALETTE, Series, bar_chart, format_number, line_chart

NS = "{http://www.w3.org/2000/svg}"
YEARS = ["2021", "2022", "2023", "2024", "2025"]
SHARE = "Доля ОО, реализующих систему наставничества"
HOSTILE = "<script>alert(\"x\")</script> & «Школа» '№ 5' ]]> <!-- -->"
LONG_NAME = (
    "Муниципальное бюджетное общеобразовательное учреждение "
    "«Средняя общеобразовательная школа № 12 имени А. С. Пушкина»"
)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def find(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(NS + tag))


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in find(root, "text")]


def points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


def markers(root: ET.Element) -> list[ET.Element]:
    """The data points of a line chart: circles with a tooltip (the legend's have none)."""
    return [circle for circle in find(root, "circle") if circle.find(NS + "title") is not None]


def tick_labels(root: ET.Element) -> list[str]:
    return [t.text for t in find(root, "text") if t.get("font-size") == "11" and t.get("fill") == "#666666"]


# ---------------------------------------------------------------- the document


@pytest.mark.parametrize(
    "svg",
    [
        line_chart(YEARS, [Series(SHARE, [40, 50, None, 65, 72])], title="Наставничество", target=70),
        bar_chart(["Школа № 1", "Гимназия № 2"], [42.5, None], title="Охват"),
    ],
)
def test_a_complete_svg_of_the_safe_subset(svg):
    root = parse(svg)
    assert root.tag == NS + "svg"
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    assert root.get("role") == "img" and root.get("aria-label")
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.get("font-family") == "DejaVu Sans, sans-serif"
    tags = {element.tag.removeprefix(NS) for element in root.iter()}
    assert tags <= {"svg", "g", "title", "rect", "line", "polyline", "circle", "text"}
    attributes = {key for element in root.iter() for key in element.attrib}
    assert not attributes & {"style", "class", "href", "{http://www.w3.org/1999/xlink}href"}
    assert "var(" not in svg and "url(" not in svg


def test_same_input_same_bytes():
    def draw():
        return (
            line_chart(YEARS, [Series(SHARE, [40, 50.25, None, Decimal("65.5"), 72])], target=70),
            bar_chart(["Школа № 1", LONG_NAME], [Decimal("42.5"), 17], highlight={1}),
        )

    assert draw() == draw()
    # A Decimal and the float of the same value draw the same.
    assert bar_chart(["A"], [Decimal("42.5")]) == bar_chart(["A"], [42.5])


# ---------------------------------------------------------------- line chart


def test_one_polyline_per_series_with_a_marker_per_point():
    root = parse(line_chart(YEARS, [Series("А", [10, 20, 30, 40, 50]), Series("Б", [5, 15, 25, 35, 45])]))
    lines = find(root, "polyline")
    assert len(lines) == 2
    assert [len(points(line)) for line in lines] == [5, 5]
    assert len(markers(root)) == 10
    assert {line.get("stroke") for line in lines} == {PALETTE[0], PALETTE[1]}
    # Legend: both labels, in the series' colours; axes: the years and the 0..100 % scale.
    assert {"А", "Б", *YEARS} <= set(texts(root))
    assert tick_labels(root) == ["0", "20", "40", "60", "80", "100", "%"]


def test_a_missing_value_is_a_gap_not_a_zero():
    root = parse(line_chart(YEARS, [Series(SHARE, [10, 20, None, 40, 50])]))
    lines = find(root, "polyline")
    assert len(lines) == 2
    first, second = map(points, lines)
    assert len(first) == len(second) == 2
    assert len(markers(root)) == 4
    # Nothing is drawn at the missing year, and nothing sits on the zero line.
    xs_drawn = {x for x, _ in first + second} | {float(c.get("cx")) for c in markers(root)}
    x_of_2023 = (first[1][0] + second[0][0]) / 2
    assert x_of_2023 not in xs_drawn
    zero_y = max(y for line in lines for _, y in points(line)) + 1  # lowest point is 10 %, not 0
    assert all(float(c.get("cy")) < zero_y for c in markers(root))
    tooltips = [c.find(NS + "title").text for c in markers(root)]
    assert not any("2023" in tooltip for tooltip in tooltips)


def test_a_lone_value_between_gaps_is_a_marker_without_a_line():
    root = parse(line_chart(YEARS, [Series(SHARE, [None, 20, None, 40, 50])]))
    assert [len(points(line)) for line in find(root, "polyline")] == [2]
    assert len(markers(root)) == 3


def test_target_line_is_dashed_and_labelled():
    root = parse(line_chart(YEARS, [Series(SHARE, [40, 50, 60, 70, 80])], target=70))
    dashed = [line for line in find(root, "line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    target = dashed[0]
    assert target.get("y1") == target.get("y2")
    at_70 = [c for c in markers(root) if c.find(NS + "title").text.endswith("70\u00a0%")]
    assert float(target.get("y1")) == float(at_70[0].get("cy"))
    assert "цель 70\u00a0%" in texts(root)
    without = parse(line_chart(YEARS, [Series(SHARE, [1, 2, 3, 4, 5])]))
    assert not [line for line in find(without, "line") if line.get("stroke-dasharray")]
    assert not [text for text in texts(without) if text.startswith("цель")]


def test_counts_get_a_nice_rounded_scale_that_takes_in_the_target():
    root = parse(line_chart(YEARS, [Series("Наставники", [3, 7, 12, 9, 11])], unit="чел."))
    assert tick_labels(root) == ["0", "5", "10", "15", "чел."]
    root = parse(line_chart(YEARS, [Series("Наставники", [3, 7, 12, 9, 11])], unit="", target=30))
    assert tick_labels(root) == ["0", "10", "20", "30"]
    root = parse(line_chart(YEARS, [Series("Пары", [1200, 3400, 5600, 7800, 9100])], unit=""))
    assert tick_labels(root)[-1] == "10\u202f000"


def test_all_zero_values_do_not_divide_by_zero():
    root = parse(line_chart(YEARS, [Series("Наставники", [0, 0, 0, 0, 0])], unit=""))
    assert tick_labels(root) == ["0", "1", "2", "3", "4", "5"]
    assert len({float(c.get("cy")) for c in markers(root)}) == 1
    root = parse(line_chart(YEARS, [Series(SHARE, [0, 0, 0, 0, 0])]))
    assert tick_labels(root)[:-1] == ["0", "20", "40", "60", "80", "100"]


@pytest.mark.parametrize("unit", ["%", ""])
def test_all_missing_draws_the_axes_and_says_no_data(unit):
    root = parse(line_chart(YEARS, [Series(SHARE, [None] * 5), Series("Б", [None] * 5)], unit=unit))
    assert not find(root, "polyline") and not markers(root)
    assert "нет данных" in texts(root)
    assert len(find(root, "line")) >= 2  # the axes, the gridlines
    assert set(YEARS) <= set(texts(root))
    root = parse(line_chart([], [], unit=unit))
    assert "нет данных" in texts(root)


def test_values_and_categories_must_match():
    with pytest.raises(ValueError):
        line_chart(YEARS, [Series(SHARE, [1, 2])])
    with pytest.raises(ValueError):
        bar_chart(["А", "Б"], [1])


def test_more_series_than_colours_still_draws_them_all():
    series = [Series(f"Серия {i}", [i, i + 1, i + 2, i + 3, i + 4]) for i in range(10)]
    root = parse(line_chart(YEARS, series, unit=""))
    assert len(find(root, "polyline")) == 10
    assert len(PALETTE) == 8 and len(set(PALETTE)) == 8


# ---------------------------------------------------------------- bar chart


def test_one_bar_per_value_and_no_data_instead_of_a_missing_bar():
    root = parse(bar_chart(["Школа № 1", "Гимназия № 2", "Лицей № 3"], [42.5, None, 1234]))
    rects = find(root, "rect")
    assert len(rects) == 2
    assert texts(root).count("нет данных") == 1
    assert "42,5\u00a0%" in texts(root)
    assert "1\u202f234\u00a0%" in texts(root)
    assert int(rects[1].get("width").split(".")[0]) > int(rects[0].get("width").split(".")[0])


def test_percent_bars_are_on_a_0_to_100_scale():
    root = parse(bar_chart(["А", "Б"], [100, 50]))
    full, half = (float(r.get("width")) for r in find(root, "rect"))
    assert full == pytest.approx(2 * half)
    assert tick_labels(root) == ["0", "20", "40", "60", "80", "100", "%"]


def test_height_grows_with_the_number_of_bars():
    few = parse(bar_chart(["А", "Б"], [1, 2]))
    many = parse(bar_chart([f"Школа № {i}" for i in range(20)], list(range(20))))
    assert int(many.get("height")) > int(few.get("height"))
    assert int(many.get("height")) - int(few.get("height")) >= 18 * 18
    assert len(find(many, "rect")) == 20


def test_long_names_are_cut_and_kept_whole_in_the_title():
    root = parse(bar_chart([LONG_NAME, "Школа № 1"], [10, 20]))
    group = next(g for g in find(root, "g") if g.find(NS + "title").text == LONG_NAME)
    shown = group.find(NS + "text").text
    assert shown.endswith("…") and len(shown) <= 40
    assert LONG_NAME.startswith(shown[:-1])
    assert "Школа № 1" in texts(root)  # a short name is left whole
    assert LONG_NAME not in texts(root)


def test_highlighted_bars_stand_apart():
    rects = find(parse(bar_chart(["А", "Б", "В"], [1, 2, 3], highlight={1})), "rect")
    assert [r.get("fill") for r in rects] == [PALETTE[0], PALETTE[1], PALETTE[0]]


def test_bars_all_zero_or_all_missing():
    root = parse(bar_chart(["А", "Б"], [0, 0], unit=""))
    assert [float(r.get("width")) for r in find(root, "rect")] == [0, 0]
    assert tick_labels(root) == ["0", "1", "2", "3", "4", "5"]
    root = parse(bar_chart(["А", "Б"], [None, None]))
    assert not find(root, "rect") and texts(root).count("нет данных") == 2
    assert "нет данных" in texts(parse(bar_chart([], [])))


# ---------------------------------------------------------------- text


def test_hostile_labels_are_inert_text():
    flat = " ".join(HOSTILE.split())
    charts = [
        line_chart([HOSTILE, "2022"], [Series(HOSTILE, [1, 2])], title=HOSTILE, unit=""),
        bar_chart([HOSTILE + "\x0b\x00\n", "Б"], [1, 2], title=HOSTILE, unit=""),
    ]
    for svg in charts:
        assert "<script" not in svg and "<!--" not in svg
        root = parse(svg)  # well-formed, the control characters dropped
        assert not [e for e in root.iter() if "script" in e.tag]
        assert root.get("aria-label") == flat
        assert flat in [e.text for e in root.iter(NS + "text")]  # shown as text, as it was written


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (42.5, "%", "42,5\u00a0%"),
        (Decimal("42.50"), "%", "42,5\u00a0%"),
        (40, "%", "40\u00a0%"),
        (12345, "", "12\u202f345"),
        (1234567.25, "чел.", "1\u202f234\u202f567,3\u00a0чел."),
        (999, "", "999"),
        (0.05, "", "0,1"),
        (0, "%", "0\u00a0%"),
        (-3.5, "", "\u22123,5"),
        (-0.04, "", "0"),
        (None, "%", "нет данных"),
        (float("nan"), "%", "нет данных"),
    ],
)
def test_russian_number_format(value, unit, expected):
    assert format_number(value, unit) == expected


# ---------------------------------------------------------------- PDF


def test_charts_render_in_a_weasyprint_pdf():
    html = f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
    <style>@page {{ size: A4 landscape; margin: 10mm; }}</style></head><body>
    <h1>Мониторинг</h1>
    {line_chart(YEARS, [Series(SHARE, [40, 50, None, 65, 72])], title="Доля ОО", target=70)}
    {bar_chart(["Школа № 7", LONG_NAME], [42.5, None], title="Охват наставничеством")}
    </body></html>"""
    pdf = HTML(string=html).write_pdf()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("Школа № 7", "Охват наставничеством", "цель", "2025", "нет данных"):
        assert expected in text, expected
