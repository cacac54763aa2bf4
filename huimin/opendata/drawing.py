"""Charts drawn on the server as inline SVG: bar, line and pie, with a text summary and the data as a table.

`render_chart(kind, title, labels, series, unit)` returns a `<figure>`: the SVG (`role="img"`, named by its
`<title>` and the generated summary), a visible caption with that summary, and the data as an HTML table in
a `<details>` open by default, so that the figures stay readable without the picture (screen readers, the
plain-text channel, which drops inline SVG). Pure Python, no JavaScript. `series` is a sequence of
`(name, values)` pairs, one value per label; a single unnamed series is `[("", values)]`.

Bars are drawn horizontally, one row per label, so that long labels and many rows fit on a phone; every bar
and slice carries its value (bars) or its number in the legend (slices) as text. Fill colours come from
`data/chart_colours.json` and are checked against white at load time.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS_FILE = Path(__file__).resolve().parent / "data" / "chart_colours.json"
KINDS = {"bar": "柱状图", "line": "折线图", "pie": "饼图"}
MAX_ROWS = 100
MAX_ABS_VALUE = Decimal("1e15")

WIDTH = 640
FONT = 14
TEXT_COLOUR = "#1a1a1a"
AXIS_COLOUR = "#595959"  # 7:1 against white
GRID_COLOUR = "#d6d6d6"  # decoration only; the values are in text
DASHES = ("", "7 4", "2 4", "10 4 2 4")  # line styles, so that series differ by more than colour

NUMBER_RE = re.compile(r"\A[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")

Number = int | float | Decimal


class ChartError(ValueError):
    """Data a chart cannot be drawn from; the message is Chinese and can be shown to an editor."""


# ---- Data ----


@cache
def load_colours(path: Path = COLOURS_FILE) -> tuple[str, ...]:
    """The series colours of the data file, each checked against white at the file's `min_ratio`."""
    from huimin.core.contrast import HEX_COLOUR_RE, contrast_ratio

    data = json.loads(path.read_text(encoding="utf-8"))
    minimum = float(data.get("min_ratio", 3))
    if minimum < 3:
        raise ValueError(f"{path.name}: min_ratio must be at least 3 (WCAG non-text contrast)")
    colours = tuple(colour.lower() for colour in data["colours"])
    if not colours:
        raise ValueError(f"{path.name}: no colours")
    for colour in colours:
        if not HEX_COLOUR_RE.match(colour):
            raise ValueError(f"{path.name}: {colour!r} is not a #rrggbb colour")
        ratio = contrast_ratio(colour, "#ffffff")
        if ratio < minimum:
            raise ValueError(f"{path.name}: {colour} is {ratio:.2f}:1 against white, below {minimum}:1")
    return colours


def parse_number(text: str) -> Decimal:
    """A number as an editor types it (full-width digits allowed); anything else raises ChartError."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    if cleaned.startswith("−"):
        cleaned = "-" + cleaned[1:]
    if not NUMBER_RE.match(cleaned):
        raise ChartError(
            f"“{text}”不是数字。请只填写数字（可带小数点和负号），不要带单位、百分号或千位分隔符。"
        )
    value = Decimal(cleaned)
    if abs(value) >= MAX_ABS_VALUE:
        raise ChartError(f"“{text}”太大，数值的绝对值须小于 10 的 15 次方。")
    return value


def format_number(value: Number) -> str:
    """A value as people read it: no exponent, no trailing zeros, at most 4 decimals."""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.0001"))
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(value: Number, total: Number) -> str:
    """A share of a total as a percentage with one decimal: 34.8."""
    share = (Decimal(str(value)) * 100 / Decimal(str(total))).quantize(Decimal("0.1"))
    return format_number(share)


def validate(kind: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number]]]) -> None:
    """Raise ChartError (a Chinese message) unless the chart can be drawn."""
    if kind not in KINDS:
        raise ChartError(f"图表类型“{kind}”无效，应为柱状图、折线图或饼图。")
    if not labels:
        raise ChartError("图表至少需要一行数据。")
    if len(labels) > MAX_ROWS:
        raise ChartError(f"图表最多 {MAX_ROWS} 行数据，现有 {len(labels)} 行。")
    if not series:
        raise ChartError("图表至少需要一个数据系列。")
    for name, values in series:
        if len(values) != len(labels):
            shown = f"系列“{name}”" if name else "数据"
            raise ChartError(f"{shown}有 {len(values)} 个数值，但有 {len(labels)} 个项目，两者须一致。")
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise ChartError(f"“{value}”不是数字。")
            if not math.isfinite(float(value)):
                raise ChartError("数值不能为无穷大或非数字。")
    if kind == "pie":
        if len(series) != 1:
            raise ChartError("饼图只能有一个数据系列。")
        values = series[0][1]
        if any(value < 0 for value in values):
            raise ChartError("饼图的数值不能为负数。")
        if not any(value > 0 for value in values):
            raise ChartError("饼图的数值合计须大于 0。")


# ---- Text ----


def _with_unit(value: Number, unit: str) -> str:
    return f"{format_number(value)}{unit}"


def _extremes(labels: Sequence[str], values: Sequence[Number]) -> tuple[int, int]:
    top = max(range(len(values)), key=lambda i: (values[i], -i))
    low = min(range(len(values)), key=lambda i: (values[i], i))
    return top, low


def summary_text(
    kind: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number]]], unit: str = ""
) -> str:
    """The chart in one or two sentences: how many items, the highest and the lowest (per series)."""
    count = len(labels)
    if kind == "pie":
        values = series[0][1]
        total = sum(Decimal(str(v)) for v in values)
        if count == 1:
            return f"共1项：{labels[0]}（{_with_unit(values[0], unit)}，占100%）。"
        top, low = _extremes(labels, values)
        share = lambda i: format_percent(values[i], total)  # noqa: E731
        return (
            f"共{count}项，合计{_with_unit(total, unit)}；占比最高为{labels[top]}"
            f"（{_with_unit(values[top], unit)}，占{share(top)}%），最低为{labels[low]}"
            f"（{_with_unit(values[low], unit)}，占{share(low)}%）。"
        )
    parts = []
    for name, values in series:
        if count == 1:
            part = f"{labels[0]}为{_with_unit(values[0], unit)}"
        else:
            top, low = _extremes(labels, values)
            part = (
                f"最高为{labels[top]}（{_with_unit(values[top], unit)}），"
                f"最低为{labels[low]}（{_with_unit(values[low], unit)}）"
            )
        parts.append(f"{name}：{part}" if len(series) > 1 else part)
    head = f"共{count}项" + (f"、{len(series)}个系列" if len(series) > 1 else "")
    return head + ("；" if len(series) > 1 else "，") + "；".join(parts) + "。"


def _char_width(char: str) -> float:
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6


def text_width(text: str, size: int = FONT) -> float:
    """An estimate of the drawn width of a text in pixels (CJK one em, Latin about 0.6 em)."""
    return sum(_char_width(char) for char in text) * size


def fit(text: str, width: float, size: int = FONT) -> str:
    """The text cut to fit a width, with an ellipsis when cut (the table keeps it in full)."""
    if text_width(text, size) <= width:
        return text
    budget, used, kept = width - size, 0.0, []
    for char in text:
        used += _char_width(char) * size
        if used > budget:
            break
        kept.append(char)
    return "".join(kept) + "…"


# ---- SVG ----


def _attr(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return escape(str(value))


def _tag(name: str, content: str = "", **attrs) -> str:
    attributes = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_attr(value)}"'
        for key, value in attrs.items()
        if value != ""
    )
    return f"<{name}{attributes}>{content}</{name}>"


def _text(
    x, y, content: str, *, anchor: str = "start", size: int = FONT, fill: str = TEXT_COLOUR, **attrs
) -> str:
    return _tag("text", escape(content), x=x, y=y, font_size=size, fill=fill, text_anchor=anchor, **attrs)


def _legend(names: Sequence[str], colours: Sequence[str], *, kind: str, y: float = 8) -> tuple[str, float]:
    """A legend row (wrapping) for more than one series; returns (svg, height used)."""
    if len(names) < 2:
        return "", 0
    parts, x, row = [], 0.0, 0
    for index, name in enumerate(names):
        label = fit(name, 160)
        item_width = 28 + text_width(label) + 20
        if x and x + item_width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * 24
        colour = colours[index % len(colours)]
        if kind == "line":
            parts.append(
                _tag(
                    "line",
                    x1=x,
                    y1=top + 8,
                    x2=x + 22,
                    y2=top + 8,
                    stroke=colour,
                    stroke_width=3,
                    stroke_dasharray=DASHES[index % len(DASHES)],
                    class_="chart-swatch",
                )
            )
        else:
            parts.append(_tag("rect", x=x, y=top, width=16, height=16, fill=colour, class_="chart-swatch"))
        parts.append(_text(x + 28, top + 13, label))
        x += item_width
    return "".join(parts), (row + 1) * 24 + 8


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis ticks covering [low, high] (low <= 0 <= high is not required)."""
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, tick = [], start
    while tick < high + step * 0.5:
        ticks.append(round(tick, 10))
        if tick >= high:
            break
        tick += step
    return ticks


def _bar_svg(labels, series, unit, colours) -> tuple[str, float]:
    label_width, value_width, bar_height, gap = 170, 110, 18, 12
    legend, top = _legend([name for name, _ in series], colours, kind="bar")
    values = [float(v) for _, vs in series for v in vs]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    x0, x1 = label_width + 10, WIDTH - value_width
    scale = lambda v: x0 + (v - low) / span * (x1 - x0)  # noqa: E731
    zero = scale(0.0)
    group = len(series) * bar_height + gap
    parts = [legend]
    for row, label in enumerate(labels):
        y = top + row * group
        row_parts = [
            _tag("title", escape(label)),
            _text(label_width, y + group / 2 - gap / 2 + 5, fit(label, label_width), anchor="end"),
        ]
        for index, (name, vs) in enumerate(series):
            value = float(vs[row])
            start, end = sorted((zero, scale(value)))
            bar_y = y + index * bar_height
            tip = f"{label}{'（' + name + '）' if name else ''}：{_with_unit(vs[row], unit)}"
            row_parts.append(
                _tag(
                    "rect",
                    _tag("title", escape(tip)),
                    x=start,
                    y=bar_y + 1,
                    width=end - start,
                    height=bar_height - 2,
                    fill=colours[index % len(colours)],
                    class_="chart-bar",
                )
            )
            text_x = max(end, zero) + 4
            row_parts.append(
                _text(
                    text_x, bar_y + bar_height - 4, _with_unit(vs[row], unit), size=12, class_="chart-value"
                )
            )
        parts.append(_tag("g", "".join(row_parts), class_="chart-row"))
    height = top + len(labels) * group + 4
    parts.append(
        _tag("line", x1=zero, y1=top - 4, x2=zero, y2=height - 4, stroke=AXIS_COLOUR, stroke_width=1.5)
    )
    return "".join(parts), height


def _line_svg(labels, series, unit, colours) -> tuple[str, float]:
    legend, top = _legend([name for name, _ in series], colours, kind="line")
    values = [float(v) for _, vs in series for v in vs]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    low, high = ticks[0], ticks[-1]
    x0, x1, y0 = 70, WIDTH - 24, top + 12
    y1 = y0 + 240
    count = len(labels)
    step_x = (x1 - x0) / (count - 1) if count > 1 else 0
    xs = [x0 + i * step_x for i in range(count)] if count > 1 else [(x0 + x1) / 2]
    scale = lambda v: y1 - (v - low) / ((high - low) or 1) * (y1 - y0)  # noqa: E731
    parts = [legend]
    for tick in ticks:
        y = scale(tick)
        parts.append(_tag("line", x1=x0, y1=y, x2=x1, y2=y, stroke=AXIS_COLOUR if tick == 0 else GRID_COLOUR))
        parts.append(_text(x0 - 6, y + 5, format_number(tick), anchor="end", size=12))
    every = max(1, math.ceil(count / 10))
    room = max(step_x * every - 6, 40) if count > 1 else x1 - x0
    for i in range(0, count, every):
        parts.append(
            _text(
                xs[i], y1 + 22, fit(labels[i], room, 12), anchor="middle", size=12, class_="chart-axis-label"
            )
        )
    show_values = len(series) == 1 and count <= 12
    for index, (name, vs) in enumerate(series):
        colour = colours[index % len(colours)]
        points = " ".join(f"{_attr(xs[i])},{_attr(scale(float(v)))}" for i, v in enumerate(vs))
        parts.append(
            _tag(
                "polyline",
                points=points,
                fill="none",
                stroke=colour,
                stroke_width=2.5,
                stroke_dasharray=DASHES[index % len(DASHES)],
                class_="chart-line",
            )
        )
        for i, v in enumerate(vs):
            tip = f"{labels[i]}{'（' + name + '）' if name else ''}：{_with_unit(v, unit)}"
            parts.append(
                _tag(
                    "circle",
                    _tag("title", escape(tip)),
                    cx=xs[i],
                    cy=scale(float(v)),
                    r=4.5,
                    fill=colour,
                    class_="chart-point",
                )
            )
            if show_values:
                parts.append(
                    _text(
                        xs[i],
                        scale(float(v)) - 10,
                        format_number(v),
                        anchor="middle",
                        size=12,
                        class_="chart-value",
                    )
                )
    return "".join(parts), y1 + 40


PIE_WIDTH = 320  # the pie with its legend below: narrow, so that it stays legible on a phone


def _pie_svg(labels, series, unit, colours) -> tuple[str, float]:
    values = [Decimal(str(v)) for v in series[0][1]]
    total = sum(values)
    radius = 140
    cx, cy = PIE_WIDTH / 2, radius + 10
    legend_x, legend_top, line = 0, 2 * radius + 44, 24
    parts, angle = [], -math.pi / 2
    positive = [i for i, v in enumerate(values) if v > 0]
    for i, value in enumerate(values):
        number = i + 1
        colour = colours[i % len(colours)]
        tip = f"{number}. {labels[i]}：{_with_unit(value, unit)}（{format_percent(value, total)}%）"
        if value > 0:
            sweep = float(value / total) * 2 * math.pi
            if len(positive) == 1:
                shape = _tag(
                    "circle",
                    _tag("title", escape(tip)),
                    cx=cx,
                    cy=cy,
                    r=radius,
                    fill=colour,
                    class_="chart-slice",
                )
            else:
                x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
                x2, y2 = cx + radius * math.cos(angle + sweep), cy + radius * math.sin(angle + sweep)
                large = 1 if sweep > math.pi else 0
                d = (
                    f"M{_attr(float(cx))} {_attr(float(cy))} L{_attr(x1)} {_attr(y1)} "
                    f"A{radius} {radius} 0 {large} 1 {_attr(x2)} {_attr(y2)} Z"
                )
                shape = _tag(
                    "path",
                    _tag("title", escape(tip)),
                    d=d,
                    fill=colour,
                    stroke="#ffffff",
                    stroke_width=2,
                    class_="chart-slice",
                )
            parts.append(shape)
            if value * 20 >= total:  # numbers on slices of 5% and more; the legend names them all
                middle = angle + sweep / 2
                tx, ty = cx + radius * 0.65 * math.cos(middle), cy + radius * 0.65 * math.sin(middle)
                parts.append(
                    _text(tx, ty + 5, str(number), anchor="middle", fill="#ffffff", font_weight="bold")
                )
            angle += sweep
        y = legend_top + (number - 1) * line
        parts.append(
            _tag("rect", x=legend_x, y=y - 13, width=16, height=16, fill=colour, class_="chart-swatch")
        )
        amount = f" {_with_unit(value, unit)}（{format_percent(value, total)}%）"
        label = fit(labels[i], PIE_WIDTH - 24 - text_width(f"{number}. {amount}"))
        legend_text = f"{number}. {label}{amount}"
        parts.append(_text(legend_x + 24, y, legend_text, class_="chart-legend"))
    return "".join(parts), legend_top + len(values) * line - 8


DRAW = {"bar": _bar_svg, "line": _line_svg, "pie": _pie_svg}


def _table(title: str, labels, series, unit: str, kind: str) -> str:
    caption = escape(title) + (f"（单位：{escape(unit)}）" if unit else "")
    names = [name or "数值" for name, _ in series]
    head = '<th scope="col">项目</th>' + "".join(f'<th scope="col">{escape(name)}</th>' for name in names)
    total = sum(Decimal(str(v)) for v in series[0][1]) if kind == "pie" else None
    if total is not None:
        head += '<th scope="col">占比</th>'
    rows = []
    for i, label in enumerate(labels):
        cells = "".join(f"<td>{format_number(values[i])}</td>" for _, values in series)
        if total is not None:
            cells += f"<td>{format_percent(series[0][1][i], total)}%</td>"
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (
        '<details class="chart-data" open><summary>数据表</summary>'
        f'<table class="chart-table"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def render_chart(
    kind: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    unit: str = "",
    *,
    summary: str = "",
    id_prefix: str | None = None,
) -> SafeString:
    """The chart as a `<figure>`: inline SVG, a caption with the text summary (and the editor's `summary`),
    and the data table. Raises ChartError for data that cannot be drawn (see `validate`)."""
    labels = [str(label) for label in labels]
    series = [(str(name or ""), list(values)) for name, values in series]
    validate(kind, labels, series)
    prefix = id_prefix or f"chart-{uuid.uuid4().hex[:8]}"
    generated = summary_text(kind, labels, series, unit)
    body, height = DRAW[kind](labels, series, unit, load_colours())
    width = PIE_WIDTH if kind == "pie" else WIDTH
    title_id, summary_id = f"{prefix}-title", f"{prefix}-summary"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-{kind}" role="img" '
        f'aria-labelledby="{title_id} {summary_id}" viewBox="0 0 {width} {_attr(float(height))}" '
        f'width="{width}" height="{_attr(float(height))}" style="max-width:100%;height:auto" '
        'focusable="false">'
        f'<title id="{title_id}">{escape(title)}（{KINDS[kind]}）</title>{body}</svg>'
    )
    note = f'<p class="chart-note">{escape(summary)}</p>' if summary else ""
    caption = (
        f'<figcaption><p class="chart-summary" id="{summary_id}">{escape(generated)}</p>{note}</figcaption>'
    )
    table = _table(title, labels, series, unit, kind)
    return mark_safe(f'<figure class="chart" data-kind="{kind}">{svg}{caption}{table}</figure>')  # noqa: S308
