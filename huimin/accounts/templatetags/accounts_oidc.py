"""`{% oidc_login as oidc %}`: the sign-in through the province's identity service for a login page, or None
when the deployment does not use one (HUIMIN_OIDC_ISSUER unset). Used by accounts/oidc_button.html."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from huimin.accounts import oidc, sso

register = template.Library()


@register.simple_tag(takes_context=True)
def oidc_login(context):
    if not oidc.configured():
        return None
    request = context.get("request")
    url = reverse("accounts:oidc_authentication_init")
    if request is not None:
        target = sso.destination(request, request.GET.get("next"), default="")
        if target.path:  # the login page's next, when it is a page of the group
            url += "?" + urlencode({"next": target.url(request)})
    return {"label": oidc.label(), "url": url}
