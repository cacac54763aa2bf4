"""The reply letter (政府信息公开申请答复告知书) of an answer, made from the template in
`data/reply_letter.json` as DOCX (python-docx) and PDF (reportlab, with the Adobe CJK font STSong-Light that
PDF readers carry, so no font file is needed on the server)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from django.utils import timezone

from . import answers

DATA = Path(__file__).parent / "data" / "reply_letter.json"
FONT = "STSong-Light"


@cache
def template() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Letter:
    title: str
    number: str
    salutation: str
    paragraphs: tuple[str, ...]
    signature: str
    date: str


def _chinese_date(moment) -> str:
    local = timezone.localtime(moment) if isinstance(moment, datetime) else moment
    return f"{local.year}年{local.month}月{local.day}日"


def compose(application, *, now: datetime | None = None) -> Letter:
    """The letter's words for this application as it stands (dated when signed off, else marked 待审签)."""
    data = template()
    found = answers.by_code().get(application.answer)
    ground = found.ground(application.answer_ground) if found else None
    unit = application.unit
    applicant = application.name
    values = {
        "applicant": applicant,
        "received": _chinese_date(application.corrected_on or application.received_on),
        "submitted": _chinese_date(application.submitted_at),
        "description": application.description[:200] + ("…" if len(application.description) > 200 else ""),
        "unit": unit.name,
        "unit_short": unit.short_name or unit.name[:4],
        "answer": found.name if found else "",
        "ground": ground.name if ground else "",
        "basis": (ground.basis if ground and ground.basis else "《中华人民共和国政府信息公开条例》"),
        "referral": data["referral"].format(referral=application.referral) if application.referral else "",
        "released": data["released"] if application.answer in ("disclose", "partial") else "",
        "text": application.answer_text,
        "code": application.query_code,
        "year": timezone.localtime(application.submitted_at).year,
        "date": _chinese_date(application.signed_at) if application.signed_at else "（待审签）",
    }
    paragraphs = [data["opening"].format(**values)]
    if found is not None:
        paragraphs.append(data["by_answer"][found.code].format(**values))
    if application.answer_text:
        paragraphs.extend(line.strip() for line in application.answer_text.splitlines() if line.strip())
    paragraphs.append(data["remedy"].format(**values))
    return Letter(
        title=data["title"],
        number=data["number"].format(**values),
        salutation=data["salutation"].format(**values),
        paragraphs=tuple(paragraphs),
        signature=data["signature"].format(**values),
        date=data["date"].format(**values),
    )


def docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(letter.title)
    run.bold = True
    run.font.size = Pt(22)
    number = document.add_paragraph(letter.number)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(letter.salutation)
    for text in letter.paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(32)
    for text in (letter.signature, letter.date):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(letter: Letter) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=14, leading=26, firstLineIndent=28, wordWrap="CJK")
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    title = ParagraphStyle("title", parent=plain, fontSize=20, leading=32, alignment=TA_CENTER)
    centred = ParagraphStyle("centred", parent=plain, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=37 * mm, bottomMargin=35 * mm,
        title=letter.title, author=letter.signature,
    )  # fmt: skip
    story = [Paragraph(escape(letter.title), title), Paragraph(escape(letter.number), centred), Spacer(1, 12)]
    story.append(Paragraph(escape(letter.salutation), plain))
    story.extend(Paragraph(escape(text), body) for text in letter.paragraphs)
    story.extend(
        [Spacer(1, 24), Paragraph(escape(letter.signature), right), Paragraph(escape(letter.date), right)]
    )
    document.build(story)
    return buffer.getvalue()


def build(application, *, now: datetime | None = None) -> dict[str, bytes]:
    """The reply letter as {"docx": ..., "pdf": ...}."""
    letter = compose(application, now=now)
    return {"docx": docx(letter), "pdf": pdf(letter)}
