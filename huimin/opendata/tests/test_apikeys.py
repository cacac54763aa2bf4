"""API keys: issued by platform administrators and shown once, stored only as a digest, found by the raw
key while live, revoked for good; the admin pages are for superusers only."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from huimin.opendata import apikeys
from huimin.opendata.models import ApiKey
from huimin.opendata.tests.factories import NOW

pytestmark = pytest.mark.django_db
ADMIN_HOST = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.fixture(autouse=True)
def group(demo):
    return demo


@pytest.fixture
def admin():
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def site_admin():
    return get_user_model().objects.get(username="slj-siteadmin")


def test_an_issued_key_is_stored_only_as_its_digest_and_prefix(admin):
    key, raw = apikeys.issue_key("宿迁交通App", contact="张三 0527-1", hourly_limit=500, actor=admin, now=NOW)
    assert len(raw) >= 40 and key.prefix == raw[:8]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert raw not in {str(value) for value in stored.values()}
    assert key.created_by == admin and key.created_at == NOW and key.hourly_limit == 500
    assert ModelLogEntry.objects.filter(object_id=str(key.pk), action="wagtail.create").exists()


def test_key_for_finds_the_live_key_and_nothing_else(admin):
    key, raw = apikeys.issue_key("甲", hourly_limit=10, actor=admin, now=NOW)
    other, other_raw = apikeys.issue_key("乙", hourly_limit=10, actor=admin, now=NOW)
    assert apikeys.key_for(raw) == key and apikeys.key_for(f"  {other_raw} ") == other
    for wrong in ("", None, raw[:8], raw[:-1] + ("A" if raw[-1] != "A" else "B"), raw + "x", "x" * 500):
        assert apikeys.key_for(wrong) is None, wrong


def test_a_revoked_key_stops_working_and_revoking_again_changes_nothing(admin):
    key, raw = apikeys.issue_key("甲", hourly_limit=10, actor=admin, now=NOW)
    apikeys.revoke_key(key, actor=admin, now=NOW)
    assert apikeys.key_for(raw) is None
    key.refresh_from_db()
    assert key.revoked_at == NOW
    later = NOW.replace(year=2027)
    apikeys.revoke_key(key, actor=admin, now=later)
    key.refresh_from_db()
    assert key.revoked_at == NOW
    entries = ModelLogEntry.objects.for_instance(key)
    assert entries.filter(action="wagtail.edit").count() == 1


def test_only_platform_administrators_issue_and_revoke_keys(admin, site_admin):
    with pytest.raises(PermissionDenied):
        apikeys.issue_key("甲", hourly_limit=10, actor=site_admin, now=NOW)
    key, _ = apikeys.issue_key("甲", hourly_limit=10, actor=admin, now=NOW)
    with pytest.raises(PermissionDenied):
        apikeys.revoke_key(key, actor=site_admin, now=NOW)
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None


def test_a_key_needs_a_name_and_a_sensible_limit():
    with pytest.raises(ValidationError) as error:
        apikeys.issue_key("  ", hourly_limit=10, now=NOW)
    assert "名称" in str(error.value)
    for limit in (0, apikeys.MAX_HOURLY_LIMIT + 1):
        with pytest.raises(ValidationError):
            apikeys.issue_key("甲", hourly_limit=limit, now=NOW)
    assert not ApiKey.objects.filter(name="甲").exists()


# --- admin ---------------------------------------------------------------------------------------------


def test_a_superuser_issues_a_key_and_sees_it_once(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("opendata_api_key_issue"),
        {"name": "<script>alert(1)</script>", "contact": "李四", "hourly_limit": "2000"},
        **ADMIN_HOST,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(contact="李四")
    html = response.content.decode()
    assert "密钥只显示这一次" in html and "no-store" in response["Cache-Control"]
    raw = html.split('id="raw-key" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert apikeys.key_for(raw) == key and key.hourly_limit == 2000
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    listing = client.get(reverse("opendata_api_keys"), **ADMIN_HOST).content.decode()
    assert key.prefix in listing and raw not in listing and "&lt;script&gt;" in listing


def test_a_bad_issue_form_is_shown_again_with_chinese_errors(client, admin):
    client.force_login(admin)
    response = client.post(reverse("opendata_api_key_issue"), {"name": "", "hourly_limit": "0"}, **ADMIN_HOST)
    assert response.status_code == 200 and not ApiKey.objects.exists()
    html = response.content.decode()
    assert "必需字段" in html and "大于或等于1" in html  # Django's own Chinese messages, per field
    assert "raw-key" not in html


def test_a_superuser_revokes_a_key_from_the_list(client, admin):
    key, raw = apikeys.issue_key("甲", hourly_limit=10, actor=admin, now=NOW)
    client.force_login(admin)
    url = reverse("opendata_api_key_revoke", args=[key.pk])
    assert client.get(url, **ADMIN_HOST).status_code == 405
    response = client.post(url, **ADMIN_HOST, follow=True)
    assert response.status_code == 200 and "已停用接口密钥" in response.content.decode()
    assert apikeys.key_for(raw) is None


def test_other_staff_cannot_reach_the_key_admin(client, admin, site_admin):
    key, raw = apikeys.issue_key("甲", hourly_limit=10, actor=admin, now=NOW)
    client.force_login(site_admin)
    assert client.get(reverse("opendata_api_keys"), **ADMIN_HOST).status_code in (302, 403)
    assert client.post(
        reverse("opendata_api_key_issue"), {"name": "乙", "hourly_limit": "5"}, **ADMIN_HOST
    ).status_code in (
        302,
        403,
    )
    assert client.post(reverse("opendata_api_key_revoke", args=[key.pk]), **ADMIN_HOST).status_code in (
        302,
        403,
    )
    assert apikeys.key_for(raw) == key and not ApiKey.objects.filter(name="乙").exists()
