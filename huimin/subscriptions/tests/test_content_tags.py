"""`huimin.accounts.content_tags`: what a published item says about itself in the tag vocabularies."""

from __future__ import annotations

import pytest
from wagtail.models import Page, Site

from huimin.accounts.content_tags import content_tags
from huimin.articles.models import ArticlePage
from huimin.guides.models import ServiceGuidePage
from huimin.opendata.models import DatasetPage
from huimin.policies.models import InterpretationPage, PolicyPage
from huimin.sites.models import ColumnPage

pytestmark = pytest.mark.django_db


def _site(hostname: str) -> Site:
    return Site.objects.get(hostname=hostname)


def _in_site(model, hostname: str):
    return model.objects.live().in_site(_site(hostname)).order_by("pk")


def _article_in(column_type: str) -> ArticlePage:
    for column in ColumnPage.objects.filter(column_type__name=column_type).order_by("pk"):
        article = ArticlePage.objects.live().child_of(column).order_by("pk").first()
        if article is not None:
            return article
    raise AssertionError(f"no article in a {column_type} column")


def test_a_policy_carries_its_own_vocabularies_and_where_it_stands(demo):
    policy = _in_site(PolicyPage, "shuyang.localhost").filter(topic__isnull=False).first()

    tags = content_tags(policy)

    assert tags["kind"] == {"policy"}
    assert tags["topic"] == {policy.topic.name}
    assert tags["industry"] == {industry.name for industry in policy.industries.all()}
    assert tags["service_object"] == {item.name for item in policy.service_objects.all()}
    assert tags["unit"] == {str(policy.issuer_id)}
    assert tags["site"] == {str(_site("shuyang.localhost").pk)}
    assert tags["region"] == {"沭阳县"}
    assert str(policy.get_parent().pk) in tags["column"]
    assert str(policy.pk) not in tags["column"]
    assert all(isinstance(value, str) for values in tags.values() for value in values)


def test_a_policy_of_the_city_portal_is_tagged_with_the_city_as_its_region(demo):
    policy = _in_site(PolicyPage, "127.0.0.1").first()

    assert content_tags(policy)["region"] == {"宿迁市"}


def test_an_interpretation_takes_the_tags_of_the_policies_it_interprets(demo):
    interpretation = next(i for i in InterpretationPage.objects.live().order_by("pk") if i.policies.exists())
    policies = list(interpretation.policies.all())

    tags = content_tags(interpretation)

    assert tags["kind"] == {"interpretation"}
    assert tags["topic"] == {p.topic.name for p in policies if p.topic_id}
    assert tags["industry"] == {i.name for p in policies for i in p.industries.all()}
    assert tags["unit"] == {str(p.issuer_id) for p in policies}


def test_a_guide_has_its_service_objects_its_unit_and_the_topics_of_its_legal_bases(demo):
    guide = next(
        g for g in ServiceGuidePage.objects.live().order_by("pk") if g.bases.filter(policy__isnull=False)
    )

    tags = content_tags(guide)

    assert tags["kind"] == {"guide"}
    assert tags["service_object"] == {item.name for item in guide.service_objects.all()}
    assert tags["unit"] == {str(guide.unit_id)}
    topics = {b.policy.topic.name for b in guide.bases.select_related("policy__topic") if b.policy_id}
    assert tags["topic"] == {t for t in topics if t}


def test_an_article_is_a_notice_only_in_a_notice_column(demo):
    notice = _article_in("通知公告")
    news = _article_in("工作动态")

    assert content_tags(notice)["kind"] == {"notice"}
    assert content_tags(news)["kind"] == {"news"}
    assert content_tags(notice)["unit"] == {str(notice.get_parent().specific.responsible_unit_id)}


def test_the_notice_columns_are_a_setting(demo, settings):
    news = _article_in("工作动态")
    settings.HUIMIN_PUSH_NOTICE_COLUMN_TYPES = ["通知公告", "工作动态"]

    assert content_tags(news)["kind"] == {"notice"}


def test_a_dataset_is_tagged_with_its_unit(demo):
    dataset = DatasetPage.objects.live().order_by("pk").first()

    tags = content_tags(dataset)

    assert tags["kind"] == {"dataset"}
    assert tags["unit"] == {str(dataset.unit_id)}


def test_groups_and_sizes_are_read_from_the_title_keywords_and_summary(demo):
    policy = _in_site(PolicyPage, "127.0.0.1").first()
    policy.title = "关于支持高校毕业生到中小企业就业的通知"
    policy.keywords = "养老"
    policy.summary = "面向小微企业。"

    tags = content_tags(policy)

    assert {"高校毕业生", "老年人", "创业者"} <= tags["group"]  # 小微企业 stands for 创业者 too
    assert tags["size"] == {"中型企业", "小型企业", "微型企业"}


def test_a_revision_object_is_described_as_the_draft_says(demo):
    policy = _in_site(PolicyPage, "127.0.0.1").first()
    draft = policy.get_latest_revision_as_object()
    draft.title = "关于残疾人就业补贴的通知"

    assert "残疾人" in content_tags(draft)["group"]


def test_a_plain_page_is_described_as_its_specific_type(demo):
    policy = _in_site(PolicyPage, "127.0.0.1").first()

    assert content_tags(Page.objects.get(pk=policy.pk)) == content_tags(policy)


def test_a_page_of_another_type_has_only_where_it_stands(demo):
    home = _site("127.0.0.1").root_page

    tags = content_tags(home)

    assert tags["kind"] == set()
    assert tags["site"] == {str(_site("127.0.0.1").pk)}
    assert tags["topic"] == set()
