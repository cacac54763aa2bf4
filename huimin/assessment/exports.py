"""The year's assessment as an XLSX workbook: the rankings per class (with the year-on-year change), then
one worksheet per unit with every row, its score, basis and evidence (text and URL), the adjustments, the
内容保障 part, the weights and the total. Every text cell goes through `safe_cell`."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from huimin.core.exports import safe_cell

from .enums import Basis, RowKind, SheetState, UnitClass

RANKING_HEAD = [
    "单位类别",
    "名次",
    "单位",
    "总分",
    "评测部分",
    "内容保障",
    "单项否决",
    "状态",
    "上年总分",
    "同比变化",
]
ROW_HEAD = [
    "一级指标",
    "二级指标",
    "计分方式",
    "分值",
    "得分",
    "已抽查或录入",
    "依据",
    "网址",
    "扣分",
    "记录人",
    "记录时间",
]
BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def basis_label(code: str) -> str:
    try:
        return Basis(code).label
    except ValueError:
        return "其他"


def kind_label(code: str) -> str:
    try:
        return RowKind(code).label
    except ValueError:
        return "其他"


def class_label(code: str) -> str:
    try:
        return UnitClass(code).label
    except ValueError:
        return "其他"


def state_label(code: str) -> str:
    return SheetState.CLOSED.label if code == SheetState.CLOSED else SheetState.OPEN.label


def _title(name: str, taken: set[str]) -> str:
    base = BAD_TITLE.sub("·", name).strip("'") or "单位"
    base = base[:28]
    title, n = base, 2
    while title in taken:
        title = f"{base[:25]}({n})"
        n += 1
    taken.add(title)
    return title


def _text(value):
    return safe_cell(value) if isinstance(value, str) else value


def workbook(
    document: dict,
    ranked: dict[str, list[dict]],
    changes: dict[int, dict],
    absolute: Callable[[str], str] = lambda url: url,
) -> bytes:
    """`document` is `sheets.compute_year`'s output, `ranked` `sheets.rankings(document)`, `changes` maps a
    unit id to {"previous": total, "change": delta}; `absolute` turns the evidence's site-relative links into
    full addresses."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken = {"排名"}
    ranking = book.create_sheet("排名")
    ranking.append([_text(f"{document['year']}年度考核排名（监测时间点 {document['at']}）")])
    ranking.append(RANKING_HEAD)
    states = {sheet["unit_id"]: sheet.get("state", SheetState.OPEN) for sheet in document["units"]}
    for klass in UnitClass:
        for entry in ranked.get(str(klass), []):
            change = changes.get(entry["unit_id"], {})
            ranking.append(
                [
                    klass.label,
                    entry["rank"],
                    _text(entry["unit"]),
                    entry["total"],
                    entry["evaluation"],
                    entry["assurance"],
                    "是" if entry["veto"] else "否",
                    state_label(states.get(entry["unit_id"], "")),
                    change.get("previous"),
                    change.get("change"),
                ]
            )
    for sheet in document["units"]:
        ws = book.create_sheet(_title(sheet["unit"], taken))
        evaluation, assurance, weights = sheet["evaluation"], sheet["assurance"], sheet["weights"]
        ws.append(["单位", _text(sheet["unit"])])
        ws.append(["单位类别", class_label(sheet["unit_class"])])
        ws.append(["状态", state_label(sheet.get("state", ""))])
        if sheet.get("closed_by"):
            ws.append(["定稿", _text(f"{sheet['closed_by']} {sheet.get('closed_at', '')}")])
        ws.append(["总分", sheet["total"]])
        ws.append(["评测部分得分", evaluation["score"], "权重", weights["evaluation"]])
        ws.append(["内容保障得分", assurance["score"], "权重", weights["assurance"]])
        ws.append(["单项否决", "是" if sheet["veto"] else "否"])
        for finding in sheet.get("veto_findings", []):
            ws.append(["否决依据", _text(finding.get("text", "")), _text(absolute(finding.get("url", "")))])
        ws.append([])
        ws.append(ROW_HEAD)
        for row in evaluation["rows"]:
            lead = [
                _text(row.get("group", "")),
                _text(row["indicator"]),
                basis_label(row["basis"]),
                row["points"],
                row["score"],
                "是" if row.get("checked", True) else "否",
            ]
            evidence = row["evidence"] or [{"text": "", "url": "", "deduction": None}]
            for item in evidence:
                ws.append(
                    [
                        *lead,
                        _text(item.get("text", "")),
                        _text(absolute(item.get("url", ""))),
                        item.get("deduction"),
                        _text(item.get("by", "")),
                        _text(item.get("at", "")),
                    ]
                )
        ws.append([])
        ws.append(["加减分与否决情形", "类别", "是否适用", "分值", "依据", "网址"])
        for adjustment in evaluation.get("adjustments", []):
            evidence = adjustment["evidence"] or [{"text": "", "url": ""}]
            for item in evidence:
                ws.append(
                    [
                        _text(adjustment["indicator"]),
                        kind_label(adjustment["kind"]),
                        "是" if adjustment["applies"] else "否",
                        adjustment["amount"],
                        _text(item.get("text", "")),
                        _text(absolute(item.get("url", ""))),
                    ]
                )
        ws.append(["评测部分", "指标得分合计", "加分", "减分", "未封顶得分", "得分"])
        ws.append(
            [
                "",
                round(sum(r["score"] for r in evaluation["rows"]), 2),
                evaluation["bonus"],
                evaluation["deduction"],
                evaluation.get("raw"),
                evaluation["score"],
            ]
        )
        ws.append([])
        ws.append(
            [
                "内容保障",
                "报送条数",
                "基准条数",
                "信息报送得分",
                "采用积分",
                "同类最高积分",
                "信息采用得分",
                "得分",
            ]
        )
        ws.append(
            [
                "",
                assurance["reports"],
                assurance["base"],
                assurance["report_score"],
                assurance["adoption_points"],
                assurance["class_max_points"],
                assurance["adoption_score"],
                assurance["score"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
