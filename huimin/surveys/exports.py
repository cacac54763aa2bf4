"""The answers of a questionnaire, or the comments of a consultation, as an XLSX workbook for the owning
unit: one row per answer sheet (one column per question, in the questions' order) or per comment, every text
cell neutralised against formula injection (`huimin.core.exports.safe_cell`)."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from huimin.core.exports import safe_cell, workbook_bytes

from .questions import questions_of

REMOVED = "已删除题目的回答"


def _moment(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _who(account) -> str:
    return f"注册用户 {account.masked_login()}" if account is not None else "匿名"


def _answers_sheet(sheet, survey) -> int:
    questions = questions_of(survey)
    keys = {q.key for q in questions}
    header = ["序号", "提交时间", "答卷人"] + [f"第{q.number}题 {q.text}" for q in questions] + [REMOVED]
    sheet.append([safe_cell(cell) for cell in header])
    count = 0
    for count, response in enumerate(
        survey.responses.select_related("account").order_by("submitted_at", "pk").iterator(chunk_size=500),
        start=1,
    ):
        answers = response.answers or {}
        row = [count, _moment(response.submitted_at), _who(response.account)]
        row += [q.display(answers.get(q.key)) for q in questions]
        row.append("；".join(f"{value}" for key, value in answers.items() if key not in keys))
        sheet.append([safe_cell(cell) for cell in row])
    return count


def _comments_sheet(sheet, survey) -> int:
    sheet.append(
        [
            "序号",
            "提交时间",
            "提交人",
            "称呼",
            "联系方式",
            "意见",
            "处理结果",
            "公开的意见摘要",
            "理由",
            "处理时间",
        ]
    )
    count = 0
    for count, comment in enumerate(
        survey.comments.select_related("account").order_by("submitted_at", "pk").iterator(chunk_size=500),
        start=1,
    ):
        row = [
            count,
            _moment(comment.submitted_at),
            _who(comment.account),
            comment.name,
            comment.contact,
            comment.text,
            comment.get_decision_display(),
            comment.public_text,
            comment.reason,
            _moment(comment.decided_at),
        ]
        sheet.append([safe_cell(cell) for cell in row])
    return count


def workbook(survey) -> tuple[bytes, int]:
    book = Workbook()
    sheet = book.active
    if survey.is_questionnaire:
        sheet.title = "答卷"
        count = _answers_sheet(sheet, survey)
    else:
        sheet.title = "意见"
        count = _comments_sheet(sheet, survey)
    return workbook_bytes(book), count
