"""The distribution of a year's totals: how many units of each class fall in each 10-point band, drawn on
the server as SVG by the open-data chart primitives (`huimin/opendata/drawing.py`), with its text summary
and the data as a table, so the figures stay readable without the picture."""

from __future__ import annotations

from django.utils.safestring import SafeString

from huimin.opendata.drawing import render_chart

from .enums import UnitClass

BANDS = [(low, low + 10) for low in range(0, 100, 10)]  # [0,10) … [90,100]; 100 falls in the last


def band_labels() -> list[str]:
    return [f"{low}–{high}分" if high < 100 else f"{low}–100分" for low, high in BANDS]


def band_of(total: float) -> int:
    return min(max(int(float(total) // 10), 0), len(BANDS) - 1)


def distribution(document: dict) -> list[tuple[str, list[int]]]:
    """Per class present in `document` (the `compute_year` output): the count of units in each band."""
    series = []
    for klass in UnitClass:
        sheets = [s for s in document["units"] if s["unit_class"] == klass]
        if not sheets:
            continue
        counts = [0] * len(BANDS)
        for sheet in sheets:
            counts[band_of(sheet["total"])] += 1
        series.append((klass.label, counts))
    return series


def occupied(series: list[tuple[str, list[int]]]) -> tuple[int, int]:
    """The first and last band that hold a unit (of any class)."""
    used = [i for i in range(len(BANDS)) if any(values[i] for _, values in series)]
    return (used[0], used[-1]) if used else (0, len(BANDS) - 1)


def distribution_chart(document: dict, *, id_prefix: str = "assessment-distribution") -> SafeString | str:
    """The chart as a `<figure>` (SVG, summary, data table) over the bands from the lowest to the highest
    that holds a unit; "" when no unit is assessed."""
    series = distribution(document)
    if not series:
        return ""
    low, high = occupied(series)
    labels = band_labels()[low : high + 1]
    shown = [(name, values[low : high + 1]) for name, values in series]
    note = ""
    if low > 0 or high < len(BANDS) - 1:
        note = f"图中只列出{labels[0]}至{labels[-1]}；其余分数段没有单位。"
    title = f"{document['year']}年各类单位考核总分分布"
    return render_chart("bar", title, labels, shown, "个", summary=note, id_prefix=id_prefix)
