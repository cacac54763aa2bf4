"""依申请公开 in the admin: the unit's staff work an application from the list to the signed-off answer, each
action through its form and the service of the same name; the service's refusals come back in Chinese with
what was typed kept; personal data is masked in the list and the export and its reading is audited; the
督办 board and the 工作台 panel."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry, Site

from huimin.core.audit import EXPORT, READ
from huimin.disclosure import identity, services
from huimin.disclosure.enums import FileRole, State
from huimin.disclosure.models import Application
from huimin.disclosure.tests.factories import VALID_ID_CARD, apply, at
from huimin.disclosure.wagtail_hooks import disclosure_panel, register_disclosure_menu_item
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
LIST = "/admin/disclosure/"
BOARD = "/admin/disclosure/board/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MONDAY = "2026-11-02 10:00"  # the demo's date; received that day, due 2026-11-30


@pytest.fixture
def people(demo):
    users = get_user_model().objects
    return {
        "site": Site.objects.get(hostname="slj.localhost"),
        "water": OrgUnit.objects.get(name="宿迁市水利局"),
        "education": OrgUnit.objects.get(name="宿迁市教育局"),
        "handler": users.get(username="slj-handler"),
        "leader": users.get(username="slj-leader"),
        "editor": users.get(username="slj-editor"),
        "other": users.get(username="jyj-handler"),
        "admin": users.get(username="admin"),
    }


def signed_in(client, user):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


def new_application(people, when=MONDAY, **overrides) -> Application:
    return apply(people["site"], people["water"], at(when), **overrides)[0]


def url(application) -> str:
    return f"/admin/disclosure/{application.pk}/"


def reads_of(application) -> int:
    return ModelLogEntry.objects.filter(action=READ, object_id=str(application.pk)).count()


def test_a_unit_works_an_application_from_registration_to_the_signed_off_answer(client, people):
    application = new_application(people)
    handler = signed_in(client, people["handler"])
    with time_machine.travel(at("2026-11-03 09:30"), tick=False):
        listing = handler.get(LIST).content.decode()
        assert application.query_code in listing and "张*" in listing and "张三" not in listing
        assert "待登记" in listing and "2026-11-30" in listing and "19 个工作日" in listing

        before = reads_of(application)
        page = handler.get(url(application)).content.decode()
        assert VALID_ID_CARD in page and "张三" in page  # in full, on this screen only
        assert reads_of(application) == before + 1
        assert 'value="register"' in page and 'value="sign_off"' not in page  # a handler does not sign

        assert handler.post(url(application), {"action": "register"}).status_code == 302
        application.refresh_from_db()
        assert application.state == State.PROCESSING and application.registered_by == people["handler"]

        upload = SimpleUploadedFile("批复文件.pdf", PDF, content_type="application/pdf")
        response = handler.post(
            url(application),
            {
                "action": "draft_answer",
                "answer": "disclose",
                "text": "现将该批复文件提供给您。",
                "released": upload,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.state == State.REVIEW and application.drafted_by == people["handler"]
    assert application.files.filter(role=FileRole.RELEASED).count() == 1

    leader = signed_in(client, people["leader"])
    with time_machine.travel(at("2026-11-04 15:00"), tick=False):
        page = leader.get(url(application)).content.decode()
        assert 'value="sign_off"' in page and 'value="send_back"' in page
        assert leader.post(url(application), {"action": "sign_off"}).status_code == 302
    application.refresh_from_db()
    assert application.state == State.ANSWERED and application.signed_by == people["leader"]
    replies = {item.kind: item for item in application.files.filter(role=FileRole.REPLY)}
    assert set(replies) == {"docx", "pdf"}

    page = leader.get(url(application)).content.decode()
    assert "答复告知书" in page and f"/admin/disclosure/{application.pk}/files/{replies['pdf'].pk}/" in page
    before = reads_of(application)
    download = leader.get(f"/admin/disclosure/{application.pk}/files/{replies['pdf'].pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Disposition"].startswith("attachment")
    assert reads_of(application) == before + 1
    assert "审签并答复" in page and "予以公开" in page


def test_correction_pauses_the_clock_and_extension_is_the_reviewers(client, people):
    application = new_application(people)
    handler = signed_in(client, people["handler"])
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        response = handler.post(
            url(application),
            {"action": "ask_correction", "request_text": "请写明批复文件的文号。", "days": "10"},
        )
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.state == State.CORRECTION and application.due_on is None
        listing = handler.get(LIST).content.decode()
        assert "暂停计时" in listing and "待补正" in listing
        services.submit_correction(application, "文号为宿水审〔2025〕12号。")

        refused = handler.post(url(application), {"action": "extend", "days": "10", "reason": "需要调档"})
        assert refused.status_code == 403 and "须经单位审核人" in refused.content.decode()
        assert "需要调档" in refused.content.decode()  # what was typed stays on the form
        application.refresh_from_db()
        assert application.extension_days == 0

        leader = signed_in(client, people["leader"])
        too_long = leader.post(url(application), {"action": "extend", "days": "21", "reason": "需要调档"})
        assert too_long.status_code == 400 and "不能大于 20" in too_long.content.decode()
        no_reason = leader.post(url(application), {"action": "extend", "days": "10", "reason": "  "})
        assert no_reason.status_code == 400 and "请填写" in no_reason.content.decode()
        ok = leader.post(url(application), {"action": "extend", "days": "10", "reason": "需要调取档案"})
        assert ok.status_code == 302
        application.refresh_from_db()
        assert application.extension_days == 10 and application.extended_by == people["leader"]
        second = leader.get(url(application)).content.decode()
        assert 'value="extend"' not in second  # once only
        again = leader.post(url(application), {"action": "extend", "days": "5", "reason": "再延"})
        assert again.status_code == 400 and "只能延长一次" in again.content.decode()


def test_a_reviewer_sends_a_draft_back_and_the_drafter_may_not_sign_it(client, people):
    application = new_application(people)
    leader = signed_in(client, people["leader"])
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        leader.post(
            url(application),
            {
                "action": "draft_answer",
                "answer": "withhold",
                "ground": "state_secret",
                "text": "属于国家秘密。",
            },
        )
        application.refresh_from_db()
        assert application.state == State.REVIEW and application.drafted_by == people["leader"]
        page = leader.get(url(application)).content.decode()
        assert 'value="sign_off"' not in page and "须由本单位另一位审核人审签" in page
        refused = leader.post(url(application), {"action": "sign_off"})
        assert refused.status_code == 403 and "拟办人不能审签" in refused.content.decode()
        application.refresh_from_db()
        assert application.state == State.REVIEW

        handler = signed_in(client, people["handler"])
        not_yours = handler.post(url(application), {"action": "send_back", "note": "请补充依据"})
        assert not_yours.status_code == 403 and "只有单位审核人可以退回" in not_yours.content.decode()
        not_yours = handler.post(url(application), {"action": "sign_off"})
        assert not_yours.status_code == 403
        application.refresh_from_db()
        assert application.state == State.REVIEW

        leader = signed_in(client, people["leader"])
        back = leader.post(url(application), {"action": "send_back", "note": "请补充定密依据"})
        assert back.status_code == 302
    application.refresh_from_db()
    assert application.state == State.PROCESSING
    assert application.events.filter(action="send_back", note="请补充定密依据").exists()


def test_the_ground_is_checked_against_the_answer_without_script(client, people):
    application = new_application(people)
    handler = signed_in(client, people["handler"])
    text = "经查，该信息不属于本机关职责范围。"
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        wrong = handler.post(
            url(application),
            {"action": "draft_answer", "answer": "withhold", "ground": "not_held", "text": text},
        )
        body = wrong.content.decode()
        assert wrong.status_code == 400 and "“不予公开”没有这一具体情形" in body and text in body
        missing = handler.post(
            url(application), {"action": "draft_answer", "answer": "withhold", "text": text}
        )
        assert missing.status_code == 400 and "须选择具体情形" in missing.content.decode()
        no_referral = handler.post(
            url(application),
            {"action": "draft_answer", "answer": "unavailable", "ground": "not_held", "text": text},
        )
        assert no_referral.status_code == 400 and "须告知申请人负责公开的机关" in no_referral.content.decode()
        no_files = handler.post(
            url(application), {"action": "draft_answer", "answer": "disclose", "text": text}
        )
        assert no_files.status_code == 400 and "请上传公开的政府信息" in no_files.content.decode()
        fake = SimpleUploadedFile("文件.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
        bad = handler.post(
            url(application), {"action": "draft_answer", "answer": "disclose", "text": text, "released": fake}
        )
        assert bad.status_code == 400 and "内容与其类型不符" in bad.content.decode()
        application.refresh_from_db()
        assert application.state == State.SUBMITTED
        ok = handler.post(
            url(application),
            {
                "action": "draft_answer",
                "answer": "unavailable",
                "ground": "not_held",
                "text": text,
                "referral": "宿迁市自然资源和规划局，0527-84000000",
            },
        )
        assert ok.status_code == 302
    application.refresh_from_db()
    assert (application.answer, application.answer_ground) == ("unavailable", "not_held")
    # The ground select is grouped by answer, for the script to filter.
    page = handler.get(url(application)).content.decode()
    assert "无法提供：本机关不掌握相关政府信息" in page


def test_applicant_text_and_staff_text_are_shown_escaped(client, people):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    application = new_application(people, description=f"请公开 {payload}", purpose=payload)
    handler = signed_in(client, people["handler"])
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        handler.post(
            url(application), {"action": "ask_correction", "request_text": f"请说明 {payload}", "days": "10"}
        )
        page = handler.get(url(application)).content.decode()
        listing = handler.get(LIST).content.decode()
    for body in (page, listing):
        assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_export_masks_identity_and_neutralises_formulas(client, people):
    from openpyxl import load_workbook

    name = '=HYPERLINK("http://x")'
    first = new_application(people, name=name, description="=1+2 请公开水利工程批复")
    second = new_application(people, description="@SUM(A1) 水利项目清单")
    handler = signed_in(client, people["handler"])
    with time_machine.travel(at("2026-11-03 10:00"), tick=False):
        response = handler.get(LIST + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, body = rows[0], rows[1:]
    assert header[:5] == ["查询码", "申请人", "申请人类型", "证件类型", "证件号码"]
    everything = [str(value) for row in body for value in row if value is not None]
    assert VALID_ID_CARD not in everything
    assert not any(cell.startswith(("=", "@", "+", "-")) for cell in everything)
    mine = {row[0]: row for row in body if row[0] in (first.query_code, second.query_code)}
    assert set(mine) == {first.query_code, second.query_code}
    cells = [str(value) for row in mine.values() for value in row if value is not None]
    assert "张三" not in " ".join(cells) and cells.count("3213**********1234") == 2
    assert "'=1+2 请公开水利工程批复" in cells and "'@SUM(A1) 水利项目清单" in cells
    assert mine[first.query_code][1] == "'" + identity.masked_name(name)  # "'=*********…"
    assert mine[second.query_code][1] == "张*"
    export = ModelLogEntry.objects.filter(action=EXPORT, user_id=people["handler"].pk).latest("timestamp")
    assert export.data["what"] == "依申请公开列表" and export.data["count"] == len(body)


def test_the_list_filters_by_state_level_year_and_code(client, people):
    late = new_application(people, when="2026-09-01 10:00")  # due in October: late on 11-18
    near = new_application(people, when="2026-10-26 10:00")  # due 2026-11-23: 3 working days left on 11-18
    fresh = new_application(people, when="2026-11-16 10:00")
    old = new_application(people, when="2025-06-03 10:00")
    services.withdraw(old, now=at("2025-06-04 10:00"))
    handler = signed_in(client, people["handler"])
    with time_machine.travel(at("2026-11-18 10:00"), tick=False):

        def codes(query):
            body = handler.get(LIST + query).content.decode()
            return {a.query_code for a in (late, near, fresh, old) if a.query_code in body}

        assert codes("?level=overdue") == {late.query_code}
        assert codes("?level=warning") == {near.query_code}
        assert fresh.query_code in codes("?level=normal") and late.query_code not in codes("?level=normal")
        assert codes("?state=withdrawn") == {old.query_code}
        assert codes("?year=2025") == {old.query_code}
        assert codes(f"?q={fresh.query_code.lower()}") == {fresh.query_code}
        assert codes("?state=<script>&level=bogus&year=abc&unit=x") == {
            a.query_code for a in (late, near, fresh, old)
        }
        body = handler.get(LIST + "?level=overdue").content.decode()
        assert "超期 " in body and "disclosure-level-overdue" in body


def test_the_board_is_the_platform_teams(client, people, django_user_model):
    late = new_application(people, when="2026-09-01 10:00")
    other = apply(people["site"], people["education"], at("2026-10-26 10:00"))[0]
    with time_machine.travel(at("2026-11-18 10:00"), tick=False):
        for name in ("handler", "leader"):  # the admin's refusal: back to the dashboard, nothing shown
            refused = signed_in(client, people[name]).get(BOARD)
            assert refused.status_code == 302 and refused.url == "/admin/"
        body = signed_in(client, people["admin"]).get(BOARD).content.decode()
        assert late.query_code in body and other.query_code in body
        assert "宿迁市水利局" in body and "宿迁市教育局" in body
        assert body.index(late.query_code) < body.index(other.query_code)  # soonest due first

        watcher = django_user_model.objects.create_user("disclosure-watcher", password="not-used-here")
        watcher.user_permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_disclosure_board"),
        )
        board = signed_in(client, watcher).get(BOARD).content.decode()
        assert late.query_code in board
        assert f'href="/admin/disclosure/{late.pk}/"' not in board  # the board, not the applications
        assert signed_in(client, watcher).get(url(late)).status_code == 404
    listing = signed_in(client, people["admin"]).get(LIST).content.decode()
    assert 'href="/admin/disclosure/board/"' in listing


def test_the_workbench_shows_what_waits_for_my_unit(client, people):
    late = new_application(people, when="2026-09-01 10:00")
    waiting = new_application(people, when="2026-11-16 10:00")
    apply(people["site"], people["education"], at("2026-09-01 10:00"))
    now = at("2026-11-18 10:00")
    panel = disclosure_panel(people["handler"], now)
    counts = {row.label: row.count for row in panel.counts}
    mine = Application.objects.filter(unit=people["water"])
    assert counts["待登记"] == mine.filter(state=State.SUBMITTED).count() >= 2
    assert counts["超期"] >= 1
    labels = " ".join(row.label for row in panel.rows)
    assert late.query_code in labels and waiting.query_code not in labels
    assert all("宿迁市水利局" in row.label for row in panel.rows)
    assert disclosure_panel(people["editor"], now) is None
    with time_machine.travel(now, tick=False):
        home = signed_in(client, people["handler"]).get("/admin/").content.decode()
    assert "依申请公开待办" in home and "/admin/disclosure/?level=overdue" in home


def test_the_menu_item_is_for_the_units_staff_and_the_platform(people):
    item = register_disclosure_menu_item()
    assert item.url == LIST and item.label == "依申请公开"
    shown = {
        name: item.is_shown(SimpleNamespace(user=people[name]))
        for name in ("handler", "leader", "editor", "admin")
    }
    assert shown == {"handler": True, "leader": True, "editor": False, "admin": True}
