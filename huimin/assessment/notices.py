"""通报: the draft notice of a month or quarter on the handling of netizen messages: the ranking of the
units, the late letters and the letters rated 不满意, as a web page (admin, printable) and as DOCX. Its
figures are `supervision.report`'s, never computed again here."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

from . import supervision
from .supervision import Period, Report

RANKING_COLUMNS = ["排名", "单位", "到期留言", "按时答复", "按时答复率", "超期留言", "退回", "不满意"]
LATE_COLUMNS = ["单位", "承办单位", "留言标题", "答复期限", "超期（工作日）", "情形"]
UNSATISFIED_COLUMNS = ["单位", "承办单位", "留言标题", "答复期限", "超期（工作日）", "评价时间"]


def _date(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(SHANGHAI)
    return f"{local:%Y-%m-%d %H:%M}"


def _chinese_date(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def _days(value: float) -> str:
    """Working days late, "—" for an answer given in time."""
    return f"{value:g}" if value else "—"


@dataclass(frozen=True)
class Notice:
    """The notice's words and tables, the same for the page and the document."""

    period: Period
    title: str
    summary: str
    ranking: list[list[str]]
    unranked: list[str]
    late: list[list[str]]
    unsatisfied: list[list[str]]
    deduction: str
    closing: str
    issuer: str
    date: str
    report: Report


def compose(period: Period | str, now: datetime) -> Notice:
    result = supervision.report(period, now)
    period, total = result.period, result.total
    as_of = "" if result.at == period.end else f"（截至{_date(result.at)}）"
    summary = (
        f"{period.label}{as_of}，各单位共收到网民留言 {total.count('received')} 条，答复期限届满的 "
        f"{total.count('due')} 条，按时答复 {total.count('on_time')} 条，按时答复率 {total.on_time_percent}；"
        f"超期留言 {total.count('late')} 条（其中超期答复 {total.count('answered_late')} 条、超期未答复 "
        f"{total.count('unanswered')} 条），分办超期 {total.count('dispatch_late')} 条，签收超期 "
        f"{total.count('accept_late')} 条，退回 {total.count('returned')} 条，留言人评价不满意 "
        f"{total.count('unsatisfied')} 条。现将有关情况通报如下。"
    )
    ranking = [
        [
            str(row.rank),
            row.unit.name,
            str(row.count("due")),
            str(row.count("on_time")),
            row.on_time_percent,
            str(row.count("late")),
            str(row.count("returned")),
            str(row.count("unsatisfied")),
        ]
        for row in result.ranked
    ]
    late = [
        [
            step.owner.name if step.owner else "—",
            step.unit.name if step.unit else "—",
            step.title,
            _date(step.due),
            f"{step.days_late:g}",
            step.status,
        ]
        for step in result.deductions
    ]
    unsatisfied = [
        [
            item.owner.name if item.owner else "—",
            item.unit.name if item.unit else "—",
            item.title,
            _date(item.letter.reply_due),
            _days(item.days_late),
            _date(item.rated_at),
        ]
        for item in result.unsatisfied
    ]
    points = len(result.deductions)
    website, dispatch_system = supervision.WEBSITE_POINTS, supervision.DISPATCH_SYSTEM_POINTS
    deduction = (
        f"按照考核办法，每条超期留言在网站考核“办理答复”指标和“一张网”考核中各扣 {website:g} 分、"
        f"{dispatch_system:g} 分。本期超期留言 {points} 条，共扣网站考核 {website * points:g} 分、"
        f"“一张网” {dispatch_system * points:g} 分。"
    )
    office = OrgUnit.objects.filter(kind="city_office", parent__isnull=True).order_by("sort_order").first()
    return Notice(
        period=period,
        title=f"关于{period.label}政府网站网民留言办理情况的通报",
        summary=summary,
        ranking=ranking,
        unranked=[row.unit.name for row in result.unranked],
        late=late,
        unsatisfied=unsatisfied,
        deduction=deduction,
        closing="请各单位对照通报问题，逐条核查整改，严格落实留言办理时限要求，切实提高答复质量。",
        issuer=office.name if office else "",
        date=_chinese_date(now),
        report=result,
    )


def docx(notice: Notice) -> bytes:
    """The notice as a Word document (draft): headings, the three tables, the deduction, the closing."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(notice.title)
    run.bold = True
    run.font.size = Pt(20)
    draft = document.add_paragraph("（征求意见稿）")
    draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("各县、区人民政府，市各功能区管委会，市各有关部门：")
    body = document.add_paragraph(notice.summary)
    body.paragraph_format.first_line_indent = Pt(28)

    def table(caption: str, columns: list[str], rows: list[list[str]], empty: str) -> None:
        document.add_paragraph(caption).runs[0].bold = True
        if not rows:
            document.add_paragraph(empty)
            return
        grid = document.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, columns, strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for values in rows:
            for cell, text in zip(grid.add_row().cells, values, strict=True):
                cell.text = str(text)

    table("一、各单位留言办理情况排名", RANKING_COLUMNS, notice.ranking, "本期没有答复期限届满的留言。")
    if notice.unranked:
        document.add_paragraph("本期无答复期限届满留言的单位：" + "、".join(notice.unranked) + "。")
    table("二、超期留言", LATE_COLUMNS, notice.late, "本期没有超期留言。")
    table("三、留言人评价不满意的留言", UNSATISFIED_COLUMNS, notice.unsatisfied, "本期没有评价不满意的留言。")
    document.add_paragraph("四、扣分情况").runs[0].bold = True
    document.add_paragraph(notice.deduction).paragraph_format.first_line_indent = Pt(28)
    document.add_paragraph(notice.closing).paragraph_format.first_line_indent = Pt(28)
    for text in (notice.issuer, notice.date):
        if text:
            document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
