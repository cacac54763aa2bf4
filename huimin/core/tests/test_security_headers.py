"""Every response carries a Content-Security-Policy and a Permissions-Policy: public pages run scripts of
their own origin only; the admin also runs the inline scripts that carry its response's nonce, and never
'unsafe-inline' or 'unsafe-eval'."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.template import Context, Template
from wagtail.admin.panels import MultipleChooserPanel, ObjectList
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminPageChooser, AdminTimeInput
from wagtail.models import Page

from huimin.core import csp
from huimin.core.middleware import CSP_PUBLIC, JCROP_TOUCH_PROBE, csp_admin

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{24})'")


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _nonce(response) -> str:
    script_src = _directives(response["Content-Security-Policy"])["script-src"]
    assert script_src[0] == "'self'" and len(script_src) == 2
    return NONCE.fullmatch(script_src[1]).group(1)


class _Scripts(HTMLParser):
    """The attributes of each script element that runs (not JSON data) and has no src."""

    def __init__(self):
        super().__init__()
        self.inline: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.inline.append(attributes)


def _inline_scripts(html: str) -> list[dict]:
    parser = _Scripts()
    parser.feed(html)
    return parser.inline


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
    assert not response.wsgi_request.csp_nonce  # never drawn for a public page


@pytest.mark.parametrize("path", ["/admin/", "/api/v1/docs"])
def test_the_admin_policy_differs_only_in_allowing_scripts_with_the_responses_nonce(admin_client, demo, path):
    response = admin_client.get(path, **PORTAL)
    nonce = _nonce(response)
    assert nonce == str(response.wsgi_request.csp_nonce)
    assert response["Content-Security-Policy"] == csp_admin(nonce)
    admin, public = _directives(response["Content-Security-Policy"]), _directives(CSP_PUBLIC)
    assert admin.pop("script-src") == ["'self'", f"'nonce-{nonce}'"]
    public.pop("script-src")
    assert admin == public
    assert "unsafe-eval" not in response["Content-Security-Policy"]  # and script-src has no 'unsafe-inline'


def test_only_an_images_edit_page_allows_jcrops_no_op_touch_probe():
    assert JCROP_TOUCH_PROBE == "'unsafe-hashes' 'sha256-i+qr4lq34KgNHiW62lWi9aInEBwiEOrfCzaNPCvkqD8='"
    assert _directives(csp_admin("n", "/admin/images/7/"))["script-src"] == [
        "'self'",
        "'nonce-n'",
        *JCROP_TOUCH_PROBE.split(),
    ]
    for path in ["/admin/", "/admin/images/", "/admin/images/7/delete/", "/admin/pages/7/", "/api/v1/docs"]:
        assert _directives(csp_admin("n", path))["script-src"] == ["'self'", "'nonce-n'"]


def test_each_admin_response_has_a_nonce_of_its_own(admin_client, demo):
    nonces = {_nonce(admin_client.get("/admin/", **PORTAL)) for _ in range(3)}
    assert len(nonces) == 3


@pytest.mark.parametrize(
    ("url_path", "scripts"),
    [
        # The settings tab's go-live and expiry date-time widgets.
        ("/127-0-0-1/", ["initDateTimeChooser("]),
        # Also a date-time field, an inline panel, and a document chooser in the panel's form template.
        (
            "/127-0-0-1/gzdt/demo-gzdt-1/",
            ["initDateTimeChooser(", "new InlinePanel(", "new DocumentChooser("],
        ),
    ],
)
def test_every_inline_script_of_a_page_editor_carries_the_responses_nonce(
    admin_client, demo, url_path, scripts
):
    page = Page.objects.get(url_path=url_path)
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/", **PORTAL)
    assert response.status_code == 200
    nonce, html = _nonce(response), response.content.decode()
    inline = _inline_scripts(html)
    assert [script.get("nonce") for script in inline] == [nonce] * len(inline)
    assert all(script in html for script in scripts)


def test_wagtails_chooser_widgets_put_the_nonce_on_their_init_script():
    nonce = csp.LazyNonce()
    token = csp.activate(nonce)
    try:
        html = AdminPageChooser().render("page", None, {"id": "id_page"})
    finally:
        csp.deactivate(token)
    scripts = _inline_scripts(html)
    assert [script.get("nonce") for script in scripts] == [str(nonce)]
    assert html.endswith("</script>") and "new PageChooser(" in html


@pytest.mark.parametrize("widget", [AdminDateInput, AdminTimeInput, AdminDateTimeInput])
def test_wagtails_date_and_time_widgets_put_the_nonce_on_their_init_script(widget):
    nonce = csp.LazyNonce()
    token = csp.activate(nonce)
    try:
        html = widget().render("when", None, {"id": "id_when"})
    finally:
        csp.deactivate(token)
    assert [script.get("nonce") for script in _inline_scripts(html)] == [str(nonce)]
    assert 'Chooser("id_when", {' in html


def test_wagtails_multiple_chooser_panel_puts_the_nonce_on_its_init_script(admin_user, rf):
    model = apps.get_model(
        "huimin_articles", "ArticlePage"
    )  # a model with an inline relation (core imports no app)
    panel = ObjectList([MultipleChooserPanel("attachments", chooser_field_name="document")]).bind_to_model(
        model
    )
    request = rf.get("/admin/")
    request.user = admin_user
    nonce = csp.LazyNonce()
    token = csp.activate(nonce)
    try:
        form = panel.get_form_class()(instance=model(), for_user=admin_user)
        html = panel.get_bound_panel(instance=model(), request=request, form=form).render_html()
    finally:
        csp.deactivate(token)
    inline = _inline_scripts(html)  # the panel's, and its empty form's chooser
    assert [script.get("nonce") for script in inline] == [str(nonce)] * len(inline)
    assert "new MultipleChooserPanel(" in html


def test_the_nonce_tag_writes_nothing_outside_a_request():
    assert Template('{% load csp %}<script nonce="{% csp_nonce %}">').render(Context()) == '<script nonce="">'
