"""The 结果反馈's statistics drawn on the server: one bar chart per choice or scale question, by the open-data
chart primitives (`huimin/opendata/drawing.py`: inline SVG, a text summary and the figures as a table, so the
results read without the picture). Each bar is labelled with its option and its share of the respondents."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from huimin.opendata.drawing import render_chart

from .enums import QuestionKind
from .questions import QuestionStatistics


@dataclass
class Charted:
    stats: QuestionStatistics
    chart: SafeString | str  # "" when nobody answered or the question is free text
    note: str


def _note(stats: QuestionStatistics) -> str:
    question = stats.question
    if not stats.answered:
        return "本题暂无回答。"
    if question.kind == QuestionKind.TEXT:
        return f"共 {stats.answered} 人填写了文字意见。"
    text = f"共 {stats.answered} 人回答本题"
    if question.kind == QuestionKind.MULTIPLE:
        text += "，可多选，各项占比之和可超过100%"
    if question.kind == QuestionKind.SCALE:
        text += f"，平均 {stats.mean} 分（满分 {question.scale_max} 分）"
    return text + "。"


def chart_for(stats: QuestionStatistics, *, id_prefix: str) -> Charted:
    question = stats.question
    note = _note(stats)
    if question.kind == QuestionKind.TEXT or not stats.answered:
        return Charted(stats, "", note)
    labels = [f"{tally.label}（{tally.share}%）" for tally in stats.tallies]
    values = [tally.count for tally in stats.tallies]
    title = f"第{question.number}题 {question.text}"
    chart = render_chart("bar", title, labels, [("人数", values)], "人", summary=note, id_prefix=id_prefix)
    return Charted(stats, chart, note)


def charts(statistics: list[QuestionStatistics]) -> list[Charted]:
    return [chart_for(stats, id_prefix=f"survey-q{stats.question.number}") for stats in statistics]
