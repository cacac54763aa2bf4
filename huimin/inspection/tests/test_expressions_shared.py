"""The inspection's `sensitive_expression` check reads the content-safety dictionary: the terms edited in the
admin (the database) where there is one, the shipped list otherwise, also from inside the crawler's event
loop; its check id, evidence format and severities stay the inspection's."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huimin.inspection.checks import run_page_checks
from huimin.inspection.checks.expressions import builtin_entries, sensitive_expression
from huimin.inspection.document import Site
from huimin.inspection.enums import Check, Severity
from huimin.inspection.parse import page_from_html

NOW = datetime(2030, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HTML = "<html><head><title>通知</title></head><body><main><p>{}</p></main></body></html>"


def findings(text: str, site: Site | None = None):
    page = page_from_html(HTML.format(text), "https://www.example.gov.cn/a.html")
    return list(sensitive_expression(page, site or Site("https://www.example.gov.cn/", NOW)))


def test_the_builtin_entries_are_the_safety_list():
    from huimin.safety.dictionary import shipped_entries

    assert len(builtin_entries()) == len(shipped_entries()) >= 400


def test_traditional_forms_and_split_terms_are_found_by_the_inspection_too():
    (finding,) = findings("热烈庆祝中華人民共合國成立，台 湾\u200b总统")[:1]
    assert finding.target == "中华人民共合国" and finding.severity == Severity.VETO
    assert [f.target for f in findings("台 湾\u200b总统选举")] == ["台湾总统"]


def test_harmful_terms_are_reported_as_banned_words():
    (finding,) = findings("严厉打击网络赌博违法犯罪")
    assert finding.check == Check.SENSITIVE_EXPRESSION and finding.severity == Severity.WARN
    assert finding.evidence.startswith("“网络赌博”为不规范用语，应删除或改写：…")


@pytest.mark.django_db
def test_a_term_added_in_the_admin_is_checked_by_the_inspection():
    from huimin.safety import services
    from huimin.safety.models import Term, TermCategory

    text = "本市巡检二〇三〇专用错词一则"
    assert findings(text) == []
    category = TermCategory.objects.get(name="其他表述")
    services.add_term(services.TermData("巡检二〇三〇专用错词", category, "veto", "巡检正词"))
    (finding,) = findings(text)
    assert finding.severity == Severity.VETO and finding.evidence.startswith(
        "“巡检二〇三〇专用错词”应为“巡检正词”：…"
    )
    shipped = Term.objects.get(term="再接再励")
    services.change_term(
        shipped,
        services.TermData(shipped.term, shipped.category, shipped.severity, shipped.suggestion, active=False),
    )
    assert findings("再接再励") == []


@pytest.mark.django_db
def test_the_dictionary_is_read_from_inside_the_crawlers_event_loop():
    """Django refuses the database inside a running event loop; the dictionary is then read from a short-lived
    thread (which sees what is committed: the data migration's terms)."""
    from huimin.safety.engine import current_dictionary

    page = page_from_html(HTML.format("我们要再接再励"), "https://www.example.gov.cn/a.html")
    site = Site("https://www.example.gov.cn/", NOW)

    async def crawl():
        return run_page_checks(page, site, [sensitive_expression]), current_dictionary()

    (finding,), dictionary = asyncio.run(crawl())
    assert finding.target == "再接再励" and dictionary.version != "shipped"
