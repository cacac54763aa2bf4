"""信息报送 and 采用 on the demo site group: who may submit, revise, withdraw, adopt and reject (and who may
not even see an item), points from the year's indicator table, decisions that are final, hostile input, an
adopted 答复口径 becoming a draft Q&A entry, and each unit's progress computed by hand."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry, Page, Site

from huimin.articles.models import ArticlePage
from huimin.assessment import sheets
from huimin.assessment.enums import Adoption, SubmissionKind, SubmissionState
from huimin.assessment.models import IndicatorTable, Submission
from huimin.assessment.queries import portal_site
from huimin.assessment.services import submissions as services
from huimin.assessment.services import tables
from huimin.core.audit import READ
from huimin.search.enums import KnowledgeStatus
from huimin.search.services import entries_for
from huimin.sites.models import ColumnPage, OrgUnit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=SH)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _demo(demo):
    assert portal_site().hostname == "127.0.0.1"  # the city office's site is the portal


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"  # a host of the group (KnownHostMiddleware)
    return client


def _user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def people(demo):
    return {key: _user(key) for key in ("shuyang-editor", "sucheng-editor", "portal-editor", "slj-editor")}


@pytest.fixture
def table(demo):
    return IndicatorTable.objects.filter(year=2026).first() or tables.seed_table(2026)


def _column(site_hostname: str, slug: str = "gzdt") -> ColumnPage:
    site = Site.objects.get(hostname=site_hostname)
    return ColumnPage.objects.descendant_of(site.root_page).get(slug=slug)


@pytest.fixture
def portal_column(demo):
    return _column(portal_site().hostname)


def _submit(people, where, **values):
    defaults = {
        "title": "沭阳县召开营商环境推进会",
        "body": "会议部署了下一阶段工作。\n第二段。",
        "column": where,
    }
    defaults.update(values)
    kind = defaults.pop("kind", SubmissionKind.INFO)
    actor = defaults.pop("actor", people["shuyang-editor"])
    unit = defaults.pop("unit", OrgUnit.objects.get(name="沭阳县"))
    return services.submit(unit, kind, actor=actor, now=NOW, **defaults)


def _logged(item, action):
    return ModelLogEntry.objects.for_instance(item).filter(action=f"huimin_assessment.submission_{action}")


# --- permissions ------------------------------------------------------------------------------------------


def test_a_units_staff_submit_only_for_their_own_unit(people, portal_column):
    item = _submit(people, portal_column)
    assert item.state == SubmissionState.SUBMITTED and item.unit.name == "沭阳县"
    assert item.column_id == portal_column.pk and item.submitted_by == people["shuyang-editor"]
    assert _logged(item, "submit").count() == 1
    for who in ("sucheng-editor", "portal-editor"):  # another unit; the portal office is not 沭阳县's staff
        with pytest.raises(PermissionDenied, match="本人所在单位"):
            _submit(people, portal_column, actor=people[who])


def test_another_unit_can_neither_revise_withdraw_nor_see_an_item(people, portal_column, client):
    item = _submit(people, portal_column, attachment=SimpleUploadedFile("说明.pdf", PDF))
    other = people["sucheng-editor"]
    with pytest.raises(PermissionDenied):
        services.revise(item, title="改", body="改", column=portal_column, actor=other, now=NOW)
    with pytest.raises(PermissionDenied):
        services.withdraw(item, actor=other, now=NOW)
    client.force_login(other)
    assert client.get(reverse("assessment_submission", args=[item.pk])).status_code == 404
    assert client.get(reverse("assessment_submission_file", args=[item.pk])).status_code == 404
    assert (
        client.post(reverse("assessment_submission", args=[item.pk]), {"action": "withdraw"}).status_code
        == 404
    )
    listing = client.get(reverse("assessment_submissions")).content.decode()
    assert item.title not in listing
    item.refresh_from_db()
    assert item.state == SubmissionState.SUBMITTED


def test_the_submitter_revises_and_withdraws_while_it_waits(people, portal_column):
    item = _submit(people, portal_column)
    revised = services.revise(
        item, title="沭阳县召开营商环境推进会（修改）", body=item.body, column=portal_column,
        actor=people["shuyang-editor"], now=NOW + timedelta(hours=1),
    )  # fmt: skip
    assert revised.title.endswith("（修改）")
    entry = _logged(item, "revise").get()
    assert entry.data["changed"] == ["title"] and entry.data["before"]["title"] == "沭阳县召开营商环境推进会"
    with pytest.raises(ValidationError, match="没有修改"):
        services.revise(
            revised, title=revised.title, body=revised.body, column=portal_column,
            actor=people["shuyang-editor"], now=NOW,
        )  # fmt: skip
    services.withdraw(revised, actor=people["shuyang-editor"], now=NOW + timedelta(hours=2))
    revised.refresh_from_db()
    assert revised.state == SubmissionState.WITHDRAWN


def test_a_units_editor_cannot_adopt_and_the_portal_editor_adopts(people, portal_column, table):
    item = _submit(people, portal_column)
    for who in ("shuyang-editor", "slj-editor"):
        with pytest.raises(PermissionDenied, match="门户网站管理部门"):
            services.adopt(item, Adoption.AS_IS, actor=people[who], now=NOW)
        with pytest.raises(PermissionDenied):
            services.reject(item, "不合适", actor=people[who], now=NOW)
    adopted = services.adopt(item, Adoption.AS_IS, actor=people["portal-editor"], now=NOW, note="首页要闻")
    assert adopted.state == SubmissionState.ADOPTED and adopted.decided_by == people["portal-editor"]
    assert adopted.points == Decimal(str(table.adoption_points["info"]["as_is"]))
    page = ArticlePage.objects.get(pk=adopted.page_id)
    assert not page.live and page.get_parent().pk == portal_column.pk  # a draft in the column
    assert page.title == item.title and "<p>会议部署了下一阶段工作。</p>" in page.body
    assert _logged(item, "adopt").get().data["points"] == str(adopted.points)


# --- points and finality ------------------------------------------------------------------------------------


def test_points_come_from_the_years_table(people, portal_column, table):
    first = services.adopt(
        _submit(people, portal_column), Adoption.REWRITTEN, actor=people["portal-editor"], now=NOW,
        make_page=False,
    )  # fmt: skip
    assert first.points == Decimal(str(table.adoption_points["info"]["rewritten"])) and first.page_id is None
    table.adoption_points = {**table.adoption_points, "info": {"as_is": 2, "rewritten": 5, "topic": 3}}
    table.save()
    second = services.adopt(
        _submit(people, portal_column, title="第二条"), Adoption.REWRITTEN, actor=people["portal-editor"],
        now=NOW, make_page=False,
    )  # fmt: skip
    assert second.points == Decimal(5)
    plan = _submit(people, None, kind=SubmissionKind.TOPIC_PLAN, title="四季度专题：乡村振兴", quarter=4)
    adopted = services.adopt(plan, Adoption.TOPIC, actor=people["portal-editor"], now=NOW)
    assert adopted.points == Decimal(str(table.adoption_points["topic_plan"]["topic"]))
    # no table for the year of `now`: refused, nothing changes
    later = _submit(people, portal_column, title="明年的信息")
    with pytest.raises(ValidationError, match="2031 年尚无考核指标表"):
        services.adopt(
            later, Adoption.AS_IS, actor=people["portal-editor"], now=datetime(2031, 1, 5, tzinfo=SH)
        )
    later.refresh_from_db()
    assert later.state == SubmissionState.SUBMITTED and later.points == 0


def test_a_decided_item_cannot_be_decided_again(people, portal_column, table):
    office, staff = people["portal-editor"], people["shuyang-editor"]
    adopted = services.adopt(_submit(people, portal_column), Adoption.TOPIC, actor=office, now=NOW)
    rejected = services.reject(_submit(people, portal_column, title="二"), "内容重复", actor=office, now=NOW)
    withdrawn = services.withdraw(_submit(people, portal_column, title="三"), actor=staff, now=NOW)
    for item in (adopted, rejected, withdrawn):
        with pytest.raises(ValidationError, match="不能再修改或处理"):
            services.adopt(item, Adoption.AS_IS, actor=office, now=NOW)
        with pytest.raises(ValidationError, match="不能再修改或处理"):
            services.reject(item, "再退一次", actor=office, now=NOW)
        with pytest.raises(ValidationError, match="不能再修改或处理"):
            services.revise(item, title="改", body="改", column=portal_column, actor=staff, now=NOW)
    adopted.refresh_from_db()
    assert adopted.adoption == Adoption.TOPIC and adopted.state == SubmissionState.ADOPTED
    with pytest.raises(ValidationError, match="不予采用的理由"):
        services.reject(_submit(people, portal_column, title="四"), "  ", actor=office, now=NOW)


# --- hostile input ------------------------------------------------------------------------------------------


def test_control_characters_oversized_texts_and_forged_columns_are_refused(people, portal_column):
    cases = [
        ({"title": "标题\x00注入"}, "title", "控制字符"),
        ({"body": "正文\x00"}, "body", "控制字符"),
        ({"body": "正文\x1b[31m"}, "body", "控制字符"),
        ({"title": "两行\n标题"}, "title", "不能换行"),
        ({"title": "题" * 201}, "title", "不能超过 200 个字"),
        ({"body": "字" * 20001}, "body", "不能超过 20000 个字"),
        ({"body": "   "}, "body", "请填写正文"),
        ({"column": _column("shuyang.localhost")}, "column", "不是门户网站的栏目"),  # another site's column
        ({"column": "99999999"}, "column", "不是门户网站的栏目"),
        ({"column": "1 OR 1=1"}, "column", "不是门户网站的栏目"),
        ({"column": None}, "column", "请选择拟投的门户网站栏目"),
        ({"kind": SubmissionKind.TOPIC_PLAN, "quarter": 5}, "quarter", "须选择季度"),
        ({"kind": SubmissionKind.ANSWER_CALIBER, "body": "答" * 2001}, "body", "不能超过 2000 个字"),
        ({"kind": "news"}, "kind", "请选择报送类型"),
        ({"attachment": SimpleUploadedFile("报告.pdf", b"<script>alert(1)</script>")}, "attachment", "不符"),
        ({"attachment": SimpleUploadedFile("run.exe", b"MZ\x90\x00")}, "attachment", "不支持"),
    ]
    for values, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            _submit(people, portal_column, **values)
        assert field in caught.value.message_dict, values
        assert message in "".join(caught.value.message_dict[field]), values
    assert not Submission.objects.filter(unit__name="沭阳县", submitted_at=NOW).exists()


def test_a_title_with_markup_is_shown_as_text(people, portal_column, client, demo_clock):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    item = _submit(people, portal_column, title=payload, body=payload)
    for who in ("portal-editor", "shuyang-editor"):
        client.force_login(people[who])
        for url in (reverse("assessment_submissions"), reverse("assessment_submission", args=[item.pk])):
            html = client.get(url).content.decode()
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, (who, url)
            assert payload not in html and "<img src=x" not in html


def test_a_chinese_named_attachment_is_kept_and_served_privately(people, portal_column, client, demo_clock):
    item = _submit(people, portal_column, attachment=SimpleUploadedFile("宿迁市信息报送（第一期）.pdf", PDF))
    assert item.attachment_name == "宿迁市信息报送（第一期）.pdf"
    assert item.attachment.name.startswith("submissions/") and "宿迁" not in item.attachment.name
    client.force_login(people["portal-editor"])
    response = client.get(reverse("assessment_submission_file", args=[item.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert quote("宿迁市信息报送（第一期）.pdf") in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    read = ModelLogEntry.objects.for_instance(item).filter(action=READ).get()
    assert read.data["what"] == "信息报送附件" and read.user == people["portal-editor"]


def test_an_attachment_named_in_gbk_is_not_lost_silently(people, portal_column, client, demo_clock):
    """An old client sends the file name's bytes in GBK. Django's parser drops such a part without a word;
    the screen notices the missing file, says so in Chinese and saves nothing, instead of an item without
    its attachment. A Chinese name sent as UTF-8 is taken as it is."""
    client.force_login(people["shuyang-editor"])
    fields = {
        "unit": str(OrgUnit.objects.get(name="沭阳县").pk),
        "kind": "info",
        "column": str(portal_column.pk),
        "quarter": "",
        "title_text": "GBK 文件名的附件",
        "body": "正文",
    }
    pdf = PDF + b"%" + b"0" * 4000 + b"\n"

    def post(name: bytes):
        boundary = "----huiminboundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; filename="'.encode()
            + name
            + b'"\r\nContent-Type: application/pdf\r\n\r\n'
            + pdf
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        kind = f"multipart/form-data; boundary={boundary}"
        return client.post(reverse("assessment_submission_new"), body, content_type=kind)

    response = post("宿迁报送.pdf".encode("gbk"))
    assert response.status_code == 400 and "附件未能收到：文件名的编码无法识别" in response.content.decode()
    assert not Submission.objects.filter(title="GBK 文件名的附件").exists()
    response = post("宿迁报送.pdf".encode())
    assert response.status_code == 302
    item = Submission.objects.get(title="GBK 文件名的附件")
    assert item.attachment_name == "宿迁报送.pdf" and item.attachment.read() == pdf


def test_the_new_screen_refuses_a_forged_column_and_unit(people, portal_column, client, demo_clock):
    client.force_login(people["shuyang-editor"])
    base = {"kind": "info", "title_text": "伪造栏目", "body": "正文", "quarter": ""}
    forged = {
        **base,
        "unit": str(OrgUnit.objects.get(name="沭阳县").pk),
        "column": str(_column("sucheng.localhost").pk),
    }
    response = client.post(reverse("assessment_submission_new"), forged)
    assert response.status_code == 400 and "所选栏目不是门户网站的栏目" in response.content.decode()
    other_unit = {**base, "unit": str(OrgUnit.objects.get(name="宿城区").pk), "column": str(portal_column.pk)}
    response = client.post(reverse("assessment_submission_new"), other_unit)
    assert response.status_code == 400 and "本人所在单位" in response.content.decode()
    assert not Submission.objects.filter(title="伪造栏目").exists()


# --- 答复口径 -----------------------------------------------------------------------------------------------


def test_an_adopted_answer_caliber_becomes_a_draft_entry_of_the_portal(people, table):
    item = _submit(
        people, None, kind=SubmissionKind.ANSWER_CALIBER, title="沭阳县新生入学报名需要哪些材料？",
        body="户口簿、房产证明（或租赁备案）和儿童预防接种证。",
    )  # fmt: skip
    adopted = services.adopt(item, Adoption.AS_IS, actor=people["portal-editor"], now=NOW)
    entry = adopted.knowledge_entry
    assert entry is not None and entry.status == KnowledgeStatus.DRAFT
    assert entry.question == item.title and entry.answer == item.body
    assert entry.site == portal_site() and entry.source_key == f"submission:{item.pk}"
    assert entry.unit.name == "宿迁市人民政府办公室"  # the portal's unit: its reviewers publish it
    assert entries_for(people["portal-editor"]).filter(pk=entry.pk).exists()
    assert adopted.points == Decimal(str(table.adoption_points["answer_caliber"]["as_is"]))
    assert adopted.page_id is None


# --- progress -----------------------------------------------------------------------------------------------


def _bulk(unit, count, *, state=SubmissionState.SUBMITTED, points=0, at):
    Submission.objects.bulk_create(
        Submission(
            unit=unit, kind=SubmissionKind.INFO, title=f"第{n}条", body="正文", submitted_at=at, state=state,
            points=points, decided_at=at if state == SubmissionState.ADOPTED else None,
            adoption=Adoption.AS_IS if state == SubmissionState.ADOPTED else "",
        )
        for n in range(count)
    )  # fmt: skip


def test_progress_figures_by_hand(demo):
    """2030 (a year nothing else touches): a county with 600 reports of its base 1,200 scores 600/1200 × 30
    = 15.0; a first-tier department with 40 adoption points against the class's best 80 scores 40/80 × 70
    = 35.0; withdrawn items do not count; a key department without an interview has not met its duty."""
    tables.seed_table(2030)
    at, now = datetime(2030, 3, 1, 9, 0, tzinfo=SH), datetime(2030, 6, 30, 18, 0, tzinfo=SH)
    county = OrgUnit.objects.create(name="测试县", kind="county", sort_order=90)
    first = OrgUnit.objects.create(name="测试一局", kind="dept_tier1", sort_order=91, key_livelihood=True)
    best = OrgUnit.objects.create(name="测试二局", kind="dept_tier1", sort_order=92)
    _bulk(county, 600, at=at)
    _bulk(county, 10, at=at, state=SubmissionState.WITHDRAWN)
    _bulk(county, 5, at=datetime(2029, 12, 31, 23, 0, tzinfo=SH))  # the year before
    _bulk(first, 20, at=at, state=SubmissionState.ADOPTED, points=2)  # 40 points
    _bulk(best, 40, at=at, state=SubmissionState.ADOPTED, points=2)  # 80 points
    _bulk(best, 300, at=at)

    mine = services.progress(county, 2030, now)
    assert (mine["reports"], mine["base"], mine["report_score"]) == (600, 1200, 15.0)
    assert mine["report_percent"] == 50 and not mine["base_met"]
    dept = services.progress(first, 2030, now)
    assert (dept["adoption_points"], dept["class_max_points"], dept["adoption_score"]) == (40.0, 80.0, 35.0)
    assert dept["reports"] == 20 and dept["report_score"] == 2.5  # 20 / 240 × 30
    assert dept["score"] == 37.5 and dept["unit_class_label"] == "市级部门第一档"
    assert (
        dept["interviews"] == {"key_department": True, "required": 1, "held": 0}
        and not dept["interviews_met"]
    )
    top = services.progress(best, 2030, now)
    assert top["adoption_score"] == 70.0 and top["report_score"] == 30.0 and top["base_met"]  # 340 ≥ 240
    # the same figures the sheet shows
    sheet = sheets.compute(first, 2030, now)["assurance"]
    assert {k: sheet[k] for k in ("reports", "report_score", "adoption_score", "score")} == {
        k: dept[k] for k in ("reports", "report_score", "adoption_score", "score")
    }
    # the portal office's table holds every assessed unit
    listed = {row["unit"].name: row for row in services.progress_all(2030, now)}
    assert (
        listed["测试县"]["report_score"] == 15.0
        and "沭阳县" in listed
        and "宿迁市人民政府办公室" not in listed
    )


def test_an_interview_hosted_in_the_year_meets_the_key_departments_duty(demo):
    from huimin.interviews.models import InterviewIndexPage, InterviewPage

    tables.seed_table(2030)
    unit = OrgUnit.objects.create(name="测试民生局", kind="dept_tier1", sort_order=93, key_livelihood=True)
    index = InterviewIndexPage.objects.first()
    start = datetime(2030, 5, 20, 9, 30, tzinfo=SH)
    index.add_child(
        instance=InterviewPage(
            title="测试民生局在线访谈", slug="cs-mszft", host_unit=unit, start_at=start,
            end_at=start + timedelta(hours=1), live=True,
        )
    )  # fmt: skip
    found = services.progress(unit, 2030, datetime(2030, 6, 30, tzinfo=SH))
    assert found["interviews"]["held"] == 1 and found["interviews_met"]


# --- screens ------------------------------------------------------------------------------------------------


def test_the_list_filters_and_shows_progress_by_person(people, portal_column, table, client, demo_clock):
    news = _submit(people, portal_column, title="筛选用的信息")
    plan = _submit(people, None, kind=SubmissionKind.TOPIC_PLAN, title="筛选用的选题", quarter=1)
    theirs = _submit(
        people, portal_column, title="宿城区的信息", unit=OrgUnit.objects.get(name="宿城区"),
        actor=people["sucheng-editor"],
    )  # fmt: skip
    services.adopt(news, Adoption.AS_IS, actor=people["portal-editor"], now=NOW, make_page=False)
    url = reverse("assessment_submissions")

    client.force_login(people["portal-editor"])
    html = client.get(url).content.decode()
    assert all(t in html for t in ("筛选用的信息", "筛选用的选题", "宿城区的信息"))
    assert 'id="xxbs-progress-table"' in html and "宿迁市水利局" in html  # every unit's progress
    html = client.get(url, {"kind": "topic_plan"}).content.decode()
    assert "筛选用的选题" in html and "筛选用的信息" not in html
    html = client.get(url, {"state": "adopted", "year": "2026"}).content.decode()
    assert "筛选用的信息" in html and "筛选用的选题" not in html
    html = client.get(url, {"unit": str(theirs.unit_id)}).content.decode()
    assert "宿城区的信息" in html and "筛选用的信息" not in html
    response = client.get(url, {"year": "2019", "kind": "<script>", "state": "x' or 1=1", "unit": "abc"})
    html = response.content.decode()
    assert response.status_code == 200 and "没有符合条件的报送信息" in html
    assert "<script>alert" not in html and "x' or 1=1" not in html

    client.force_login(people["shuyang-editor"])
    html = client.get(url).content.decode()
    assert "筛选用的信息" in html and "宿城区的信息" not in html
    assert 'id="xxbs-progress-table"' not in html and "沭阳县进度" in html and "/ 1200 条（基准）" in html
    assert plan.title in html
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert url in menu and json.dumps("信息报送")[1:-1] in menu  # the sidebar's menu is JSON


def test_the_detail_offers_each_person_their_actions(people, portal_column, table, client, demo_clock):
    item = _submit(people, portal_column)
    url = reverse("assessment_submission", args=[item.pk])

    client.force_login(people["shuyang-editor"])
    html = client.get(url).content.decode()
    assert 'id="action-revise"' in html and 'id="action-withdraw"' in html and 'id="action-adopt"' not in html
    response = client.post(url, {"action": "adopt", "adoption": "as_is"})
    assert response.status_code == 403 and "门户网站管理部门" in response.content.decode()

    client.force_login(people["portal-editor"])
    html = client.get(url).content.decode()
    assert 'id="action-adopt"' in html and 'id="action-reject"' in html and 'id="action-revise"' not in html
    assert f"原文采用（{table.adoption_points['info']['as_is']:g} 分）" in html
    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 400 and "请填写此项" in response.content.decode()
    adopt = {"action": "adopt", "adoption": "rewritten", "note": "改写后刊发", "make_page": "on"}
    response = client.post(url, adopt)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == SubmissionState.ADOPTED and item.page_id is not None
    html = client.get(url).content.decode()
    assert 'id="action-adopt"' not in html and "改写采用" in html and "采用报送信息" in html  # the record
    assert Page.objects.get(pk=item.page_id).live is False
