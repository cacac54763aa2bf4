"""Every response carries a Content-Security-Policy and a Permissions-Policy: public pages run scripts of
their own origin only; the admin also allows Wagtail's few inline scripts."""

import pytest

from huimin.core.middleware import CSP_ADMIN, CSP_PUBLIC

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=养老", "/hudong/liuyan/", "/no-such-page/", "/api/v1/policies"]
)
def test_public_responses_allow_scripts_of_their_own_origin_only(client, demo, path):
    response = client.get(path, **PORTAL)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_the_admin_policy_differs_only_in_allowing_inline_script(admin_client, demo):
    response = admin_client.get("/admin/", **PORTAL)
    assert response["Content-Security-Policy"] == CSP_ADMIN
    admin, public = _directives(CSP_ADMIN), _directives(CSP_PUBLIC)
    assert admin.pop("script-src") == ["'self'", "'unsafe-inline'"]
    public.pop("script-src")
    assert admin == public
