"""The index: documents of every published kind from the demo, kept in step with publishing, unpublishing,
deleting, moving and view restrictions; letters only when published with their reply and never with their
writer's details; the Chinese matching the index makes possible (traditional, pinyin, misspellings,
synonyms); filters and facet counts; rebuilding."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from huimin.articles.models import ArticlePage
from huimin.guides.models import ServiceGuidePage
from huimin.interviews.models import InterviewPage
from huimin.letters.enums import State
from huimin.letters.models import Letter
from huimin.opendata.models import DatasetPage
from huimin.policies.enums import Validity as PolicyValidity
from huimin.policies.models import InterpretationPage, PolicyPage
from huimin.search import analysis, queries, services, sources
from huimin.search.enums import DocumentKind, Validity
from huimin.search.models import SearchDocument
from huimin.sites.models import ColumnPage
from huimin.topics.models import TopicPage

from .factories import NOW, column, ids, publish_article_on, published_letter, query

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def doc_of(page) -> SearchDocument | None:
    return SearchDocument.objects.filter(key=f"page:{page.pk}").first()


def year_of(moment) -> int:
    return timezone.localtime(moment, SHANGHAI).year


# --- every kind, from the demo ------------------------------------------------------------------------


KINDS = [
    (ArticlePage, DocumentKind.ARTICLE),
    (PolicyPage, DocumentKind.POLICY),
    (InterpretationPage, DocumentKind.INTERPRETATION),
    (ServiceGuidePage, DocumentKind.GUIDE),
    (TopicPage, DocumentKind.TOPIC),
    (InterviewPage, DocumentKind.INTERVIEW),
    (DatasetPage, DocumentKind.DATASET),
]


def _in_interpretation_columns(pages) -> list:
    columns = set(ColumnPage.objects.filter(column_type__name="政策解读").values_list("path", flat=True))
    return [page for page in pages if page.path[: -Page.steplen] in columns]


@pytest.mark.parametrize(("model", "kind"), KINDS, ids=[kind for _model, kind in KINDS])
def test_every_live_public_page_of_each_kind_is_indexed_with_its_site_and_full_url(demo, model, kind):
    pages = list(model.objects.live().public())
    articles = list(ArticlePage.objects.live().public())
    if model is ArticlePage:  # an article of a 政策解读 column is an interpretation
        pages = [page for page in pages if page not in _in_interpretation_columns(articles)]
    elif model is InterpretationPage:
        pages += _in_interpretation_columns(articles)
    assert pages, f"the demo has no {kind}"
    documents = {d.key: d for d in SearchDocument.objects.filter(kind=kind).select_related("site")}
    assert set(documents) == {f"page:{page.pk}" for page in pages}
    for page in pages:
        document = documents[f"page:{page.pk}"]
        assert document.site == page.get_site()
        assert document.url == page.get_full_url()
        assert document.url.startswith(f"http://{document.site.hostname}:8000/")
        assert document.title == page.title
        assert document.title_tokens and document.pinyin_tokens
        assert document.indexed_at is not None


def test_an_article_in_a_policy_interpretation_column_is_found_as_an_interpretation(demo):
    interpretations = _in_interpretation_columns(ArticlePage.objects.live().public())
    assert interpretations, "the demo has articles in a 政策解读 column"
    assert doc_of(interpretations[0]).kind == DocumentKind.INTERPRETATION
    news = ArticlePage.objects.live().public().exclude(pk__in=[p.pk for p in interpretations]).first()
    assert doc_of(news).kind == DocumentKind.ARTICLE


def test_each_kind_carries_its_unit_topic_and_year(demo):
    article = ArticlePage.objects.live().first()
    column_page = ColumnPage.objects.get(pk=article.get_parent().pk)
    assert (doc_of(article).unit_id, doc_of(article).year) == (
        column_page.responsible_unit_id,
        year_of(article.pub_date),
    )
    policy = PolicyPage.objects.live().exclude(topic=None).first()
    assert (doc_of(policy).unit_id, doc_of(policy).topic, doc_of(policy).year) == (
        policy.issuer_id,
        policy.topic.name,
        policy.pub_year,
    )
    guide = ServiceGuidePage.objects.live().exclude(unit=None).filter(themes__isnull=False).first()
    assert doc_of(guide).unit_id == guide.unit_id
    assert doc_of(guide).topic == guide.themes.first().name
    interview = InterviewPage.objects.live().first()
    assert (doc_of(interview).unit_id, doc_of(interview).year) == (
        interview.host_unit_id,
        year_of(interview.start_at),
    )
    dataset = DatasetPage.objects.live().first()
    assert (doc_of(dataset).unit_id, doc_of(dataset).topic) == (dataset.unit_id, dataset.theme.name)
    interpretation = InterpretationPage.objects.live().filter(policies__isnull=False).first()
    assert doc_of(interpretation).unit_id == interpretation.policies.first().issuer_id


def test_rich_text_is_made_plain_in_the_body(demo):
    article = ArticlePage.objects.live().exclude(body="").first()
    document = doc_of(article)
    assert "<p" not in document.body and "</" not in document.body
    first_words = sources.plain(article.body)[:20]
    assert first_words in document.body


def test_a_policy_document_carries_the_validity_of_its_policy(demo):
    repealed = PolicyPage.objects.live().filter(validity=PolicyValidity.REPEALED).first()
    valid = PolicyPage.objects.live().filter(validity=PolicyValidity.VALID, invalid_date=None).first()
    assert doc_of(repealed).validity == Validity.REPEALED
    assert doc_of(valid).validity == Validity.VALID
    assert doc_of(ArticlePage.objects.live().first()).validity == Validity.NONE


def test_validity_also_follows_the_dates_of_a_policy():
    today = date(2026, 11, 2)
    policy = PolicyPage(validity=PolicyValidity.VALID)
    assert sources.policy_validity(policy, today) == Validity.VALID
    policy.effective_date = date(2027, 1, 1)
    assert sources.policy_validity(policy, today) == Validity.NOT_YET
    policy.effective_date, policy.invalid_date = date(2020, 1, 1), date(2026, 11, 1)
    assert sources.policy_validity(policy, today) == Validity.EXPIRED
    assert sources.policy_validity(PolicyPage(validity=PolicyValidity.REVISED), today) == Validity.EXPIRED
    assert sources.policy_validity(PolicyPage(validity=PolicyValidity.REPEALED), today) == Validity.REPEALED


# --- indexing follows publishing ----------------------------------------------------------------------


def test_a_newly_published_article_is_indexed_once_the_transaction_commits(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        article = publish_article_on(
            "shuyang.localhost", "tzgg", title="秸秆禁烧通告", body="<p>严禁焚烧秸秆。</p>"
        )
    assert doc_of(article) is None  # nothing before commit
    for callback in pending:
        callback()
    document = doc_of(article)
    assert document.title == "秸秆禁烧通告" and document.site.hostname == "shuyang.localhost"
    assert [document.pk] == ids(query("秸秆禁烧"))


def test_unpublishing_removes_and_republishing_with_a_new_title_updates(
    demo, django_capture_on_commit_callbacks
):
    article = ArticlePage.objects.live().filter(url_path__contains="/gzdt/").first()
    assert doc_of(article) is not None
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert doc_of(article) is None
    found = SearchDocument.objects.filter(pk__in=ids(query(article.title), mode="any"))
    assert f"page:{article.pk}" not in set(found.values_list("key", flat=True))
    article.refresh_from_db()
    article.title = "沭阳县花木节开幕式隆重举行"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    document = doc_of(article)
    assert document.title == "沭阳县花木节开幕式隆重举行"
    assert document.pk in ids(query("花木节开幕式"))


def test_deleting_a_page_removes_its_document(demo, django_capture_on_commit_callbacks):
    guide = ServiceGuidePage.objects.live().first()
    key = f"page:{guide.pk}"
    assert SearchDocument.objects.filter(key=key).exists()
    with django_capture_on_commit_callbacks(execute=True):
        guide.delete()
    assert not SearchDocument.objects.filter(key=key).exists()


def test_deleting_a_column_removes_the_documents_of_every_page_below_it(
    demo, django_capture_on_commit_callbacks
):
    target = column("sucheng.localhost", "tzgg")
    keys = [f"page:{pk}" for pk in ArticlePage.objects.child_of(target).values_list("pk", flat=True)]
    assert keys and SearchDocument.objects.filter(key__in=keys).count() == len(keys)
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=target.pk).delete()
    assert not SearchDocument.objects.filter(key__in=keys).exists()


def test_moving_a_page_to_another_site_rewrites_its_site_and_url(demo, django_capture_on_commit_callbacks):
    article = ArticlePage.objects.child_of(column("slj.localhost", "tzgg")).live().first()
    destination = column("jyj.localhost", "gkxx")
    with django_capture_on_commit_callbacks(execute=True):
        article.move(destination, pos="last-child")
    article.refresh_from_db()
    document = doc_of(article)
    assert document.site.hostname == "jyj.localhost"
    assert document.url == article.get_full_url() and document.url.startswith(
        "http://jyj.localhost:8000/gkxx/"
    )
    assert document.unit_id == destination.responsible_unit_id


def test_a_view_restriction_takes_the_pages_below_out_and_lifting_it_brings_them_back(
    demo, django_capture_on_commit_callbacks
):
    target = column("shuyang.localhost", "zcjd")
    keys = [f"page:{pk}" for pk in Page.objects.descendant_of(target).live().values_list("pk", flat=True)]
    assert keys and SearchDocument.objects.filter(key__in=keys).count() == len(keys)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=target, restriction_type=PageViewRestriction.PASSWORD, password="neibu"
        )
    assert not SearchDocument.objects.filter(key__in=keys).exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert SearchDocument.objects.filter(key__in=keys).count() == len(keys)


def test_a_task_run_late_recomputes_from_the_source(demo):
    """The task reads the source when it runs: a page unpublished after the task was queued is removed."""
    from huimin.search.tasks import index_task

    article = ArticlePage.objects.live().filter(url_path__contains="/tzgg/").first()
    Page.objects.filter(pk=article.pk).update(live=False)  # as if unpublished after queueing
    assert index_task.call(f"page:{article.pk}") == "removed"
    assert doc_of(article) is None
    assert index_task.call(f"page:{article.pk}") == "removed"  # twice: still right
    Page.objects.filter(pk=article.pk).update(live=True)
    assert index_task.call(f"page:{article.pk}") == "indexed"
    assert doc_of(article) is not None


def test_pages_of_types_that_are_not_indexed_never_get_a_document(demo):
    home = Site.objects.get(hostname="127.0.0.1").root_page
    assert services.index_page(home, now=NOW) is None
    assert not SearchDocument.objects.filter(key=f"page:{home.pk}").exists()
    indexed_types = ContentType.objects.get_for_models(*sources.page_models()).values()
    pages = Page.objects.exclude(content_type__in=indexed_types).values_list("pk", flat=True)
    assert not SearchDocument.objects.filter(key__in=[f"page:{pk}" for pk in pages]).exists()


# --- letters ------------------------------------------------------------------------------------------


def test_only_letters_published_with_their_reply_are_in_the_index(demo):
    letter_keys = set(SearchDocument.objects.filter(kind=DocumentKind.LETTER).values_list("key", flat=True))
    published = Letter.objects.filter(state=State.PUBLISHED).exclude(reply="")
    assert published.exists()
    assert letter_keys == {f"letter:{pk}" for pk in published.values_list("pk", flat=True)}


def test_a_published_letter_holds_question_and_reply_but_never_its_writers_details(
    demo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = published_letter(
            "jyj.localhost",
            title="赵六六咨询校车接送时间",
            content="我是赵六六，电话13512345678，也可打 135 1234 5678，住在学府路18号，想问校车几点接送。",
            reply="赵六六您好：校车每天7点接送，详询13512345678。",
        )
    document = SearchDocument.objects.get(key=f"letter:{letter.pk}")
    assert document.kind == DocumentKind.LETTER and document.site.hostname == "jyj.localhost"
    assert document.url == f"http://jyj.localhost:8000/hudong/liuyan/gongkai/#letter-{letter.pk}"
    assert "校车几点接送" in document.body and "校车每天7点接送" in document.body
    assert document.pk in ids(query("校车接送"))
    for secret in ("赵六六", "13512345678", "135 1234 5678", "18号"):
        for field_name in ("title", "summary", "keywords", "body", "title_tokens", "body_tokens", "url"):
            assert not SearchDocument.objects.filter(**{f"{field_name}__contains": secret}).exists(), (
                secret,
                field_name,
            )


def test_letters_not_allowed_not_approved_or_unanswered_stay_out(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        private = published_letter(
            "slj.localhost", title="不愿公开的取水咨询", content="取水", reply="已答复", may_publish=False
        )
        closed = published_letter(
            "slj.localhost", title="只办结不公开", content="取水", reply="已答复", publish=False
        )
        unanswered = published_letter(
            "slj.localhost", title="尚未答复", content="取水", reply="", reply_text=False
        )
    for letter in (private, closed, unanswered):
        assert not SearchDocument.objects.filter(key=f"letter:{letter.pk}").exists()
        assert services.index_letter(letter, now=NOW) is None


def test_taking_a_letter_back_from_publication_removes_it(demo, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    from huimin.letters import services as letters

    with django_capture_on_commit_callbacks(execute=True):
        letter = published_letter(
            "jyj.localhost", title="课后服务收费咨询", content="收费标准", reply="不收费"
        )
    assert SearchDocument.objects.filter(key=f"letter:{letter.pk}").exists()
    dispatcher = get_user_model().objects.get(username="admin")
    with django_capture_on_commit_callbacks(execute=True):
        letters.reopen(letter, "留言人不满意，重新办理。", actor=dispatcher, now=NOW)
    assert not SearchDocument.objects.filter(key=f"letter:{letter.pk}").exists()


# --- finding things -----------------------------------------------------------------------------------


def _seed_documents():
    return set(
        SearchDocument.objects.filter(body__contains="宿遷", title__contains="2022").values_list(
            "pk", flat=True
        )
    )


def test_the_traditional_2022_seed_is_found_by_a_simplified_query(demo):
    seeds = _seed_documents()
    # The imported policy keeps the seed's traditional text (the article shows a simplified reading of it).
    assert len(seeds) >= 1
    assert seeds <= set(ids(query("宿迁市政府网站工作要点")))
    assert seeds <= set(ids(query("宿迁 网站集约化")))


def test_a_traditional_query_finds_simplified_text(demo):
    simplified = ids(query("政务公开管理办法"))
    assert simplified and ids(query("政務公開管理辦法")) == simplified


def test_pinyin_and_a_misspelling_find_the_items_about_shilaohua(demo):
    named = set(SearchDocument.objects.filter(title__contains="适老化").values_list("pk", flat=True)) | set(
        SearchDocument.objects.filter(keywords__contains="适老化").values_list("pk", flat=True)
    )
    assert named
    for text in ("shilaohua", "适老花", "slh"):
        found = set(ids(query(text)))
        assert named <= found, text
        for document in SearchDocument.objects.filter(pk__in=found):
            assert "适老化" in document.title + document.keywords + document.body, (text, document.title)


def test_synonyms_in_the_analysis_widen_the_match(demo):
    target = SearchDocument.objects.filter(body__contains="社会保险").exclude(body__contains="社保").first()
    plain = query("社保")
    widened = query("社保", synonyms={"社保": ["社会保险"]})
    assert target.pk not in ids(plain)
    assert target.pk in ids(widened)
    assert set(ids(plain)) <= set(ids(widened))


def test_all_needs_every_term_and_any_needs_one(demo):
    both = query("适老化 宿城区")
    first, second = set(ids(query("适老化"))), set(ids(query("宿城区")))
    assert set(ids(both, mode="all")) == first & second
    assert set(ids(both, mode="any")) == first | second
    assert first & second and (first | second) - (first & second)


def test_the_site_filter_keeps_to_one_site(demo):
    site = Site.objects.get(hostname="shuyang.localhost")
    everywhere = set(ids(query("通知")))
    here = ids(query("通知"), site_id=site.pk)
    assert here and set(here) < everywhere
    assert set(SearchDocument.objects.filter(pk__in=here).values_list("site_id", flat=True)) == {site.pk}


def test_facet_counts_equal_the_matched_rows_per_value(demo):
    analysed = query("宿迁")
    site = Site.objects.get(hostname="127.0.0.1")
    for filters in ({}, {"site_id": site.pk}, {"kinds": ["policy"], "year": 2026}):
        counts = queries.facet_counts(analysed, **filters)
        assert counts["kind"] and counts["site"] and counts["unit"] and counts["topic"] and counts["year"]
        for facet, key in (("kind", "kinds"), ("site", "site_id"), ("unit", "unit_id"), ("topic", "topic"),
                           ("year", "year")):  # fmt: skip
            for value, count in counts[facet].items():
                narrowed = {**filters, key: [value] if key == "kinds" else value}
                total, _rows = queries.match(analysed, limit=0, **narrowed)
                assert total == count, (filters, facet, value)


def test_the_kind_facet_counts_every_kind_while_one_kind_is_chosen(demo):
    counts = queries.facet_counts(query("宿迁"), kinds=["policy"])
    assert len(counts["kind"]) > 1 and "article" in counts["kind"]


HOSTILE = [
    '" * : ( ) OR NEAR AND -',
    "'; DROP TABLE huimin_search_searchdocument; --",
    "title:宿迁 OR body:*",
    "NEAR(宿迁 政府, 2)",
    "\\' \\\" %s %% ? :1",
    "😀🏛️🚀",
    "宿迁😀政府",
    "宿" * 1000,
    "a" * 1000,
    "",
    "   ",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("mode", ["all", "any"])
def test_hostile_queries_never_raise_nor_reach_the_sql(demo, text, mode):
    before = SearchDocument.objects.count()
    analysed = query(text)
    total, rows = queries.match(analysed, mode=mode, limit=10)
    assert total >= len(rows) and all(isinstance(pk, int) for pk, _score in rows)
    queries.facet_counts(analysed, mode=mode)
    assert SearchDocument.objects.count() == before


def test_a_query_word_with_quotes_is_a_word_not_syntax(demo):
    crafted = analysis.QueryAnalysis(
        raw="x", normalized="x", terms=[analysis.Term('宿迁" OR "政府'), analysis.Term("' OR 1=1 --")]
    )
    assert queries.match(crafted, mode="any") == (0, [])


# --- rebuilding ---------------------------------------------------------------------------------------


def test_a_full_reindex_is_idempotent_and_matches_the_sources(demo):
    before = dict(SearchDocument.objects.values_list("key", "pk"))
    counts = services.reindex(now=NOW + timedelta(hours=1))
    assert counts.removed == 0 and counts.indexed == len(before)
    assert dict(SearchDocument.objects.values_list("key", "pk")) == before  # same rows, rewritten
    assert counts.kinds[DocumentKind.LETTER] == Letter.objects.filter(state=State.PUBLISHED).count()


def test_reindexing_one_site_leaves_the_others_alone_and_removes_stale_documents(demo):
    shuyang = Site.objects.get(hostname="shuyang.localhost")
    sucheng = Site.objects.get(hostname="sucheng.localhost")
    template = SearchDocument.objects.filter(site=shuyang).first()
    for site, key in ((shuyang, "page:99999991"), (sucheng, "page:99999992")):
        SearchDocument.objects.create(key=key, kind="article", site=site, title="已删除的页面", url="/x/",
                                      title_tokens="已删除", indexed_at=NOW)  # fmt: skip
    template.title = "被改乱的标题"
    template.save()
    later = NOW + timedelta(days=1)
    counts = services.reindex(site=shuyang, now=later)
    assert counts.removed == 1
    assert not SearchDocument.objects.filter(key="page:99999991").exists()
    assert SearchDocument.objects.filter(key="page:99999992").exists()  # another site's: untouched
    assert SearchDocument.objects.get(pk=template.pk).title != "被改乱的标题"
    assert not SearchDocument.objects.filter(site=shuyang).exclude(indexed_at=later).exists()
    assert not SearchDocument.objects.filter(site=sucheng, indexed_at=later).exists()
    services.reindex(now=later)
    assert not SearchDocument.objects.filter(key="page:99999992").exists()


def test_reindexing_a_site_keeps_a_page_that_moved_to_another_site(demo):
    article = ArticlePage.objects.child_of(column("sucheng.localhost", "gzdt")).live().first()
    SearchDocument.objects.filter(key=f"page:{article.pk}").update(
        site=Site.objects.get(hostname="jyj.localhost"), indexed_at=NOW - timedelta(days=1)
    )
    services.reindex(site=Site.objects.get(hostname="jyj.localhost"), now=NOW)
    assert doc_of(article).site.hostname == "sucheng.localhost"


def test_a_reindex_leaves_documents_written_while_it_ran(demo):
    from .factories import document

    # A task indexed this page (here: a key no source knows) after the rebuild began: not stale yet.
    written = document("page:987654", title="重建期间发布的文章", now=NOW + timedelta(minutes=5))
    services.reindex(now=NOW)
    assert SearchDocument.objects.filter(pk=written.pk).exists()
    services.reindex(now=NOW + timedelta(hours=1))  # the next rebuild asks: the page does not exist
    assert not SearchDocument.objects.filter(pk=written.pk).exists()


def test_documents_of_sources_not_registered_survive_a_reindex(demo):
    from .factories import document

    entry = document("external:1", title="咨询类留言多长时间内答复", body="1个工作日")
    services.reindex(now=NOW)
    assert SearchDocument.objects.filter(pk=entry.pk).exists()


def test_the_engine_forgets_removed_documents(demo):
    article = ArticlePage.objects.live().filter(url_path__contains="/gzdt/").last()
    document = doc_of(article)
    assert services.remove(document.key) and not services.remove(document.key)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM huimin_search_fts WHERE rowid = %s", [document.pk])
            assert cursor.fetchone()[0] == 0
    assert document.pk not in ids(query(article.title), mode="any")


def test_a_bulk_builder_can_suspend_page_by_page_indexing_and_rebuild_after(
    demo, django_capture_on_commit_callbacks
):
    from huimin.search import tasks

    with tasks.suspended(), django_capture_on_commit_callbacks(execute=True) as queued:
        article = publish_article_on(
            "sucheng.localhost", "tzgg", title="运河文化节通知", body="<p>运河文化节</p>"
        )
    # Nothing of the search index queued; the notice's push (huimin.subscriptions) still is. Tasks are
    # queued as partial(Task.enqueue, …); other callbacks (the page cache's purge) are plain functions.
    tasks_queued = [
        callback.func.__self__.func
        for callback in queued
        if isinstance(callback, partial) and hasattr(callback.func, "__self__")
    ]
    assert tasks.index_task.func not in tasks_queued and doc_of(article) is None
    services.reindex(site=Site.objects.get(hostname="sucheng.localhost"), now=NOW)
    assert doc_of(article).title == "运河文化节通知"


def test_a_new_site_address_rewrites_its_letters_and_the_groups_knowledge_entries(
    demo, django_capture_on_commit_callbacks
):
    from huimin.search.enums import KnowledgeStatus
    from huimin.sites.models import OrgUnit

    with django_capture_on_commit_callbacks(execute=True):
        letter = published_letter(
            "jyj.localhost", title="校车接送时间咨询", content="想问校车几点接送。", reply="校车每天7点接送。"
        )
        entry = services.save_entry(
            None,
            actor=None,
            now=timezone.now(),
            question="取水许可证过期了怎么办？",
            answer="请在有效期届满 45 日前向原审批机关提出延续申请。",
            unit=OrgUnit.objects.get(name="宿迁市水利局"),
            status=KnowledgeStatus.PUBLISHED,
        )
    letter_key, entry_key = f"{sources.LETTER_PREFIX}:{letter.pk}", f"{sources.QA_PREFIX}:{entry.pk}"
    assert SearchDocument.objects.get(key=entry_key).site_id is None
    for hostname, key in (("jyj.localhost", letter_key), ("127.0.0.1", entry_key)):
        site = Site.objects.get(hostname=hostname)
        with django_capture_on_commit_callbacks(execute=True):
            site.hostname = f"new-{hostname}"
            site.save()
        url = SearchDocument.objects.get(key=key).url
        assert url.startswith(f"http://new-{hostname}:8000/"), (hostname, url)
