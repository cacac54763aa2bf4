"""Q&A answers from its sources only: the evaluation questions on the demo, knowledge entries and their
validity, and hostile questions."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.search import analysis, qa, services
from huimin.search.enums import KnowledgeStatus
from huimin.search.models import KnowledgeEntry, SearchDocument
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
EVAL = json.loads((Path(__file__).parent / "data" / "eval.json").read_text(encoding="utf-8"))
QUESTIONS = EVAL["questions"]
HOSTILE = [
    "",
    "   ",
    "问" * 1000,
    "🙂🚀 社保 🙂",
    '"留言" OR NEAR(答复 * 时限) AND -投诉 : ( )',
    "<script>alert(1)</script>咨询类留言多长时间内答复？",
    "'; DROP TABLE huimin_search_searchdocument; --",
    "\x00\u200b\ufeff",
]


def _site(hostname="127.0.0.1"):
    return Site.objects.get(hostname=hostname)


def _assert_from_sources(result):
    """Every answer is text its sources hold: a passage of a source's normalized body, or an entry's
    answer."""
    assert result.sources, "an answer always names its sources"
    documents = SearchDocument.objects.filter(url__in=[s["url"] for s in result.sources])
    texts = documents.values_list("summary", "body")
    bodies = [analysis.normalize(f"{summary} {body}") for summary, body in texts]
    answers = list(KnowledgeEntry.objects.values_list("answer", flat=True))
    # A labelled row of a table (qa_passages) is its labels and cells: each cell is text of the source.
    labels = r"\s*(?:一级指标|二级指标|评分细则|分值)\s"
    cells = [cell.strip() for cell in re.split(labels, f" {result.text} ")]
    in_body = all(any(cell in body for body in bodies) for cell in cells if cell)
    assert in_body or result.text in answers


@pytest.mark.parametrize("item", QUESTIONS, ids=[item["q"] for item in QUESTIONS])
def test_it_answers_the_evaluation_questions_or_declines(demo, item):
    result = qa.answer(item["q"], site=_site(), now=DEMO_NOW)
    if item["answer_contains"] is None:
        assert result.text is None
        assert result.confidence < qa.rules().threshold
        return
    assert result.text is not None and item["answer_contains"] in result.text
    assert result.confidence >= qa.rules().threshold
    _assert_from_sources(result)
    if item.get("source"):
        host, path = item["source"].split(" ")
        assert any(host in s["url"] and s["url"].endswith(path) for s in result.sources)


def test_it_answers_from_a_policy_stored_in_traditional_characters(demo):
    policy = SearchDocument.objects.get(url__endswith="/zcwjk/p-000000001-2022-00155/")
    assert "咨詢類留言1個工作日內回復" in policy.body  # the source itself is traditional
    result = qa.answer("咨詢類留言多長時間內答覆？", site=_site(), now=DEMO_NOW)
    assert result.text and "1个工作日" in result.text
    _assert_from_sources(result)


def test_the_unanswered_state_offers_a_message_with_the_question_filled_in(demo):
    result = qa.answer("火星移民怎么申请？", site=_site(), now=DEMO_NOW)
    assert result.text is None and result.confidence_label == qa.NOT_FOUND
    assert result.message_url.startswith("/hudong/liuyan/?")
    assert "title=%E7%81%AB%E6%98%9F" in result.message_url  # 火星, quoted


@pytest.mark.parametrize("question", HOSTILE)
def test_hostile_questions_never_raise_and_never_invent(demo, question):
    result = qa.answer(question, site=_site(), now=DEMO_NOW)
    assert 0.0 <= result.confidence <= 1.0
    if result.text is not None:
        _assert_from_sources(result)
    assert SearchDocument.objects.exists()  # the SQL fragment stayed a word


def _entry(**values):
    defaults = {
        "question": "市民卡丢失后怎么补办？",
        "answer": "携带身份证到市民卡服务网点办理挂失补办。",
        "unit": OrgUnit.objects.order_by("pk").first(),
        "site": None,
        "status": KnowledgeStatus.PUBLISHED,
        "source_links": [{"title": "市民卡服务", "url": "/bszn/"}],
    }
    return services.save_entry(None, actor=None, now=DEMO_NOW, **{**defaults, **values})


def test_a_published_entry_answers_with_its_own_answer_and_links(demo):
    entry = _entry()
    result = qa.answer("市民卡丢失了怎么补办", site=_site(), now=DEMO_NOW)
    assert result.text == entry.answer
    assert result.sources[0]["url"] == "/bszn/"
    _assert_from_sources(result)


@pytest.mark.parametrize(
    "values",
    [
        {"status": KnowledgeStatus.RETIRED},
        {"status": KnowledgeStatus.DRAFT},
        {"valid_until": date(2026, 11, 2)},  # the last day was yesterday
        {"valid_from": date(2026, 11, 3)},
    ],
    ids=["retired", "draft", "expired", "not-yet-valid"],
)
def test_retired_draft_and_expired_entries_are_not_used(demo, values):
    _entry(**values)
    result = qa.answer("市民卡丢失了怎么补办", site=_site(), now=DEMO_NOW)
    assert result.text != "携带身份证到市民卡服务网点办理挂失补办。"


def test_an_entry_retired_after_publishing_stops_answering_and_leaves_the_index(demo):
    entry = _entry()
    assert SearchDocument.objects.filter(key=f"qa:{entry.pk}").exists()
    services.retire_entry(entry, actor=None, now=DEMO_NOW)
    assert not SearchDocument.objects.filter(key=f"qa:{entry.pk}").exists()
    assert qa.answer("市民卡丢失了怎么补办", site=_site(), now=DEMO_NOW).text != entry.answer


def test_an_entry_for_one_site_does_not_answer_on_another(demo):
    _entry(site=_site("shuyang.localhost"))
    assert qa.answer("市民卡丢失了怎么补办", site=_site("shuyang.localhost"), now=DEMO_NOW).text
    assert qa.answer("市民卡丢失了怎么补办", site=_site("jyj.localhost"), now=DEMO_NOW).text is None
    assert (
        qa.answer("市民卡丢失了怎么补办", site=None, now=DEMO_NOW).text is None
    )  # no site: the group's only


def test_an_expiring_entry_answers_until_its_last_day(demo):
    entry = _entry(valid_until=date(2026, 11, 3))
    assert qa.answer("市民卡丢失了怎么补办", site=_site(), now=DEMO_NOW).text == entry.answer
    later = DEMO_NOW + timedelta(days=1)
    assert qa.answer("市民卡丢失了怎么补办", site=_site(), now=later).text != entry.answer


def test_the_search_page_card_answers_questions_only(demo):
    assert qa.card_answer("咨询类留言多长时间内答复？", site=_site(), now=DEMO_NOW) is not None
    assert qa.card_answer("火星移民怎么申请？", site=_site(), now=DEMO_NOW) is None
    assert qa.card_answer("", site=_site(), now=DEMO_NOW) is None


def test_the_rules_file_is_validated():
    good = json.loads(qa.RULES_FILE.read_text(encoding="utf-8"))
    assert qa.parse_rules(good).threshold == good["threshold"]
    from django.core.exceptions import ImproperlyConfigured

    for bad in ({"threshold": 2}, {"passage_kinds": ["nonsense"]}, {"question_words": "多久"}):
        with pytest.raises(ImproperlyConfigured):
            qa.parse_rules({**good, **bad})
