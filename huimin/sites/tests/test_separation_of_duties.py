"""三员分立: the platform administrator (系统管理员), the security administrator (安全管理员) and the security
auditor (安全审计员) are three accounts. The two security roles are group-wide groups of their own, not
superusers; the auditor reads the audit log and changes nothing; the security administrator manages the sites'
roles and lifts login locks, and nothing more.

Personas: the platform administrator `admin`, a security administrator, a security auditor, the portal's
site administrator and editor, and newcomers.
"""

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import GroupPagePermission, ModelLogEntry, Page, PageLogEntry, Site

from huimin.core import login
from huimin.letters.models import Letter
from huimin.sites import services
from huimin.sites.enums import DUTY_ROLES, SECURITY_ROLES, Role
from huimin.sites.models import Membership, OrgUnit, SiteIdentity, SiteRoleGroup

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
CENTRE = "宿迁市大数据中心"
REFUSED = (302, 403, 404, 405)
FORM_ERROR = (200, 400)  # a form shown again with its error: the choices it offers are empty for the auditor


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def people(demo, django_user_model):
    users = django_user_model.objects
    unit = OrgUnit.objects.get(name=CENTRE)
    admin = users.get(username="admin")
    found = {"admin": admin, "unit": unit, "portal": Site.objects.get(hostname="127.0.0.1")}
    for name, role in (("secadmin", Role.SECURITY_ADMIN), ("auditor", Role.SECURITY_AUDITOR)):
        found[name] = users.create_user(f"test-{name}", password=demo.password)
        services.assign_role(found[name], role=role, org_unit=unit, actor=admin)
    for name in ("portal-siteadmin", "portal-editor"):
        found[name] = users.get(username=name)
    return found


def _newcomer(django_user_model, name="newcomer"):
    return django_user_model.objects.create_user(name, password="not-used-here")


def _roles(user) -> set[str]:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(DUTY_ROLES, 2)))
def test_no_account_holds_two_of_the_three_roles(people, django_user_model, first, second):
    person = _newcomer(django_user_model)
    services.assign_role(person, role=first, org_unit=people["unit"], actor=people["admin"])
    with pytest.raises(ValidationError) as refused:
        services.assign_role(person, role=second, org_unit=people["unit"], actor=people["admin"])
    assert "三员分立" in str(refused.value) and Role(first).label in str(refused.value)
    person.refresh_from_db()
    assert _roles(person) == {first}
    assert person.is_superuser is (first == Role.PLATFORM_ADMIN)
    assert (
        not ModelLogEntry.objects.filter(action="huimin.role.assign", data__role=second)
        .filter(data__user=person.username)
        .exists()
    )


@pytest.mark.parametrize("role", SECURITY_ROLES)
def test_a_superuser_made_outside_the_roles_cannot_be_a_security_officer(people, django_user_model, role):
    root = django_user_model.objects.create_superuser("made-by-createsuperuser", password="not-used-here")
    with pytest.raises(ValidationError) as refused:
        services.assign_role(root, role=role, org_unit=people["unit"], actor=people["admin"])
    assert "超级用户" in str(refused.value)
    assert _roles(root) == set()


@pytest.mark.parametrize("role", SECURITY_ROLES)
def test_the_security_roles_are_group_wide_groups_of_their_own_not_superusers(people, role):
    name = "auditor" if role == Role.SECURITY_AUDITOR else "secadmin"
    person = people[name]
    link = SiteRoleGroup.objects.get(site=None, role=role)
    assert list(person.groups.all()) == [link.group]
    assert not person.is_superuser and not person.is_staff
    granted = {(p.content_type.app_label, p.codename) for p in link.group.permissions.all()}
    assert granted == set(services.DUTY_PERMISSIONS[role])
    assert not GroupPagePermission.objects.filter(group=link.group).exists()
    with pytest.raises(ValidationError):
        services.assign_role(
            person, role=role, org_unit=people["unit"], site=people["portal"], actor=people["admin"]
        )


def test_only_the_auditor_and_platform_administrators_may_read_the_log(people):
    assert people["auditor"].has_perm("huimin_core.view_auditlog")
    assert people["admin"].has_perm("huimin_core.view_auditlog")
    for name in ("secadmin", "portal-siteadmin", "portal-editor"):
        assert not people[name].has_perm("huimin_core.view_auditlog"), name


def test_permissions_added_to_a_security_group_by_hand_are_reported_and_taken_away_again(
    people, django_user_model
):
    from django.contrib.auth.models import Permission

    group = SiteRoleGroup.objects.get(site=None, role=Role.SECURITY_AUDITOR).group
    group.permissions.add(Permission.objects.get(codename="change_page"))
    warnings = [m for m in run_checks(databases=["default"]) if m.id == "huimin.W002"]
    assert any("安全审计员" in w.msg and "change_page" in w.msg for w in warnings)
    services.assign_role(
        _newcomer(django_user_model),
        role=Role.SECURITY_AUDITOR,
        org_unit=people["unit"],
        actor=people["admin"],
    )
    assert not Group.objects.get(pk=group.pk).permissions.filter(codename="change_page").exists()


def test_an_account_holding_two_roles_by_hand_is_reported(people):
    people["auditor"].is_superuser = True  # ticked in Wagtail's user screen, past `assign_role`
    people["auditor"].save()
    warnings = [m for m in run_checks(databases=["default"]) if m.id == "huimin.W002"]
    assert any("test-auditor" in w.msg and "平台管理员" in w.msg and "安全审计员" in w.msg for w in warnings)


# --- who assigns what -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", DUTY_ROLES)
@pytest.mark.parametrize("actor", ["secadmin", "auditor", "portal-siteadmin"])
def test_only_a_platform_administrator_appoints_the_three(people, django_user_model, role, actor):
    person = _newcomer(django_user_model)
    with pytest.raises(PermissionDenied):
        services.assign_role(person, role=role, org_unit=people["unit"], actor=people[actor])
    assert _roles(person) == set()


def test_the_security_administrator_gives_and_takes_site_roles(people, django_user_model):
    person = _newcomer(django_user_model)
    home = people["portal"].root_page
    membership = services.assign_role(
        person, role=Role.EDITOR, org_unit=people["unit"], site=people["portal"], actor=people["secadmin"]
    )
    assert home.permissions_for_user(django_user_model.objects.get(pk=person.pk)).can_edit()
    entry = ModelLogEntry.objects.filter(action="huimin.role.assign", data__user="newcomer").get()
    assert entry.user_id == people["secadmin"].pk
    services.revoke_role(membership, actor=people["secadmin"])
    assert not home.permissions_for_user(django_user_model.objects.get(pk=person.pk)).can_edit()


def test_the_security_administrator_cannot_touch_the_three_or_their_own_roles(people):
    secadmin = people["secadmin"]
    for holder in ("admin", "auditor", "secadmin"):
        membership = Membership.objects.get(user=people[holder], site=None)
        with pytest.raises(PermissionDenied):
            services.revoke_role(membership, actor=secadmin)
    with pytest.raises(PermissionDenied):
        services.assign_role(
            secadmin, role=Role.EDITOR, org_unit=people["unit"], site=people["portal"], actor=secadmin
        )
    assert Membership.objects.filter(user=people["auditor"], role=Role.SECURITY_AUDITOR).exists()


@pytest.mark.parametrize("role", SECURITY_ROLES)
def test_the_security_officers_hold_no_site_role(people, role):
    editor = people["portal-editor"]
    with pytest.raises(ValidationError):
        services.assign_role(editor, role=role, org_unit=people["unit"], actor=people["admin"])
    officer = people["auditor" if role == Role.SECURITY_AUDITOR else "secadmin"]
    with pytest.raises(ValidationError):
        services.assign_role(
            officer, role=Role.EDITOR, org_unit=people["unit"], site=people["portal"], actor=people["admin"]
        )


def test_revoking_the_auditor_closes_the_log_to_them(people, django_user_model):
    membership = Membership.objects.get(user=people["auditor"], role=Role.SECURITY_AUDITOR)
    services.revoke_role(membership, actor=people["admin"])
    former = django_user_model.objects.get(pk=people["auditor"].pk)
    assert not former.has_perm("huimin_core.view_auditlog") and not former.groups.exists()
    entry = ModelLogEntry.objects.filter(action="huimin.role.revoke", data__role="security_auditor").get()
    assert entry.data["user"] == "test-auditor"


def test_the_membership_screen_lets_the_security_administrator_give_site_roles_only(
    client, people, django_user_model
):
    person = _newcomer(django_user_model)
    assert client.login(username="test-secadmin", password="Huimin-demo-2026")
    assert client.get("/admin/memberships/", **HOST).status_code == 200
    form = {"user": person.pk, "org_unit": people["unit"].pk, "site": "", "role": "security_auditor"}
    refused = client.post("/admin/memberships/new/", form, **HOST)
    assert (
        refused.status_code == 200
        and "只有平台管理员可以授予或撤销安全审计员角色" in refused.content.decode()
    )
    created = client.post(
        "/admin/memberships/new/", {**form, "site": people["portal"].pk, "role": "editor"}, **HOST
    )
    assert created.status_code == 302
    assert _roles(person) == {"editor"}
    for screen in ("/admin/orgunits/", "/admin/users/", "/admin/groups/", "/admin/audit-log/"):
        assert client.get(screen, **HOST).status_code in (302, 403), screen


def test_the_security_administrator_lifts_a_login_lock_and_it_is_logged(client, people, settings):
    for _ in range(settings.HUIMIN_LOGIN_FAILURES_PER_ACCOUNT):
        login._count_failure(None, {"username": "portal-editor"})
    assert login.is_locked("portal-editor", "")
    client.force_login(people["secadmin"])
    assert client.get("/admin/login-unlock/", **HOST).status_code == 200
    answer = client.post(
        "/admin/login-unlock/", {"username": "portal-editor", "address": ""}, **HOST, follow=True
    )
    assert "已解除登录锁定" in answer.content.decode()
    assert not login.is_locked("portal-editor", "")
    entry = ModelLogEntry.objects.filter(action="huimin.login_unlock").get()
    assert (entry.user_id, entry.object_id) == (people["secadmin"].pk, str(people["portal-editor"].pk))
    refused = client.post("/admin/login-unlock/", {"username": "", "address": "not-an-address"}, **HOST)
    assert refused.status_code == 400 and "不是有效的 IP 地址" in refused.content.decode()


@pytest.mark.parametrize("username", ["test-auditor", "portal-siteadmin", "portal-editor"])
def test_nobody_else_lifts_login_locks(client, people, username):
    client.force_login(people["auditor"] if username == "test-auditor" else people[username])
    assert client.get("/admin/login-unlock/", **HOST).status_code in (302, 403)
    assert client.post("/admin/login-unlock/", {"username": "admin"}, **HOST).status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action="huimin.login_unlock").exists()


# --- the auditor changes nothing ---------------------------------------------------------------------------


def _letter(portal):
    from huimin.letters import services as letter_services
    from huimin.letters.services import LetterData

    data = LetterData(
        site=portal, kind="complaint", title="路灯不亮", content="请修。", contact_name="王五",
        contact_phone="13900000000",
    )  # fmt: skip
    return letter_services.submit_letter(data)[0]


def _writes(auditor) -> list[str]:
    """What the auditor did that the log records, apart from logging in and reading the log."""
    quiet = {"huimin.login", "huimin.logout", "huimin.audit.view", "huimin.audit.export"}
    model = ModelLogEntry.objects.filter(user=auditor).exclude(action__in=quiet)
    return list(model.values_list("action", flat=True)) + list(
        PageLogEntry.objects.filter(user=auditor).values_list("action", flat=True)
    )


def test_the_auditor_reads_the_log_and_exports_it(client, people):
    assert client.login(username="test-auditor", password="Huimin-demo-2026")
    dashboard = client.get("/admin/", **HOST).content.decode()
    assert "/admin/audit-log/" in dashboard
    listing = client.get("/admin/audit-log/", {"action": "huimin.role.assign"}, **HOST)
    assert listing.status_code == 200 and "安全审计员" in listing.content.decode()
    export = client.get("/admin/audit-log/", {"export": "csv"}, **HOST)
    assert export.status_code == 200 and b"".join(export.streaming_content).startswith(b"\xef\xbb\xbf")
    assert ModelLogEntry.objects.filter(action="huimin.audit.export", user=people["auditor"]).exists()


def test_the_auditor_sees_no_content_screen(client, people):
    client.force_login(people["auditor"])
    home = people["portal"].root_page
    for screen in (
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{home.pk}/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/memberships/",
        f"/admin/settings/huimin_sites/siteidentity/{people['portal'].pk}/",
        "/admin/reports/site-history/",
    ):
        response = client.get(screen, **HOST, follow=True)
        html = response.content.decode()
        assert response.status_code in (200, 403, 404) and "宿迁市人民政府内容审核" not in html, screen
        if response.status_code == 200:
            assert response.redirect_chain or "huimin.role" not in html, screen
    letter = _letter(people["portal"])
    assert client.get(f"/admin/letters/{letter.pk}/", **HOST).status_code == 404


def test_the_auditor_can_change_nothing(client, people):
    auditor = people["auditor"]
    portal, home = people["portal"], people["portal"].root_page
    letter = _letter(portal)
    group = SiteRoleGroup.objects.get(site=portal, role=Role.EDITOR).group
    client.force_login(auditor)
    attempts = [
        (f"/admin/pages/{home.pk}/edit/", {"title": "篡改", "slug": "x", "keywords": "x"}),
        (f"/admin/pages/{home.pk}/delete/", {}),
        (f"/admin/pages/{home.pk}/unpublish/", {}),
        ("/admin/images/multiple/add/", {"title": "篡改"}),
        ("/admin/documents/multiple/add/", {"title": "篡改"}),
        (f"/admin/settings/huimin_sites/siteidentity/{portal.pk}/", {"site_name": "篡改"}),
        ("/admin/memberships/new/", {"user": auditor.pk, "org_unit": people["unit"].pk, "role": "editor"}),
        ("/admin/users/add/", {"username": "intruder", "password1": "x", "password2": "x"}),
        (f"/admin/users/{people['portal-editor'].pk}/", {"username": "renamed", "is_superuser": "on"}),
        (f"/admin/groups/{group.pk}/", {"name": "篡改"}),
        ("/admin/groups/new/", {"name": "新组"}),
        ("/admin/sites/new/", {"hostname": "evil.example", "port": "80", "root_page": home.pk}),
        ("/admin/collections/add/", {"name": "篡改"}),
        ("/admin/workflows/add/", {"name": "篡改"}),
        ("/admin/redirects/add/", {"old_path": "/a", "redirect_link": "/b"}),
        ("/admin/orgunits/new/", {"name": "篡改", "kind": "other"}),
        ("/admin/columntypes/new/", {"name": "篡改", "update_cycle_days": "1"}),
        ("/admin/reply-templates/new/", {"title": "篡改", "text": "x"}),
        ("/admin/search-knowledge/new/", {"question": "篡改", "answer": "x", "unit": people["unit"].pk}),
        (f"/admin/letters/{letter.pk}/", {"action": "dispatch", "unit": people["unit"].pk}),
        ("/admin/letters/?view=board", {"letters": [letter.pk], "unit": people["unit"].pk}),
        ("/admin/letters/outbox/", {"all": "1"}),
        ("/admin/login-unlock/", {"username": "admin"}),
        ("/admin/interviews/", {"title": "篡改"}),
        ("/admin/opendata/", {"title": "篡改"}),
        ("/admin/topics/from-template/", {"title": "篡改", "template": "1", "parent": home.pk}, FORM_ERROR),
        ("/admin/workdays/notice/", {"text": "篡改"}),
        ("/admin/inspection/", {"run": "1"}),
        ("/admin/audit-log/", {}),
    ]
    for url, data, *answer in attempts:
        response = client.post(url, data, **HOST)
        assert response.status_code in (*REFUSED, *(answer[0] if answer else ())), (url, response.status_code)
        if response.status_code == 302:  # a refusal: back to the dashboard (or the board) with a message
            where = response["Location"]
            assert where.split("?")[0] in ("/admin/", "/admin/login/", "/admin/letters/"), (url, where)
    assert _writes(auditor) == []
    assert Page.objects.get(pk=home.pk).title == "宿迁市人民政府"
    assert SiteIdentity.objects.get(site=portal).site_name == "宿迁市人民政府"
    assert Letter.objects.get(pk=letter.pk).state == letter.state
    assert _roles(auditor) == {"security_auditor"}
    assert not Group.objects.filter(name__in=["篡改", "新组"]).exists()
    assert not Page.objects.filter(title="篡改").exists()
    assert not Site.objects.filter(hostname="evil.example").exists()
    assert not OrgUnit.objects.filter(name="篡改").exists()
