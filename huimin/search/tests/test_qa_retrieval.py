"""Q&A retrieval that tolerates other words (issue 26): tables as labelled passages, answer kinds and spans,
synonyms and colloquial words, refusal with the closest items, hostile questions, and the evaluation set's
dev split on the demo above a floor."""

import re
import sys
from pathlib import Path

import pytest
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.search import analysis, qa, qa_passages, qa_types
from huimin.search.models import SearchDocument

ROW_LABELS = r"\s*(?:一级指标|二级指标|评分细则|分值)\s"
BENCH = Path(__file__).resolve().parents[3] / "bench"
TABLE = (
    "累计得分超过100分的,综合考评该部分得分按满分计算。 一级指标 | 二级指标 | 评分细则 | 分值 | "
    "发布解读 (25分) | 概况信息 | 1.未开设相关栏目的,不得分。 | 2 | 领导信息 | 2.信息缺失的,扣1分。 | 2 | | "
    "内容更新 | 1.监测时间点前2周内动态类栏目未更新的,每发现一处,扣5分。 | 15 | | "
    "办事服务 (23分) | 在线申请 | 注册用户无法在线办事的,不得分。 | 2 | 二、说明如下。"
)


def _site(hostname="127.0.0.1"):
    return Site.objects.get(hostname=hostname)


def _holds(result) -> None:
    """An answer names its sources, and every cell of it (a labelled row's cells, or the passage) is text of
    one of them."""
    assert result.sources
    texts = [
        analysis.normalize(f"{title} {summary} {body}")
        for title, summary, body in SearchDocument.objects.filter(
            url__in=[s["url"] for s in result.sources]
        ).values_list("title", "summary", "body")
    ]
    pieces = [p for p in re.split(ROW_LABELS, f" {result.text} ") if p.strip()]
    assert all(any(piece.strip() in text for text in texts) for piece in pieces), result.text


# --- passages and answer kinds (no database) ----------------------------------------------------------


def test_a_table_becomes_rows_that_keep_their_labels():
    rows = [p.text for p in qa_passages.passages(analysis.normalize(TABLE)) if p.row]
    assert "一级指标 发布解读 分值 25分" in rows
    assert "一级指标 办事服务 分值 23分" in rows
    # A row without its first cell carries the merged first column down, and keeps its own value.
    content = next(row for row in rows if "内容更新" in row)
    assert content.startswith("一级指标 发布解读 二级指标 内容更新 评分细则 1.监测时间点前2周内")
    assert content.endswith("分值 15")
    leader = next(row for row in rows if "领导信息" in row)
    assert leader.endswith("分值 2") and "15" not in leader


def test_plain_text_around_a_table_is_still_cut_into_sentences():
    texts = [p.text for p in qa_passages.passages(analysis.normalize(TABLE)) if not p.row]
    assert "累计得分超过100分的,综合考评该部分得分按满分计算" in texts


def test_a_bracketed_deadline_stays_with_its_sentence_and_its_item():
    text = "3.构建互动服务体系。确保答复准确。(完成时限:2022年3月底) 4.推进集约化。"
    joined = [p.text for p in qa_passages.passages(text)]
    # The whole item through its note, and the last sentence with its note: both text of the source.
    assert "3.构建互动服务体系。确保答复准确。(完成时限:2022年3月底)" in joined
    assert "确保答复准确。(完成时限:2022年3月底)" in joined
    assert all(passage in text for passage in joined)


def test_guide_fields_become_passages_by_label():
    text = (
        "申请条件:取水符合规划。 办理材料:取水许可申请书 办理材料:建设项目水资源论证报告书 "
        "办理地点:市民服务中心二楼 e 区 水利审批窗口 不收费 咨询电话:0527-84367301 "
        "法定办结时限 45 个工作日 承诺办结时限 20 个工作日"
    )
    found = [p.text for p in qa_passages.passages(text)]
    assert "办理材料:取水许可申请书 办理材料:建设项目水资源论证报告书" in found
    assert "办理地点:市民服务中心二楼 e 区 水利审批窗口 不收费" in found  # not cut at the gap in 二楼 e 区
    assert "法定办结时限 45 个工作日 承诺办结时限 20 个工作日" in found
    assert "办理材料:取水许可申请书" not in found  # a field stands whole among its label's fields
    assert all(passage in text for passage in found)


def test_an_interview_question_comes_with_its_reply():
    text = "王先生:民办学校报名人数超过招生计划时怎么录取? 李局长:超过计划的,实行电脑随机录取。"
    found = {p.text: p for p in qa_passages.passages(text)}
    joined = "王先生:民办学校报名人数超过招生计划时怎么录取? 李局长:超过计划的,实行电脑随机录取"
    assert joined in found and not found[joined].asking
    assert found["王先生:民办学校报名人数超过招生计划时怎么录取"].asking


def test_the_rules_file_names_a_bad_secondary_kind():
    import json

    from django.core.exceptions import ImproperlyConfigured

    good = json.loads(qa.RULES_FILE.read_text(encoding="utf-8"))
    assert qa.parse_rules(good).secondary_kinds == tuple(good["secondary_kinds"])
    for bad in ({"secondary_kinds": ["nonsense"]}, {"bm25_b": 3}, {"type_factor": -1}):
        with pytest.raises(ImproperlyConfigured):
            qa.parse_rules({**good, **bad})


@pytest.mark.parametrize(
    "question, kind",
    [
        ("投诉类的留言要几天内给答复", "time_limit"),
        ("办事服务一共几分", "points"),
        ("县区一年需要报送多少条信息？", "count"),
        ("政策文件库要在什么时候建好", "date"),
        ("办企业设立登记要交钱吗", "fee"),
        ("县区的留言转办催办谁来管", "organisation"),
        ("申领发票在哪个窗口办理", "place"),
        ("义务教育招生要考试吗", "yes_no"),
        ("水表读数错了多收的水费咋退", "procedure"),
        ("申请取水许可证要准备什么材料", "material"),
    ],
)
def test_the_kind_of_answer_is_recognised_from_the_question(question, kind):
    assert qa_types.asks(analysis.normalize(question)) == kind


def test_the_span_comes_from_the_clause_of_the_asked_kind_not_the_first_number():
    sentence = "咨询类留言1个工作日内答复,投诉类留言5个工作日内答复"
    assert qa_types.span(sentence, "time_limit", ["投诉"]) == "5个工作日内"
    assert qa_types.span(sentence, "time_limit", ["咨询"]) == "1个工作日内"
    assert qa_types.span("一级指标 办事服务 分值 23分", "points", ["办事服务"]) == "23分"


def test_question_words_are_dropped_without_breaking_content_words():
    rules = qa.rules()
    stripped = qa.strip_question_words(analysis.normalize("县区的留言转办催办由谁来管，一般啥时候"), rules)
    assert "由谁来" not in stripped and "啥时候" not in stripped
    assert "转办催办" in stripped
    # Single-character question words go as words only: 要 is not cut out of 重要.
    assert "重要" in qa.strip_question_words("重要信息要几天", rules)


# --- on the demo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_other_words_and_colloquial_questions_find_the_sentence(demo):
    # 回复 for 答复, 几天 and 要…给 as question words: today's all-terms filter found nothing here.
    result = qa.answer("投诉类的留言要几天内给回复", site=_site(), now=DEMO_NOW)
    assert result.text is not None and "5个工作日" in result.text
    assert result.asks == "time_limit" and result.span and "5个工作日" in result.span
    _holds(result)


@pytest.mark.django_db
def test_a_row_of_the_indicator_table_is_found_by_its_labels(demo):
    result = qa.answer("办事服务这个一级指标一共几分", site=_site(), now=DEMO_NOW)
    assert result.text is not None and "23分" in result.text
    assert result.span == "23分"
    assert any("2022年宿迁市政府网站工作要点" in s["title"] for s in result.sources)
    _holds(result)


@pytest.mark.django_db
def test_below_the_threshold_there_is_no_answer_but_the_closest_items_and_the_message_path(demo):
    result = qa.answer("火星移民的签证怎么办理", site=_site(), now=DEMO_NOW)
    assert result.text is None and result.sources == []
    assert result.confidence < qa.rules().threshold
    assert result.message_url.startswith("/hudong/liuyan/?") and "kind=consult" in result.message_url


@pytest.mark.django_db
def test_a_refusal_lists_the_closest_items_when_something_is_near(demo, monkeypatch):
    rules = qa.rules()
    import dataclasses

    monkeypatch.setattr(qa, "rules", lambda: dataclasses.replace(rules, threshold=1.0))
    result = qa.answer("投诉类的留言要几天内给回复", site=_site(), now=DEMO_NOW)
    assert result.text is None
    assert result.closest and all(item["url"] and item["title"] for item in result.closest)


HOSTILE = [
    "<script>alert(1)</script>投诉类留言几天答复",
    "' OR 1=1; DROP TABLE huimin_search_searchdocument; --",
    "留言" * 5000,
    "鍜ㄨ绫荤暀瑷€澶氶暱鏃堕棿",  # GBK bytes read as UTF-8 the wrong way round
    "？？？！！！。。。，，，",
    "?!#$%^&*()",
]


@pytest.mark.django_db
@pytest.mark.parametrize("question", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_questions_never_raise_and_never_answer_without_a_source(demo, question):
    result = qa.answer(question, site=_site(), now=DEMO_NOW)
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.question) <= qa.MAX_QUESTION_CHARS
    if result.text is not None:
        _holds(result)
    else:
        assert result.sources == []
    assert SearchDocument.objects.exists()


@pytest.mark.django_db
def test_only_punctuation_is_refused_at_once(demo):
    result = qa.answer("？？？！！！。。。，，，", site=_site(), now=DEMO_NOW)
    assert result.text is None and result.confidence == 0.0


@pytest.mark.django_db
@pytest.mark.django_db
def test_a_word_no_document_holds_or_a_common_one_does_not_lose_the_answer(demo, monkeypatch):
    """Candidates hold every term, then all but one: 翠屏岭 (in no document about the quay) does not lose
    the sentence, and short documents that repeat every other word but 申请 do not push the one that holds
    them all out of the candidates."""
    from . import factories

    rules = qa.rules()
    monkeypatch.setattr(qa, "rules", lambda: qa.parse_rules({**_rules_data(), "candidate_documents": 3}))
    for number in range(6):
        factories.document(
            title=f"蓝鲸湾码头夜间停泊船只多 {number}",
            body="蓝鲸湾码头夜间停泊船只多。蓝鲸湾码头夜间停泊热闹，蓝鲸湾码头夜间停泊有序。",
            kind="policy",
        )
    for number in range(40):  # 申请 is a common word: little weight of its own in any one document's score
        factories.document(title=f"申请须知 {number}", body="申请材料齐全的当场受理。", kind="article")
    filler = "码头设施按照有关规定统一维护管理，各单位应当加强日常巡查和安全宣传。" * 8
    source = factories.document(
        title="港口管理办法",
        body=f"{filler}第五条 蓝鲸湾码头夜间停泊申请，应当在3个工作日内办结。第六条 其他事项另行规定。",
        kind="policy",
    )
    result = qa.answer("翠屏岭的人去蓝鲸湾码头夜间停泊，申请要几天办好？", now=DEMO_NOW)
    assert result.text and "3个工作日" in result.text, result
    assert [s["url"] for s in result.sources] == [source.url]
    assert rules.candidate_documents > 3


def _rules_data() -> dict:
    import json

    return json.loads(qa.RULES_FILE.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_the_dev_split_of_the_evaluation_set_is_answered_above_a_floor(demo):
    """The dev split only (the test split is for reporting): the knowledge base as the bench makes it
    (harvested drafts published), then every dev question judged by bench/qa/scoring.py."""
    sys.path.insert(0, str(BENCH / "qa"))
    sys.path.insert(0, str(BENCH))
    import run as bench_run
    import scoring

    bench_run._knowledge_base(DEMO_NOW)
    index = bench_run._index()
    items = [item for item in scoring.load() if item["split"] == "dev"]
    assert not scoring.check_spans(items, index)
    sites = {site.hostname: site for site in Site.objects.all()}
    outcomes = []
    for item in items:
        result = qa.answer(item["q"], site=sites[item.get("site", bench_run.PORTAL)], now=DEMO_NOW)
        correct, named = scoring.judge(item, result.text, result.sources, index)
        outcomes.append(
            scoring.Outcome(
                id=item["id"],
                split="dev",
                asks=item["asks"],
                answerable=bool(item["expect"]),
                answered=result.text is not None,
                correct=correct,
                named_source=named,
                ms=0.0,
                answer=result.text,
                confidence=result.confidence,
                sources=[s.get("url", "") for s in result.sources],
            )
        )
    figures = scoring.figures(outcomes)
    assert figures["answer_accuracy"] >= 0.8, figures


@pytest.mark.django_db
def test_the_page_marks_the_span_and_offers_the_message_path_when_it_declines(client, demo):
    html = client.get("/qa/", {"q": "投诉类的留言要几天内给回复"}, HTTP_HOST="127.0.0.1").content.decode()
    assert '<mark class="answer-span">5个工作日内</mark>' in html
    html = client.get("/qa/", {"q": "火星移民的签证怎么办理"}, HTTP_HOST="127.0.0.1").content.decode()
    assert "未找到确切答案" in html and ">我要留言</a>" in html and "/hudong/liuyan/?kind=consult" in html


def test_the_same_document_on_two_sites_is_one_source_not_two():
    items = [
        {"title": "工作要点", "url": "http://a.localhost/1/", "excerpt": "1个工作日内答复"},
        {"title": "工作要点", "url": "http://b.localhost/1/", "excerpt": "1个工作日内答复"},
        {"title": "工作要点", "url": "http://a.localhost/1/", "excerpt": "另一段"},
        {"title": "工作要点", "url": "http://c.localhost/1/", "excerpt": "另一段"},
        {"title": "考评办法", "url": "http://a.localhost/2/", "excerpt": "1个工作日内答复"},
    ]
    assert [item["url"] for item in qa._unique_by_url(items)] == [
        "http://a.localhost/1/",
        "http://c.localhost/1/",
        "http://a.localhost/2/",
    ]


@pytest.mark.django_db
def test_an_answer_on_every_site_lists_each_source_once(demo):
    for site in Site.objects.all():
        result = qa.answer("咨询类留言多长时间内答复？", site=site, now=DEMO_NOW)
        assert result.text, site.hostname
        shown = [(source["title"], source["excerpt"]) for source in result.sources]
        assert len(shown) == len(set(shown)), (site.hostname, shown)


def test_the_results_page_card_relaxes_candidates_only_for_a_question(monkeypatch):
    """A query that is not a question shows a card only for a sure answer, which holds all its words: the
    results page reads only the documents holding every term for it, the page's own when it has them."""
    calls = []

    def fake_answer(question, *, site=None, now, relax=True, ranked=None):
        calls.append((question, relax, ranked))
        return qa.Answer(question=question, text=None, confidence=0.0)

    monkeypatch.setattr(qa, "answer", fake_answer)
    assert qa.card_answer("社保 缴费", now=DEMO_NOW, ranked=[(7, "policy")]) is None
    assert qa.card_answer("社保怎么缴费？", now=DEMO_NOW, ranked=[(7, "policy")]) is None
    assert calls == [("社保 缴费", False, [(7, "policy")]), ("社保怎么缴费？", True, None)]


CARD_QUERIES = [
    "政府信息公开 申请",
    "依申请公开 期限",
    "适老化改造",
    "营业执照 办理",
    "低保 申请条件",
    "一网通办",
]


@pytest.mark.django_db
def test_the_card_read_from_the_pages_own_matches_is_the_card_read_alone(demo):
    """Over the whole group, the results page hands the card its ranked matches of every word: the card is
    the one the Q&A finds alone, and no ranking read is made for it."""
    from huimin.search import queries

    site = _site()
    for query in CARD_QUERIES:
        results = queries.search(query, site=site, scope="group", now=DEMO_NOW)
        assert results.ranked, query
        alone = qa.card_answer(query, site=site, now=DEMO_NOW)
        shared = qa.card_answer(query, site=site, now=DEMO_NOW, ranked=results.ranked)
        assert alone is not None and shared is not None, query
        # The same passage from the same documents (one guide may stand on several sites, listed in the order
        # each read ranked them).
        assert shared.text == alone.text, query
        assert {s["url"] for s in shared.sources} == {s["url"] for s in alone.sources}, query
    # A page narrowed to a site or by a facet hands nothing: the card reads the whole group itself.
    assert queries.search("营业执照 办理", site=site, scope="site", now=DEMO_NOW).ranked == []
    assert queries.search("营业执照 办理", site=site, scope="group", kind="guide", now=DEMO_NOW).ranked == []
    assert (
        queries.search("政府信息公开 申请", site=site, scope="group", sort="date", now=DEMO_NOW).ranked == []
    )


@pytest.mark.django_db
def test_the_card_of_the_results_page_costs_no_ranking_read_of_its_own(client, demo, monkeypatch):
    from huimin.search import queries

    reads = []
    original = queries.best
    monkeypatch.setattr(queries, "best", lambda *a, **k: reads.append(k) or original(*a, **k))
    response = client.get("/search/", {"q": "营业执照 办理", "scope": "group"}, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200 and 'class="answer-card' in response.content.decode()
    assert reads == []
    response = client.get("/search/", {"q": "营业执照 办理", "scope": "site"}, HTTP_HOST="127.0.0.1")
    assert 'class="answer-card' in response.content.decode()
    assert reads and all(read["titles_first"] for read in reads)
