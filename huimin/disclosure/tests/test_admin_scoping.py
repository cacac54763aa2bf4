"""Nobody sees an application of a unit they do not work for: another unit's staff, an editor of the same
site and the portal's own staff get 404 at the screen, at every action and at every file (not 403: the
application is not even confirmed to exist), and nothing of it in the list or the export; anonymous
visitors are sent to the login."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Site

from huimin.disclosure import services
from huimin.disclosure.admin_forms import FORMS
from huimin.disclosure.enums import FileRole, State
from huimin.disclosure.tests.factories import apply, at
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ("jyj-handler", "jyj-leader", "slj-editor", "portal-handler", "portal-leader")
ACTION_DATA = {
    "register": {},
    "ask_correction": {"request_text": "请补正", "days": "10"},
    "extend": {"days": "5", "reason": "需要调档"},
    "draft_answer": {"answer": "withhold", "ground": "state_secret", "text": "不予公开"},
    "send_back": {"note": "请修改"},
    "sign_off": {},
}


@pytest.fixture
def case(demo):
    """An application of 宿迁市水利局 with the applicant's file, drafted (so a reply letter exists)."""
    users = get_user_model().objects
    site = Site.objects.get(hostname="slj.localhost")
    water = OrgUnit.objects.get(name="宿迁市水利局")
    id_copy = SimpleUploadedFile("身份证复印件.pdf", PDF, content_type="application/pdf")
    application = apply(site, water, at("2026-11-02 10:00"), attachments=[id_copy])[0]
    services.draft_answer(
        application,
        actor=users.get(username="slj-handler"),
        answer="withhold",
        ground="state_secret",
        text="属于国家秘密。",
        now=at("2026-11-03 10:00"),
    )
    application.refresh_from_db()
    return {"application": application, "users": users}


def signed_in(client, user):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


def urls(application) -> list[str]:
    base = f"/admin/disclosure/{application.pk}/"
    return [base] + [f"{base}files/{item.pk}/" for item in application.files.all()]


def test_the_case_has_every_kind_of_file(case):
    roles = set(case["application"].files.values_list("role", flat=True))
    assert roles == {FileRole.APPLICANT, FileRole.REPLY}
    assert set(FORMS) == set(ACTION_DATA)  # every action is tried below


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_get_404_at_the_screen_every_action_and_every_file(client, case, username):
    application = case["application"]
    outsider = signed_in(client, case["users"].get(username=username))
    with time_machine.travel(at("2026-11-04 10:00"), tick=False):
        for address in urls(application):
            assert outsider.get(address).status_code == 404, address
        for action, data in ACTION_DATA.items():
            response = outsider.post(urls(application)[0], {"action": action, **data})
            assert response.status_code == 404, action
        listing = outsider.get("/admin/disclosure/")
        if listing.status_code == 200:  # staff of another unit: their own list, without this one
            assert application.query_code not in listing.content.decode()
            export = outsider.get("/admin/disclosure/?export=xlsx")
            assert application.query_code.encode() not in _xlsx_text(export)
        else:  # no unit to work for: the admin refuses the screen
            assert listing.status_code == 302 and listing.url == "/admin/"
    application.refresh_from_db()
    assert application.state == State.REVIEW and application.events.count() == 2


def test_anonymous_visitors_are_sent_to_the_login(client, case):
    application = case["application"]
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    for address in [*urls(application), "/admin/disclosure/", "/admin/disclosure/board/"]:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), address
    response = client.post(urls(application)[0], {"action": "sign_off"})
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    application.refresh_from_db()
    assert application.state == State.REVIEW


def test_the_units_staff_and_the_platform_see_it(client, case):
    application = case["application"]
    for username in ("slj-handler", "slj-leader", "admin"):
        insider = signed_in(client, case["users"].get(username=username))
        assert (
            application.query_code
            in insider.get(f"/admin/disclosure/?q={application.query_code}").content.decode()
        )
        for address in urls(application):
            assert insider.get(address).status_code == 200, (username, address)
        assert application.query_code.encode() in _xlsx_text(insider.get("/admin/disclosure/?export=xlsx"))


def test_a_unit_filter_naming_another_unit_shows_nothing_of_it(client, case):
    education = OrgUnit.objects.get(name="宿迁市教育局")
    theirs = apply(case["application"].site, education, at("2026-11-02 11:00"))[0]
    handler = signed_in(client, case["users"].get(username="slj-handler"))
    body = handler.get(f"/admin/disclosure/?unit={education.pk}").content.decode()
    assert theirs.query_code not in body and case["application"].query_code not in body
    assert theirs.query_code.encode() not in _xlsx_text(
        handler.get(f"/admin/disclosure/?unit={education.pk}&export=xlsx")
    )


def _xlsx_text(response) -> bytes:
    from openpyxl import load_workbook

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row).encode()
