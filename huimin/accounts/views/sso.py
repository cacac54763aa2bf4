"""The group login's two addresses (see `accounts/sso.py` for the whole protocol).

- `check` (on the hub): a host asks who is signed in. The hub answers with a ticket for its citizen session,
  or with none; after a sign-in on that host (push=1) it answers with a state of its own, so the host can
  send its session to the hub.
- `accept` (on every host): the hub's answer comes back. Only with a state this host issued: a ticket is
  redeemed and the session taken over; no ticket, and the host remembers for a while that nobody is signed
  in at the hub; a state from the hub and a citizen here, and the session is sent to the hub.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from huimin.core import throttle

from .. import sso

logger = logging.getLogger("huimin.accounts")
STATE_RE = re.compile(r"\A[A-Za-z0-9_\-]{16,64}\Z")


def _state(value) -> str:
    return value if isinstance(value, str) and STATE_RE.match(value) else ""


@never_cache
@require_GET
def check(request):
    now = timezone.now()
    if not sso.is_hub(request):  # asked of the wrong host: the question goes on to the hub
        return redirect(sso.accounts_url(sso.hub_host(), "sso_check", request, **request.GET.dict()))
    target = sso.destination(request, request.GET.get("next"), default="")
    state = _state(request.GET.get("state"))
    if not target.host or not state:  # nothing to answer: a host of the group must ask, with its state
        return redirect(target.path or "/")
    push = request.GET.get("push") == "1"
    account = None if push else sso.session_citizen(request)
    params = {"state": state, "next": target.path}
    if account is not None:
        params["ticket"] = sso.issue_ticket(request.session.session_key, target.host, now=now)
    elif push:
        params["hub_state"] = sso.new_state(request, now=now)
    return redirect(sso.accounts_url(target.host, "sso_accept", request, **params))


@never_cache
@require_GET
def accept(request):
    now = timezone.now()
    host = sso.request_host(request)
    target = sso.destination(request, request.GET.get("next"), default="/")
    if not sso.take_state(request, _state(request.GET.get("state")), now=now):
        # Not an answer to this browser's own question (an old page, cookies refused, a crawler, or someone
        # else's ticket): nothing is taken over, and this host's login form is shown without asking the
        # hub again, so a browser that keeps no cookie cannot loop.
        logger.warning("group login answer refused, unknown state: host=%s address=%s", host, _ip(request))
        return redirect(_login(target))
    ticket = request.GET.get("ticket", "")
    if ticket:
        if sso.holds_staff_session(request):
            logger.info("group login not taken over a staff session: host=%s", host)
            return redirect(target.url(request))
        try:
            session_key = sso.redeem_ticket(ticket, host, now=now)
        except sso.TicketRefused as refusal:
            logger.warning("group login ticket refused (%s): host=%s address=%s", refusal, host, _ip(request))
            if not sso.is_hub(request):
                sso.remember_checked(request, now=now)
            return redirect(target.url(request))
        sso.adopt(request, session_key)
        logger.info("group login taken over: host=%s address=%s", host, _ip(request))
        return redirect(target.url(request))
    hub_state = _state(request.GET.get("hub_state"))
    if hub_state and sso.session_citizen(request) is not None and not sso.is_hub(request):
        hub = sso.hub_host()
        token = sso.issue_ticket(request.session.session_key, hub, now=now)
        back = sso.origin(host, request) + target.path if not target.host else target.url(request)
        return redirect(
            sso.accounts_url(hub, "sso_accept", request, ticket=token, state=hub_state, next=back)
        )
    if not sso.is_hub(request):
        sso.remember_checked(request, now=now)
    return redirect(target.url(request))


def _ip(request) -> str:
    return throttle.client_ip(request)


def _login(target: sso.Destination) -> str:
    query = {"next": target.path if not target.host else "/", sso.DIRECT: "1"}
    return f"{reverse('accounts:login')}?{urlencode(query)}"
