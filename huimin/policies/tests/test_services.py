"""Policy writes: unique 索引号 across the group, the two-way interpretation link, publishing together."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import Site

from huimin.policies.enums import InterpretationForm, Validity
from huimin.policies.models import InterpretationPage, PolicyLibraryPage, PolicyPage, validate_doc_number
from huimin.policies.services import (
    PolicyData,
    link_interpretation,
    publish_interpretation,
    publish_together,
    upsert_policy,
)
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _library(host):
    return PolicyLibraryPage.objects.in_site(Site.objects.get(hostname=host)).get()


def _data(index_number, **extra):
    values = {
        "title": f"测试文件{index_number}",
        "index_number": index_number,
        "body": "<p>正文</p>",
        "pub_date": datetime(2025, 5, 6, 10, 0, tzinfo=SHANGHAI),
        "issuer": OrgUnit.objects.get(name="宿迁市水利局"),
    } | extra
    return PolicyData(**values)


@pytest.mark.parametrize(
    "number", ["宿政办发〔2022〕1号", "苏政发[2023]12号", "国办函（2018）71号", "宿水发〔2024〕第3号"]
)
def test_it_accepts_document_numbers_in_their_usual_forms(number):
    validate_doc_number(number)


@pytest.mark.parametrize(
    "number", ["2022年1号", "宿政办发〔22〕1号", "宿政办发〔2022〕", "<script>〔2022〕1号"]
)
def test_it_refuses_document_numbers_without_year_or_number(number):
    with pytest.raises(ValidationError, match="文号格式"):
        validate_doc_number(number)


def test_a_second_upsert_with_the_same_index_number_updates_instead_of_duplicating(demo):
    library = _library("slj.localhost")
    first, created = upsert_policy(library, _data("TEST/2025-00001"))
    _, created_again = upsert_policy(library, _data("TEST/2025-00001", title="改过的标题"))
    assert (created, created_again) == (True, False)
    assert PolicyPage.objects.filter(index_number="TEST/2025-00001").count() == 1
    assert PolicyPage.objects.get(pk=first.pk).title == "改过的标题"


def test_an_index_number_owned_by_another_site_is_refused_with_the_owner_named(demo):
    owner, _ = upsert_policy(_library("slj.localhost"), _data("TEST/2025-00002"))
    with pytest.raises(ValidationError) as error:
        upsert_policy(_library("jyj.localhost"), _data("TEST/2025-00002"))
    message = error.value.message_dict["index_number"][0]
    assert owner.title in message and str(owner.pk) in message


def test_the_model_refuses_a_duplicate_index_number_and_names_the_page(demo):
    owner = PolicyPage.objects.live().first()
    clone = PolicyPage(
        title="另一个", slug="x", index_number=owner.index_number, body="<p>x</p>", issuer=owner.issuer
    )
    with pytest.raises(ValidationError) as error:
        clone.clean()
    assert f"《{owner.title}》" in error.value.message_dict["index_number"][0]


def test_a_repealed_policy_needs_its_date(demo):
    with pytest.raises(ValidationError, match="失效/废止日期"):
        upsert_policy(_library("slj.localhost"), _data("TEST/2025-00003", validity=Validity.REPEALED))


def test_one_link_serves_both_directions(demo):
    library = _library("slj.localhost")
    first, _ = upsert_policy(library, _data("TEST/2025-00010"))
    second, _ = upsert_policy(library, _data("TEST/2025-00011"))
    interpretation = publish_interpretation(
        library,
        InterpretationPage(title="解读", slug="jd-test", interpreter="市水利局", body="<p>解读正文</p>"),
        [first],
    )
    assert list(first.interpretations.all()) == [interpretation]
    link_interpretation(interpretation, [second])
    interpretation = InterpretationPage.objects.get(pk=interpretation.pk)
    assert list(interpretation.policies.all()) == [second]
    assert not first.interpretations.exists() and list(second.interpretations.all()) == [interpretation]


def test_visual_interpretations_need_a_full_text_version(demo):
    chart = InterpretationPage(
        title="一图读懂", slug="yt", interpreter="市水利局", form=InterpretationForm.GRAPHIC
    )
    with pytest.raises(ValidationError, match="完整文字版"):
        chart.clean()


def test_a_policy_and_its_interpretation_publish_together_now_or_later(demo):
    library = _library("slj.localhost")
    policy = PolicyPage(
        title="同步发布的文件",
        slug="sync",
        index_number="TEST/2025-00020",
        body="<p>x</p>",
        issuer=OrgUnit.objects.get(name="宿迁市水利局"),
        live=False,
    )
    library.add_child(instance=policy)
    interpretation = InterpretationPage(
        title="同步发布的解读", slug="sync-jd", interpreter="市水利局", body="<p>x</p>", live=False
    )
    library.add_child(instance=interpretation)
    publish_together(policy, interpretation)
    policy.refresh_from_db()
    interpretation.refresh_from_db()
    assert policy.live and interpretation.live
    assert list(policy.interpretations.all()) == [interpretation]

    later = timezone.now() + timedelta(days=2)
    policy2 = PolicyPage(
        title="定时文件",
        slug="sync2",
        index_number="TEST/2025-00021",
        body="<p>x</p>",
        issuer=OrgUnit.objects.get(name="宿迁市水利局"),
        live=False,
    )
    library.add_child(instance=policy2)
    interpretation2 = InterpretationPage(
        title="定时解读", slug="sync2-jd", interpreter="市水利局", body="<p>x</p>", live=False
    )
    library.add_child(instance=interpretation2)
    publish_together(policy2, interpretation2, at=later)
    policy2.refresh_from_db()
    interpretation2.refresh_from_db()
    assert not policy2.live and not interpretation2.live
    assert policy2.go_live_at == later and interpretation2.go_live_at == later
    assert policy2.latest_revision.approved_go_live_at == later


def test_an_editor_cannot_publish_directly_through_the_services(demo):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="slj-editor")
    with pytest.raises(PermissionDenied):
        upsert_policy(_library("slj.localhost"), _data("TEST/2025-00030"), actor=editor)
    leader = get_user_model().objects.get(username="slj-leader")
    upsert_policy(_library("slj.localhost"), _data("TEST/2025-00030"), actor=leader)
    with pytest.raises(PermissionDenied):
        upsert_policy(_library("jyj.localhost"), _data("TEST/2025-00031"), actor=leader)
