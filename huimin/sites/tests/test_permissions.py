"""An editor of one site can neither see nor change another site's pages, documents, images or identity.

Personas: staff of 沭阳县人民政府 in every site role (strangers to the portal), and the portal's own staff.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from huimin.sites import services
from huimin.sites.enums import Role
from huimin.sites.models import Membership, OrgUnit, SiteIdentity

pytestmark = pytest.mark.django_db
SITE_ROLES = ["editor", "leader", "handler", "siteadmin"]
HOST = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.fixture
def portal(demo):
    site = Site.objects.get(hostname="127.0.0.1")
    collection = SiteIdentity.objects.get(site=site).collection
    image = Image.objects.create(title="门户图片", file=get_test_image_file(), collection=collection)
    document = Document.objects.create(
        title="门户文件", file=ContentFile(b"%PDF-1.4 demo", name="portal.pdf"), collection=collection
    )
    return {"site": site, "home": site.root_page, "image": image, "document": document}


def _login(client, username, demo):
    assert client.login(username=username, password=demo.password)


def _refused(response):
    return response.status_code in (302, 403, 404) and "/edit/" not in response.get("Location", "")


@pytest.mark.parametrize("role", SITE_ROLES)
def test_staff_of_another_site_cannot_open_or_edit_the_portals_pages(client, demo, portal, role):
    _login(client, f"shuyang-{role}", demo)
    home = portal["home"]
    assert _refused(client.get(f"/admin/pages/{home.pk}/edit/", **HOST))
    explorer = client.get(f"/admin/pages/{home.pk}/", **HOST, follow=True)
    assert explorer.redirect_chain, "the explorer must not list another site's pages"
    listing = explorer.content.decode()
    assert all(f"/admin/pages/{child.pk}/" not in listing for child in home.get_children())
    post = client.post(
        f"/admin/pages/{home.pk}/edit/", {"title": "篡改", "slug": "x", "keywords": "x"}, **HOST
    )
    assert _refused(post)
    home.refresh_from_db()
    assert home.title == "宿迁市人民政府"


@pytest.mark.parametrize("role", SITE_ROLES)
def test_staff_of_another_site_cannot_see_or_change_the_portals_images_and_documents(
    client, demo, portal, role
):
    _login(client, f"shuyang-{role}", demo)
    image, document = portal["image"], portal["document"]
    assert _refused(client.get(f"/admin/images/{image.pk}/", **HOST))
    assert _refused(client.get(f"/admin/documents/edit/{document.pk}/", **HOST))
    assert _refused(client.post(f"/admin/images/{image.pk}/delete/", **HOST))
    assert _refused(client.post(f"/admin/documents/delete/{document.pk}/", **HOST))
    for listing in ("/admin/images/", "/admin/documents/"):
        response = client.get(listing, **HOST)
        if response.status_code == 200:
            assert "门户图片" not in response.content.decode() and "门户文件" not in response.content.decode()
        else:
            assert _refused(response)
    assert Image.objects.filter(pk=image.pk).exists() and Document.objects.filter(pk=document.pk).exists()


@pytest.mark.parametrize("role", SITE_ROLES)
def test_staff_of_another_site_cannot_edit_the_portals_identity(client, demo, portal, role):
    _login(client, f"shuyang-{role}", demo)
    url = f"/admin/settings/huimin_sites/siteidentity/{portal['site'].pk}/"
    assert _refused(client.get(url, **HOST))
    assert _refused(client.post(url, {"site_name": "篡改"}, **HOST))
    assert SiteIdentity.objects.get(site=portal["site"]).site_name == "宿迁市人民政府"


@pytest.mark.parametrize(
    ("role", "can_edit_pages", "can_edit_identity"),
    [("editor", True, False), ("leader", True, False), ("siteadmin", True, True), ("handler", False, False)],
)
def test_staff_work_on_their_own_site_as_their_role_allows(
    client, demo, portal, role, can_edit_pages, can_edit_identity
):
    _login(client, f"portal-{role}", demo)
    page_edit = client.get(f"/admin/pages/{portal['home'].pk}/edit/", **HOST)
    assert (page_edit.status_code == 200) is can_edit_pages
    identity = client.get(f"/admin/settings/huimin_sites/siteidentity/{portal['site'].pk}/", **HOST)
    assert (identity.status_code == 200) is can_edit_identity
    image = client.get(f"/admin/images/{portal['image'].pk}/", **HOST)
    assert (image.status_code == 200) is can_edit_pages


def test_editors_submit_for_review_and_leaders_may_publish(demo, portal):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    home = portal["home"]
    editor_perms = home.permissions_for_user(users.get(username="portal-editor"))
    leader_perms = home.permissions_for_user(users.get(username="portal-leader"))
    assert editor_perms.can_edit() and not editor_perms.can_publish()
    assert leader_perms.can_publish()
    assert home.get_workflow().name == "宿迁市人民政府内容审核"


def test_only_platform_administrators_may_assign_roles(demo, portal):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    stranger = users.create_user("stranger")
    unit = OrgUnit.objects.get(name="宿迁市教育局")
    with pytest.raises(PermissionDenied):
        services.assign_role(
            stranger,
            role=Role.EDITOR,
            org_unit=unit,
            site=portal["site"],
            actor=users.get(username="portal-siteadmin"),
        )
    with pytest.raises(ValidationError):
        services.assign_role(stranger, role=Role.EDITOR, org_unit=unit, actor=users.get(username="admin"))
    membership = services.assign_role(
        stranger, role=Role.EDITOR, org_unit=unit, site=portal["site"], actor=users.get(username="admin")
    )
    assert portal["home"].permissions_for_user(stranger).can_edit()
    services.revoke_role(membership, actor=users.get(username="admin"))
    stranger = users.get(pk=stranger.pk)
    assert not portal["home"].permissions_for_user(stranger).can_edit()
    assert not Membership.objects.filter(user=stranger).exists()


def test_role_changes_are_written_to_the_audit_log(demo, portal):
    from django.contrib.auth import get_user_model
    from wagtail.models import ModelLogEntry

    users = get_user_model().objects
    person = users.create_user("auditee")
    admin = users.get(username="admin")
    membership = services.assign_role(
        person,
        role=Role.UNIT_LEADER,
        org_unit=OrgUnit.objects.get(name="沭阳县"),
        site=portal["site"],
        actor=admin,
    )
    entry = ModelLogEntry.objects.filter(action="huimin.role.assign").latest("timestamp")
    assert (entry.user_id, entry.data["user"], entry.data["role"]) == (admin.pk, "auditee", "unit_leader")
    services.revoke_role(membership, actor=admin)
    assert ModelLogEntry.objects.filter(action="huimin.role.revoke", data__user="auditee").exists()
    assert ModelLogEntry.objects.filter(action="huimin.site.create").count() == 5


def test_the_membership_screen_turns_a_refusal_into_a_form_error_and_changes_nothing(client, demo, portal):
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.create_user("newcomer")
    _login(client, "admin", demo)
    unit = OrgUnit.objects.get(name="宿迁市教育局")
    refused = client.post(
        "/admin/memberships/new/",
        {"user": person.pk, "org_unit": unit.pk, "site": "", "role": "editor"},
        **HOST,
    )
    assert refused.status_code == 200
    assert "编辑必须属于一个站点" in refused.content.decode()
    assert not Membership.objects.filter(user=person).exists()

    created = client.post(
        "/admin/memberships/new/",
        {"user": person.pk, "org_unit": unit.pk, "site": portal["site"].pk, "role": "editor"},
        **HOST,
    )
    assert created.status_code == 302
    assert portal["home"].permissions_for_user(get_user_model().objects.get(pk=person.pk)).can_edit()


def test_a_stranger_cannot_reach_the_membership_screens(client, demo):
    _login(client, "portal-siteadmin", demo)
    assert _refused(client.get("/admin/memberships/", **HOST))
    assert _refused(client.get("/admin/memberships/new/", **HOST))
