"""Signing in through the province's identity service (OpenID Connect), end to end against a real provider
(oidc-provider-mock) on loopback: a real HTTP client plays the citizen's browser at the provider, Django's
test client the browser at the relying party, and the relying party talks to the provider over HTTP.

Also: the state and the nonce are checked (a tampered state, a replayed callback, a token with another nonce
are refused), the ID token must come from the configured issuer for this client, a staff user never signs in
this way, and the sign-in happens only on the login hub."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import time_machine
from django.core.exceptions import SuspiciousOperation
from django.template.loader import render_to_string
from django.test import RequestFactory
from oidc_provider_mock import User, run_server_in_thread
from wagtail.models import ModelLogEntry, Site

from huimin.accounts import oidc, sso
from huimin.accounts.models import Account
from huimin.accounts.tests.factories import AccountFactory
from huimin.sites.tests.html import soup

from .mine_records import HOST, HUB, NOW, XSS

pytestmark = pytest.mark.django_db
CLIENT_ID = "huimin-sq"
START = "/accounts/oidc/authenticate/"
CALLBACK = "/accounts/oidc/callback/"
ZHANG = {"name": "张三", "phone_number": "+86 139 1234 5678", "phone_number_verified": True}
LI = {"name": "李四", "email": "lisi@example.com", "email_verified": False}
HOSTILE = {"name": f"{XSS}\x00" + "长" * 300, "phone_number": "' OR 1=1 --", "email": "x@"}
PEOPLE = [
    User(sub="sub-zhang", claims=ZHANG),
    User(sub="sub-li", claims=LI),
    User(sub="sub-hostile", claims=HOSTILE),
]


@pytest.fixture(scope="module")
def provider():
    """One provider for the module, on a free loopback port; plain HTTP allowed (loopback only)."""
    import os

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    with run_server_in_thread(user_claims=PEOPLE) as server:
        yield f"http://localhost:{server.server_port}"
    os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


@pytest.fixture(autouse=True)
def relying_party(demo, client, settings, provider):
    client.defaults["HTTP_HOST"] = HOST
    settings.HUIMIN_ACCOUNTS_HUB = HUB
    settings.HUIMIN_OIDC_ISSUER = provider
    settings.HUIMIN_OIDC_LABEL = "江苏政务服务网统一身份认证"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "huimin.accounts.oidc.AccountOIDCBackend",
    ]
    with time_machine.travel(NOW, tick=True):
        yield


def _start(client, next_url="/accounts/letters/") -> str:
    """The RP's redirect to the provider's authorization endpoint."""
    response = client.get(START, {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def _authorize(authorization_url: str, sub: str) -> str:
    """The citizen at the provider (a real HTTP client): signs in as `sub`; returns the RP callback URL."""
    answer = httpx.post(authorization_url, data={"sub": sub}, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["location"]


def _local(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _sign_in(client, sub: str, next_url="/accounts/letters/"):
    return client.get(_local(_authorize(_start(client, next_url), sub)))


def _signed_in(client) -> bool:
    return client.get("/accounts/").status_code == 200


def test_the_authorization_request_carries_state_nonce_and_pkce(client, provider):
    location = _start(client)
    assert location.startswith(f"{provider}/oauth2/authorize?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [f"http://{HOST}{CALLBACK}"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert set(query["scope"][0].split()) == {"openid", "profile", "phone", "email"}


def test_a_citizen_signs_in_through_the_province_and_gets_an_account(client, provider):
    response = _sign_in(client, "sub-zhang")
    assert response.status_code == 302 and response["Location"] == "/accounts/letters/"
    account = Account.objects.get(oidc_issuer=provider, oidc_subject="sub-zhang")
    assert account.display_name == "张三" and account.kind == "person"
    assert account.mobile == "13912345678" and account.mobile_verified_at is not None
    assert account.terms_version and account.terms_accepted_at is not None
    assert account.registered_site.hostname == "127.0.0.1"
    user = account.user
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert _signed_in(client)
    assert client.session[sso.ACCOUNT_KEY] == account.pk  # a citizen's session, as the group login knows it
    assert client.session.get_expiry_age() > 24 * 3600  # the citizens' session length, not the staff's
    assert ModelLogEntry.objects.filter(action=oidc.REGISTER, object_id=str(account.pk)).count() == 1


def test_signing_in_again_finds_the_same_account(client, provider):
    _sign_in(client, "sub-li")
    client.post("/accounts/logout/")
    assert not _signed_in(client)
    _sign_in(client, "sub-li")
    assert Account.objects.filter(oidc_issuer=provider, oidc_subject="sub-li").count() == 1
    assert _signed_in(client)


def test_a_verified_mobile_links_the_existing_account_with_the_same_verified_number(client, provider):
    existing = AccountFactory(mobile="13912345678", display_name="张三（已注册）")
    _sign_in(client, "sub-zhang")
    existing.refresh_from_db()
    assert existing.oidc_subject == "sub-zhang" and existing.oidc_issuer == provider
    assert Account.objects.filter(oidc_subject="sub-zhang").count() == 1
    assert ModelLogEntry.objects.filter(action=oidc.LINK, object_id=str(existing.pk)).exists()
    assert client.get("/accounts/").context["account"] == existing


def test_an_unverified_email_never_takes_over_an_account(client, provider):
    existing = AccountFactory(email="lisi@example.com", email_verified_at=NOW)
    _sign_in(client, "sub-li")
    existing.refresh_from_db()
    assert existing.oidc_subject == ""
    made = Account.objects.get(oidc_subject="sub-li")
    assert made.pk != existing.pk and made.email == ""  # the address stays with its account


def test_a_staff_user_is_never_signed_in_through_the_province(client, provider, django_user_model):
    account = AccountFactory(oidc_issuer=provider, oidc_subject="sub-zhang")
    django_user_model.objects.filter(pk=account.user_id).update(is_staff=True)
    response = _sign_in(client, "sub-zhang")
    assert response.status_code == 400 and "登录未成功" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_staff_users_verified_mobile_is_not_linked(client, provider, django_user_model):
    staff = AccountFactory(mobile="13912345678")
    django_user_model.objects.filter(pk=staff.user_id).update(is_superuser=True)
    _sign_in(client, "sub-zhang")
    staff.refresh_from_db()
    assert staff.oidc_subject == ""
    assert Account.objects.get(oidc_subject="sub-zhang").mobile == ""


def test_hostile_claims_are_stored_as_plain_bounded_text(client, provider):
    _sign_in(client, "sub-hostile")
    account = Account.objects.get(oidc_subject="sub-hostile")
    assert "\x00" not in account.display_name and len(account.display_name) == 60
    assert account.mobile == "" and account.email == ""
    page = client.get("/accounts/").content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;" in page


def test_a_tampered_state_is_refused(client):
    callback = _authorize(_start(client), "sub-zhang")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = ["x" + query["state"][0][1:]]
    response = client.get(f"{CALLBACK}?{urlencode({k: v[0] for k, v in query.items()})}")
    assert response.status_code == 400 and "登录未成功" in response.content.decode()
    assert not _signed_in(client)
    assert not Account.objects.filter(oidc_subject="sub-zhang").exists()


def test_a_replayed_callback_is_refused(client):
    callback = _local(_authorize(_start(client), "sub-li"))
    assert client.get(callback).status_code == 302
    client.post("/accounts/logout/")
    again = client.get(callback)  # the same answer once more, in the same browser
    assert again.status_code == 400 and not _signed_in(client)
    from django.test import Client

    stranger = Client(HTTP_HOST=HOST)  # someone who caught the callback URL
    assert stranger.get(callback).status_code == 400
    assert stranger.get("/accounts/").status_code == 302


def test_an_id_token_with_another_nonce_is_refused(client):
    authorization = _start(client)
    parts = urlsplit(authorization)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["nonce"] = "an-attackers-nonce-" + "0" * 20
    tampered = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    response = client.get(_local(_authorize(tampered, "sub-zhang")))
    assert response.status_code == 400 and not _signed_in(client)
    assert not Account.objects.filter(oidc_subject="sub-zhang").exists()


def test_an_id_token_from_another_issuer_is_refused(client, settings, provider):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.HUIMIN_OIDC_ISSUER = provider.replace("localhost", "127.0.0.1")  # tokens say "localhost"
    response = _sign_in(client, "sub-zhang")
    assert response.status_code == 400 and not _signed_in(client)


def test_an_id_token_for_another_client_is_refused():
    backend = oidc.AccountOIDCBackend()
    good = {"iss": oidc.issuer(), "aud": CLIENT_ID, "sub": "a"}
    backend._check_audience(good)
    for bad in (
        {**good, "aud": "another-client"},
        {**good, "aud": [CLIENT_ID, "another-client"], "azp": "another-client"},
        {**good, "iss": "https://evil.example"},
        {**good, "sub": ""},
    ):
        with pytest.raises(SuspiciousOperation):
            backend._check_audience(bad)


def test_a_denied_authorization_signs_no_one_in(client):
    authorization = _start(client)
    answer = httpx.post(authorization, data={"action": "deny"}, follow_redirects=False, timeout=10)
    response = client.get(_local(answer.headers["location"]))
    assert response.status_code == 400 and "登录未成功" in response.content.decode()
    assert not _signed_in(client)


def test_a_callback_without_code_or_with_junk_is_refused(client):
    _start(client)
    for query in ("", "?code=abc", f"?code={XSS}&state=%00", "?state=" + "x" * 5000 + "&code=1"):
        response = client.get(CALLBACK + query)
        assert response.status_code == 400, query
    assert not _signed_in(client)


def test_a_password_login_never_reaches_the_provider():
    request = RequestFactory().post("/accounts/login/?code=x&state=y")
    assert oidc.AccountOIDCBackend().authenticate(request, username="a", password="b") is None


def test_the_sign_in_happens_only_on_the_hub_and_comes_back_to_the_host_it_started_on(client):
    shuyang = Site.objects.get(hostname="shuyang.localhost").root_url
    other = client.get(START, {"next": "/accounts/letters/"}, HTTP_HOST="shuyang.localhost")
    assert other.status_code == 302
    location = urlsplit(other["Location"])
    assert (location.scheme, location.netloc, location.path) == ("http", HOST, START)
    assert parse_qs(location.query)["next"] == [f"{shuyang}/accounts/letters/"]
    assert client.get(CALLBACK + "?code=a&state=b", HTTP_HOST="shuyang.localhost").status_code == 404
    # At the hub: the province, the callback, then the other host's login page, which asks the hub.
    response = client.get(_local(_authorize(client.get(_local(other["Location"]))["Location"], "sub-li")))
    assert response.status_code == 302
    back = urlsplit(response["Location"])
    assert f"{back.scheme}://{back.netloc}" == shuyang and back.path == "/accounts/login/"
    assert parse_qs(back.query) == {"next": ["/accounts/letters/"], sso.RECHECK: ["1"]}
    assert _signed_in(client)  # on the hub


def test_an_outside_next_is_not_followed(client):
    shuyang = Site.objects.get(hostname="shuyang.localhost").root_url
    other = client.get(START, {"next": "https://evil.example/"}, HTTP_HOST="shuyang.localhost")
    assert parse_qs(urlsplit(other["Location"]).query)["next"] == [f"{shuyang}/accounts/"]
    response = _sign_in(client, "sub-li", next_url="https://evil.example/")
    assert response["Location"] == "/accounts/"


def test_without_an_issuer_there_is_no_province_sign_in(client, settings):
    settings.HUIMIN_OIDC_ISSUER = ""
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK + "?code=a&state=b").status_code == 404
    request = RequestFactory().get("/accounts/login/", HTTP_HOST=HOST)
    assert render_to_string("accounts/oidc_button.html", request=request).strip() == ""


def test_the_login_page_button_names_the_province_and_keeps_next(settings):
    request = RequestFactory().get("/accounts/login/", {"next": "/accounts/letters/"}, HTTP_HOST=HOST)
    html = soup(render_to_string("accounts/oidc_button.html", request=request))
    button = html.select_one("a.oidc-button")
    assert button.get_text() == "使用江苏政务服务网统一身份认证登录"
    assert button["href"] == f"{START}?next=%2Faccounts%2Fletters%2F"
    outside = RequestFactory().get("/accounts/login/", {"next": "//evil.example/"}, HTTP_HOST=HOST)
    assert (
        soup(render_to_string("accounts/oidc_button.html", request=outside)).select_one("a")["href"] == START
    )


def test_settings_default_to_the_issuers_usual_paths_and_refuse_nothing_at_start(settings, provider):
    assert oidc.setting("OIDC_OP_TOKEN_ENDPOINT") == f"{provider}/oauth2/token"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://sso.example.gov.cn/token"
    assert oidc.setting("OIDC_OP_TOKEN_ENDPOINT") == "https://sso.example.gov.cn/token"
    assert oidc.setting("OIDC_AUTHENTICATION_CALLBACK_URL") == "accounts:oidc_authentication_callback"
    settings.HUIMIN_OIDC_ISSUER = ""
    oidc.AccountOIDCBackend()  # no error without any OIDC setting
    assert not oidc.configured()
