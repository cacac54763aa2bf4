"""The admin side of the guides: checker warnings on save, the per-unit report with its permission scoping
and exports, and the upload limits of forms and samples."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings
from openpyxl import load_workbook
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from huimin.guides.models import ServiceGuidePage
from huimin.guides.services import upsert_guide

from .guide_helpers import PORTAL, good_data, make_guide, portal_index

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/guide-check/"


def _login(client, demo, username):
    assert client.login(username=username, password=demo.password)


def _document(name: str, size: int = 10):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(b"x" * size), save=False)
    document.file_size = size
    document.save()
    return document


def test_saving_an_empty_guide_in_the_admin_keeps_a_draft_and_warns_of_every_problem(client, demo):
    _login(client, demo, "admin")
    index = portal_index()
    data = nested_form_data(
        {
            "title": "空白事项",
            "slug": "blank-admin-guide",
            "conditions": rich_text(""),
            "bases": inline_formset([]),
            "materials": inline_formset([]),
            "steps": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    response = client.post(
        f"/admin/pages/add/huimin_guides/serviceguidepage/{index.pk}/", data, follow=True, **PORTAL
    )
    guide = ServiceGuidePage.objects.get(slug="blank-admin-guide")
    assert not guide.live
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len([w for w in warnings if w.startswith("办事指南检查：缺少要素")]) == 9
    assert any("“办理流程”" in w and "扣0.5分" in w for w in warnings)


def test_the_report_shows_a_water_editor_only_their_own_guides(client, demo):
    _login(client, demo, "slj-editor")
    response = client.get(REPORT, **PORTAL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "取水许可审批" in text and "义务教育入学报名" not in text and "高龄津贴申领" not in text


def test_the_report_lists_problems_and_deductions_and_filters_by_unit(client, demo):
    guide = make_guide(slug="report-bad", title="问题事项", hours="", consult_phone="123")
    _login(client, demo, "admin")
    response = client.get(REPORT, {"unit": guide.unit_id}, **PORTAL)
    text = response.content.decode()
    assert "问题事项" in text and "缺少要素“办理时间”" in text and "扣0.5分" in text
    assert "取水许可审批" not in text


def test_the_report_exports_csv_and_xlsx_with_formula_cells_neutralised(client, demo):
    make_guide(slug="formula", title='=HYPERLINK("x")', hours="")
    _login(client, demo, "admin")
    response = client.get(REPORT, {"export": "csv"}, **PORTAL)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["办理机构", "事项名称", "状态", "问题数", "扣分"]
    row = next(r for r in rows if "HYPERLINK" in r[1])
    assert row[1].startswith("'=") and row[4] == "0.5"
    response = client.get(REPORT, {"export": "xlsx"}, **PORTAL)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any(str(c.value).startswith("'=HYPERLINK") for c in sheet["B"])


def test_a_message_handler_without_page_rights_sees_no_guides(client, demo):
    _login(client, demo, "slj-handler")
    response = client.get(REPORT, **PORTAL)
    assert response.status_code in (200, 302, 403)
    assert "取水许可审批" not in response.content.decode()


def test_a_form_of_a_wrong_type_is_refused_naming_the_material(demo):
    data = good_data(
        slug="exe-form",
        materials=[
            {
                "name": "申请表",
                "form": "original",
                "medium": "paper",
                "copies": 1,
                "needs_form": True,
                "blank_form": _document("virus.exe"),
                "sample": _document("sample.pdf"),
            }
        ],
    )
    with pytest.raises(ValidationError) as error:
        upsert_guide(data, portal_index())
    assert "材料“申请表”的空白表格" in str(error.value) and "不是允许的文档类型" in str(error.value)
    assert not ServiceGuidePage.objects.filter(slug="exe-form").exists()


@override_settings(HUIMIN_GUIDE_FORM_MAX_MB=1)
def test_an_oversized_sample_is_refused_with_the_limit_named(demo):
    data = good_data(
        slug="big-form",
        materials=[
            {
                "name": "申请表",
                "form": "original",
                "medium": "paper",
                "copies": 1,
                "needs_form": True,
                "blank_form": _document("blank.docx"),
                "sample": _document("sample.pdf", size=1024 * 1024 + 1),
            }
        ],
    )
    with pytest.raises(ValidationError, match=r"填写样表.*超过 1 MB"):
        upsert_guide(data, portal_index())


def test_a_person_may_not_publish_under_another_sites_index(demo):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="slj-editor")
    with pytest.raises(PermissionDenied):
        upsert_guide(good_data(slug="intruder"), portal_index(), actor=editor)
    assert not ServiceGuidePage.objects.filter(slug="intruder").exists()


def test_upsert_updates_an_existing_guide_instead_of_adding_one(demo):
    page = make_guide(slug="twice")
    again, created = upsert_guide(good_data(slug="twice", hours="全天"), portal_index())
    assert not created and again.pk == page.pk
    assert ServiceGuidePage.objects.get(pk=page.pk).hours == "全天"


def test_the_edit_view_shows_the_checker_problems_of_the_saved_guide(client, demo):
    guide = make_guide(slug="edit-panel", hours="")
    _login(client, demo, "admin")
    response = client.get(f"/admin/pages/{guide.pk}/edit/", **PORTAL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已保存版本共有 1 个问题" in text and "缺少要素“办理时间”" in text
