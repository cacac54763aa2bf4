"""The OpenID Connect sign-in's two ends, on the login hub only.

The province registers one redirect URI: the hub's callback. A sign-in started on another host of the group
goes to the hub's `authenticate` with that host's page as `next`. Once the province has answered and the hub
has signed the citizen in (`services.log_in`, as any sign-in), the browser goes to `sso.landing(...)`: the
page itself on the hub, or the other host's login page, which asks the hub and takes the session over
(the group login, decision 0021). So the citizen comes back where they started, signed in on every host.

A callback anywhere but the hub is not found. One whose `state` this session never sent, or sent and already
used (a replayed callback), is refused by mozilla-django-oidc and shown here as a page that says what to do;
so is any other failure (the provider refused the code, the ID token's signature, nonce, issuer or audience
is wrong, the person is staff).
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .. import oidc, services, sso

FAILED = "accounts/oidc_failed.html"
NEXT_KEY = "huimin_oidc_next"  # where the citizen goes after the sign-in (checked again when used)


def _target(request, raw) -> sso.Destination:
    return sso.destination(request, raw, default=reverse("accounts:home"))


def _absolute(request, target: sso.Destination) -> str:
    """The target as a full URL, so the hub can send the browser back to this host."""
    if target.host:
        return target.url(request)
    return sso.origin(sso.request_host(request), request) + target.path


class Authenticate(OIDCAuthenticationRequestView):
    """Start the sign-in: on the hub, mozilla-django-oidc's redirect to the provider (state, nonce, PKCE);
    anywhere else, off to the hub with the way back."""

    get_settings = staticmethod(oidc.setting)

    def get(self, request):
        if not oidc.configured():
            raise Http404("未启用统一身份认证登录。")
        target = _target(request, request.GET.get("next"))
        if not sso.is_hub(request):
            start = sso.accounts_url(
                sso.hub_host(), "oidc_authentication_init", request, next=_absolute(request, target)
            )
            return HttpResponseRedirect(start)
        response = super().get(request)
        request.session[NEXT_KEY] = target.url(request)
        return response


class Callback(OIDCAuthenticationCallbackView):
    """The provider's answer, on the hub: the citizen signed in as by any other way, or a page saying why
    not."""

    get_settings = staticmethod(oidc.setting)

    @property
    def success_url(self):
        return sso.landing(self.request, _target(self.request, self.request.session.pop(NEXT_KEY, None)))

    def login_success(self):
        account = getattr(self.user, "citizen", None)
        if account is None or self.user.is_staff or self.user.is_superuser:
            return self.login_failure()
        services.log_in(self.request, account, now=timezone.now(), method="oidc")
        return HttpResponseRedirect(self.success_url)

    def login_failure(self, status: int = 400):
        context = {"label": oidc.label(), "retry": reverse("accounts:oidc_authentication_init")}
        return TemplateResponse(self.request, FAILED, context, status=status)

    def get(self, request):
        if not oidc.configured() or not sso.is_hub(request):
            raise Http404("未启用统一身份认证登录。")
        try:
            return super().get(request)
        except SuspiciousOperation:  # a state this session never sent, or one already used
            return self.login_failure()
