"""Charts drawn on the server as SVG strings: the monitoring's indicators, the monitoring of influence.

Knows no app (monitoring/charts.py and influence draw with it).

The same string goes inline into an HTML page (`<svg>` in the template, marked safe) and into a
WeasyPrint PDF, so it keeps to the SVG subset that both browsers and WeasyPrint draw alike:
svg, g, title, rect, line, polyline, circle and text with plain presentation attributes. No CSS
(no classes, no variables), no scripts, no foreignObject, no references to anything outside the
string, no web fonts: the text asks for «DejaVu Sans», the font of the project's PDFs.

- `line_chart`: values by year, one polyline per series with a marker at each point, a legend,
  an optional dashed target line («цель 70 %»). A missing value (None) is a gap: the polyline
  is split there, nothing is drawn at 0.
- `bar_chart`: horizontal bars, one per organisation; a long name is cut with «…» and kept whole
  in the group's <title> (a tooltip in a browser); a missing value reads «нет данных».

The value axis runs 0..100 for percentages, else between "nice" round bounds (whole steps for
counts); all zeros or no data at all still give an axis (0..5), and «нет данных» when empty.

Every text is XML-escaped (and stripped of the control characters XML forbids), numbers are
written Russian-style (`format_number`: «42,5 %», «12 345»), colours come from the Okabe–Ito
palette (told apart with the common colour-vision deficiencies), and the output depends on the
input only: the same data give the same bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

__all__ = ["PALETTE", "Series", "bar_chart", "format_number", "line_chart"]

# Okabe & Ito (2008), most legible first: yellow is weak on white, so it comes late.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
FONT = "DejaVu Sans, sans-serif"
NO_DATA = "нет данных"
TEXT_COLOUR, MUTED, GRID, AXIS = "#222222", "#666666", "#DDDDDD", "#444444"
NBSP, NARROW_NBSP, MINUS = "\u00a0", "\u202f", "\u2212"
FONT_SIZE, SMALL_FONT_SIZE, TITLE_FONT_SIZE = 12, 11, 14
# Advances of DejaVu Sans in em, a little generous (measured: Cyrillic capitals 0.76 on average,
# small letters 0.66, digits 0.64, space and stops 0.32, Ж Ш Щ Ю ж ш щ ю 0.9-1.1; bold ×1.1), to cut
# texts before they overflow.
NARROW_CHARS, BROAD_CHARS, WIDEST_CHARS = " .,:;'!|()-\u00a0\u202f", "мфыwЪМФЫ", "жшщюЖШЩЮ№mW…"
LABEL_MAX_CHARS = 40  # a bar's label is cut at this length however wide the chart

Number = Decimal | float | int | None


@dataclass(frozen=True)
class Series:
    label: str
    values: list[Number]


# ---------------------------------------------------------------- text and numbers

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[ \t\r\n\x85\u2028\u2029]+")  # not the no-break spaces of the numbers


def _clean(text: object) -> str:
    """A one-line string that XML accepts: no forbidden control characters, no line breaks."""
    return _BREAKS.sub(" ", _FORBIDDEN.sub("", str(text))).strip()


def _text(text: object) -> str:
    return escape(_clean(text))


def _attr(text: object) -> str:
    return escape(_clean(text), {'"': "&quot;"})


def _width_of(text: str, font_size: float = SMALL_FONT_SIZE, bold: bool = False) -> float:
    """An estimate of the text's width in px, on the wide side."""
    ems = sum(
        0.36 if c in NARROW_CHARS else 1.1 if c in WIDEST_CHARS else 0.8 if c.isupper() or c in BROAD_CHARS else 0.66
        for c in text
    )
    return ems * font_size * (1.12 if bold else 1)


def _fit(
    text: str, width: float, font_size: float = FONT_SIZE, bold: bool = False, max_chars: int | None = None
) -> str:
    """`text` cut with «…» to fit in `width` px (and `max_chars` characters), if it does not."""
    text = _clean(text)
    cut = len(text) if max_chars is None else min(len(text), max_chars)
    if cut == len(text) and _width_of(text, font_size, bold) <= width:
        return text
    while cut > 0 and _width_of(text[: cut - 1] + "…", font_size, bold) > width:
        cut -= 1
    return text[: max(cut - 1, 0)].rstrip() + "…"


def _value(value: Number) -> Decimal | None:
    """The value as a Decimal, or None when it is missing (None, NaN, infinite)."""
    if value is None or isinstance(value, bool):
        return None
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    return number if number.is_finite() else None


def format_number(value: Number, unit: str = "", decimals: int = 1) -> str:
    """Russian-style: «42,5 %», «12 345», «−3»: a decimal comma, groups of thousands split by a
    narrow no-break space, at most `decimals` decimals (trailing zeros dropped), a no-break
    space before the unit. A missing value gives «нет данных»."""
    number = _value(value)
    if number is None:
        return NO_DATA
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = NARROW_NBSP.join([whole, *groups]) + ("," + fraction if fraction else "")
    if number < 0 and text.strip("0,"):
        text = MINUS + text
    return f"{text}{NBSP}{unit}" if unit else text


def _n(x: float) -> str:
    """A coordinate, to 0.01 px, the same way every time."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# ---------------------------------------------------------------- scale and elements


def _scale(numbers: Sequence[float], unit: str, integers: bool) -> tuple[float, float, float]:
    """(low, high, step) of the value axis: 0..100 by 20 for percentages within it, else "nice"
    round bounds that take in 0 and every number (integer steps for counts). Never empty."""
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if unit == "%" and low >= 0 and high <= 100:
        return 0.0, 100.0, 20.0
    if high == low:  # all zero, or nothing at all: a plain 0..5 axis
        high = 5.0
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integers:
        step = max(step, 1.0)
    low, high = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return low, (high if high > low else low + step), step


def _counts(values: Sequence[Decimal], unit: str) -> bool:
    """Whether the axis should step by whole numbers: whole values, not percentages."""
    return unit != "%" and all(v == v.to_integral_value() for v in values)


def _ticks(low: float, high: float, step: float) -> list[float]:
    return [low + i * step for i in range(round((high - low) / step) + 1)]


def _tick_decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _el(tag: str, text: str | None = None, **attributes: object) -> str:
    """One element; `text` is escaped here, attribute values too (keys: _ for -)."""
    attrs = "".join(f' {key.rstrip("_").replace("_", "-")}="{_attr(value)}"' for key, value in attributes.items())
    return f"<{tag}{attrs}/>" if text is None else f"<{tag}{attrs}>{_text(text)}</{tag}>"


def _label(x: float, y: float, text: str, size: int = FONT_SIZE, anchor: str = "start", **extra: object) -> str:
    """Text whose middle sits at `y` (baseline a third of an em lower: no dominant-baseline,
    which WeasyPrint only approximates)."""
    return _el(
        "text",
        text,
        x=_n(x),
        y=_n(y + size * 0.35),
        font_size=size,
        text_anchor=anchor,
        fill=extra.pop("fill", TEXT_COLOUR),
        **extra,
    )


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_attr(label)}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">'
    )
    return "\n".join([head, _el("title", label), *body, "</svg>"]) + "\n"


def _title(title: str, width: int) -> list[str]:
    return (
        [
            _label(
                width / 2,
                14,
                _fit(title, width - 16, TITLE_FONT_SIZE, bold=True),
                TITLE_FONT_SIZE,
                "middle",
                font_weight="bold",
            )
        ]
        if title
        else []
    )


# ---------------------------------------------------------------- charts


def line_chart(
    categories: list[str],
    series: list[Series],
    *,
    unit: str = "%",
    title: str = "",
    target: Number = None,
    width: int = 720,
    height: int = 320,
) -> str:
    """Values by category (year): one polyline per series, split where a value is None."""
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"{one.label!r}: {len(one.values)} values for {len(categories)} categories")
    data = [[_value(v) for v in one.values] for one in series]
    present = [v for values in data for v in values if v is not None]
    target_value = _value(target)
    scaled = present + ([target_value] if target_value is not None else [])
    low, high, step = _scale([float(v) for v in scaled], unit, _counts(scaled, unit))
    target_text = "цель " + format_number(target_value, unit) if target_value is not None else ""
    top, left, right = 30 + (24 if title else 0), 56, max(24, _width_of(target_text) + 10)
    legend_top_offset = 30  # below the plot: the category labels
    height = max(height, top + 120 + legend_top_offset + 18 * len(series))
    plot_w, plot_h = width - left - right, height - top - legend_top_offset - 18 * len(series) - 8
    bottom = top + plot_h

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * plot_h

    band = plot_w / max(len(categories), 1)
    x_of = [left + (i + 0.5) * band for i in range(len(categories))]
    body = _title(title, width)
    decimals = _tick_decimals(step)
    for tick in _ticks(low, high, step):
        body.append(
            _el(
                "line",
                x1=_n(left),
                y1=_n(y_of(tick)),
                x2=_n(left + plot_w),
                y2=_n(y_of(tick)),
                stroke=GRID,
                stroke_width=1,
            )
        )
        body.append(_label(left - 6, y_of(tick), format_number(tick, "", decimals), SMALL_FONT_SIZE, "end", fill=MUTED))
    if unit:
        body.append(_label(left - 6, top - 18, unit, SMALL_FONT_SIZE, "end", fill=MUTED))
    body.append(_el("line", x1=_n(left), y1=_n(top), x2=_n(left), y2=_n(bottom), stroke=AXIS, stroke_width=1))
    body.append(
        _el("line", x1=_n(left), y1=_n(y_of(0)), x2=_n(left + plot_w), y2=_n(y_of(0)), stroke=AXIS, stroke_width=1)
    )
    for x, category in zip(x_of, categories, strict=False):
        body.append(_label(x, bottom + 14, _fit(category, band - 4, SMALL_FONT_SIZE), SMALL_FONT_SIZE, "middle"))
    if target_value is not None:
        y = y_of(float(target_value))
        body.append(
            _el(
                "line",
                x1=_n(left),
                y1=_n(y),
                x2=_n(left + plot_w),
                y2=_n(y),
                stroke=AXIS,
                stroke_width=1.5,
                stroke_dasharray="6 4",
            )
        )
        body.append(_label(left + plot_w + 4, y, target_text, SMALL_FONT_SIZE, "start", fill=AXIS))
    for index, (one, values) in enumerate(zip(series, data, strict=False)):
        colour = PALETTE[index % len(PALETTE)]
        dash = {"stroke_dasharray": "2 3"} if index >= len(PALETTE) else {}
        parts = [_el("title", one.label)]
        runs: list[list[tuple[float, float]]] = [[]]
        for x, value in zip(x_of, values, strict=False):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x, y_of(float(value))))
        for run in (run for run in runs if len(run) > 1):
            parts.append(
                _el(
                    "polyline",
                    points=" ".join(f"{_n(x)},{_n(y)}" for x, y in run),
                    fill="none",
                    stroke=colour,
                    stroke_width=2,
                    stroke_linejoin="round",
                    **dash,
                )
            )
        for x, category, value in zip(x_of, categories, values, strict=False):
            if value is not None:
                parts.append(
                    f'<circle cx="{_n(x)}" cy="{_n(y_of(float(value)))}" r="3.5" fill="{colour}">'
                    + _el("title", f"{one.label}, {category}: {format_number(value, unit)}")
                    + "</circle>"
                )
        body.append("<g>" + "".join(parts) + "</g>")
        legend_y = bottom + legend_top_offset + 18 * index + 4
        body.append(
            "<g>"
            + _el("title", one.label)
            + _el(
                "line",
                x1=_n(left),
                y1=_n(legend_y),
                x2=_n(left + 22),
                y2=_n(legend_y),
                stroke=colour,
                stroke_width=2,
                **dash,
            )
            + f'<circle cx="{_n(left + 11)}" cy="{_n(legend_y)}" r="3.5" fill="{colour}"/>'
            + _label(left + 30, legend_y, _fit(one.label, width - left - 38))
            + "</g>"
        )
    if not present:
        body.append(_label(left + plot_w / 2, top + plot_h / 2, NO_DATA, FONT_SIZE, "middle", fill=MUTED))
    return _svg(width, height, title or "Линейный график", body)


def bar_chart(
    labels: list[str],
    values: list[Number],
    *,
    unit: str = "%",
    title: str = "",
    highlight: set[int] | None = None,
    width: int = 720,
    decimals: int = 1,
) -> str:
    """Horizontal bars, one per label (organisation), in the given order; `highlight` holds the
    indexes of the bars to set apart (orange and bold, against blue); each value written with at most
    `decimals` decimals. A negative value runs left of the zero line."""
    if len(labels) != len(values):
        raise ValueError(f"{len(values)} values for {len(labels)} labels")
    highlight = highlight or set()
    data = [_value(v) for v in values]
    present = [v for v in data if v is not None]
    low, high, step = _scale([float(v) for v in present], unit, _counts(present, unit))
    row, bar = 26, 16
    right = max([70.0] + [_width_of(format_number(v, unit, decimals), bold=True) + 10 for v in present])  # values' room
    top, label_w = 16 + (24 if title else 0), min(int(width * 0.42), 320)
    left, plot_w = label_w + 12, width - label_w - 12 - right
    height = top + row * max(len(labels), 1) + 32
    bottom = height - 32

    def x_of(value: float) -> float:
        return left + (value - low) / (high - low) * plot_w

    body = _title(title, width)
    tick_decimals = _tick_decimals(step)
    for tick in _ticks(low, high, step):
        body.append(
            _el("line", x1=_n(x_of(tick)), y1=_n(top), x2=_n(x_of(tick)), y2=_n(bottom), stroke=GRID, stroke_width=1)
        )
        body.append(
            _label(
                x_of(tick), bottom + 12, format_number(tick, "", tick_decimals), SMALL_FONT_SIZE, "middle", fill=MUTED
            )
        )
    if unit:  # after the last tick's label
        caption_x = x_of(high) + _width_of(format_number(high, "", tick_decimals)) / 2 + 4
        body.append(_label(caption_x, bottom + 12, unit, SMALL_FONT_SIZE, "start", fill=MUTED))
    zero = x_of(0)
    for index, (name, value) in enumerate(zip(labels, data, strict=False)):
        middle = top + row * index + row / 2
        strong = {"font_weight": "bold"} if index in highlight else {}
        shown = _fit(name, label_w, bold=True, max_chars=LABEL_MAX_CHARS)  # bold or not, the same cut
        parts = [_el("title", name), _label(label_w, middle, shown, FONT_SIZE, "end", **strong)]
        if value is None:
            parts.append(_label(zero + 4, middle, NO_DATA, SMALL_FONT_SIZE, "start", fill=MUTED, font_style="italic"))
        else:
            end = x_of(float(value))
            parts.append(
                _el(
                    "rect",
                    x=_n(min(zero, end)),
                    y=_n(middle - bar / 2),
                    width=_n(abs(end - zero)),
                    height=bar,
                    fill=PALETTE[1] if index in highlight else PALETTE[0],
                )
            )
            parts.append(
                _label(
                    max(zero, end) + 4, middle, format_number(value, unit, decimals), SMALL_FONT_SIZE, "start", **strong
                )
            )
        body.append("<g>" + "".join(parts) + "</g>")
    body.append(_el("line", x1=_n(zero), y1=_n(top), x2=_n(zero), y2=_n(bottom), stroke=AXIS, stroke_width=1))
    if not labels:
        body.append(_label(left + plot_w / 2, top + row / 2, NO_DATA, FONT_SIZE, "middle", fill=MUTED))
    return _svg(width, height, title or "Столбчатая диаграмма", body)
