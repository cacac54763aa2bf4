"""One login for every host of the group (decision 0021), although the hosts share no parent domain.

The hub (HUIMIN_ACCOUNTS_HUB, by default the default site's host) remembers the login. A citizen signs in
on any host and gets Django session S there; a one-time ticket carries S to the hub, which sets its own
session cookie to the same key S. Another host that needs to know who is there (its login link, a personal
page visited anonymously) asks the hub; the hub answers with a ticket for S, and that host sets its cookie
to S too. Logging out anywhere deletes S, so every host is logged out at once.

The round trips, each a GET redirect (the HTML continue page starts them after a form post, because the
pages' Content-Security-Policy `form-action 'self'` forbids a form post to be redirected to another host):

- **check** — host B asks: `hub/accounts/sso/check/?next=<B URL>&state=X`, X a random value B keeps in its
  session. With a citizen session S the hub issues a ticket for B and sends the browser to
  `B/accounts/sso/accept/?ticket=T&state=X&next=<path>`; without one it sends it back with no ticket, and B
  remembers for CHECK_MEMORY that the hub had nobody (so no loop).
- **push** — after a login on B: `hub/accounts/sso/check/?push=1&…`; the hub answers with a state Y of its
  own, B issues a ticket for the hub and sends the browser to `hub/accounts/sso/accept/?ticket=T&state=Y
  &next=<B URL>`, and the hub takes S (a different citizen session it held is deleted: one login for the
  group).

For the rest of the app: `is_hub(request)`, `hub_host()` (a hostname, no port), `origin(host)` (a host's
scheme://host[:port]), `destination(request, next)` (where a `next` may lead: a path here or a page on
another host of the group, never elsewhere) and `landing(request, destination)` (the URL that brings a
visitor there signed in: after a sign-in at the hub, e.g. through the province's identity service, send
the browser to `landing(request, destination(request, next))` and the host it came from takes the session
over through its login page, which asks the hub again even if it asked a moment before).

A ticket is 256 random bits, stored only as its SHA-256, good once, for one host, for TICKET_SECONDS. It is
honoured only with the state the receiving host put in its own session, so nobody can plant their session
in another person's browser (login CSRF). Staff sessions never travel: a ticket is issued and redeemed only
for a session whose user is an active citizen (an Account) and not staff.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction
from django.middleware.csrf import rotate_token
from django.urls import reverse
from wagtail.models import Site

from huimin.sites.enums import OrgUnitKind
from huimin.sites.models import SiteIdentity

from .models import Account, LoginTicket

logger = logging.getLogger("huimin.accounts")

TICKET_SECONDS = 60
CHECK_MEMORY = timedelta(minutes=2)  # how long a host believes the hub's "nobody is signed in"
STATE_SECONDS = 5 * 60  # how long a host waits for the hub's answer to one of its checks
MAX_STATES = 8
STATES_KEY = "huimin_sso_states"  # {state: issued at (epoch seconds)} this host waits for
CHECKED_KEY = "huimin_sso_checked"  # when this host last heard from the hub that nobody was signed in
ACCOUNT_KEY = "huimin_account"  # the citizen's Account id, in every citizen session
MAX_NEXT = 2000
RECHECK = "check"  # on a login page's address: ask the hub even if this host asked a moment ago
# On a login page's address: show the form without asking the hub, because the hub's answer could not be
# matched to this browser (no cookie kept, an old page, someone else's answer). Asking again would loop.
DIRECT = "direct"


class TicketRefused(Exception):
    """A ticket that is unknown, used, expired, for another host, or for a session that may not travel."""


# --- hosts and addresses -------------------------------------------------------------------------------


def request_host(request) -> str:
    return request.get_host().rsplit(":", 1)[0].lower().strip("[]")


def hub_host() -> str:
    """The host that remembers the group's logins: HUIMIN_ACCOUNTS_HUB; else the default site's host; else
    (no site is the default, as in the demo) the city portal's, the site of the city government's office;
    else the oldest site's. "" only when there is no site at all."""
    configured = (settings.HUIMIN_ACCOUNTS_HUB or "").strip().lower()
    if configured:
        return configured.rsplit(":", 1)[0] if configured.count(":") == 1 else configured
    hosts = Site.objects.order_by("pk").values_list("hostname", flat=True)
    portal = SiteIdentity.objects.filter(org_unit__kind=OrgUnitKind.CITY_OFFICE).order_by("site_id")
    return (
        hosts.filter(is_default_site=True).first()
        or portal.values_list("site__hostname", flat=True).first()
        or hosts.first()
        or ""
    )


def is_hub(request) -> bool:
    hub = hub_host()
    return not hub or request_host(request) == hub


def origin(host: str, request=None) -> str:
    """scheme://host[:port] of a host of the group (its Site's root URL; this request's scheme and port for
    a host with no Site)."""
    site = Site.objects.filter(hostname=host).first()
    if site is not None:
        return site.root_url
    if request is not None:
        port = request.get_port()
        default = "443" if request.is_secure() else "80"
        return f"{request.scheme}://{host}" + ("" if port == default else f":{port}")
    return f"https://{host}"


def _group_origins() -> dict[str, str]:
    """{origin: hostname} of every site of the group."""
    return {site.root_url: site.hostname for site in Site.objects.all()}


@dataclass(frozen=True)
class Destination:
    host: str  # "" for this request's own host
    path: str  # a path on that host, with its query

    def url(self, request) -> str:
        if not self.host or self.host == request_host(request):
            return self.path
        return origin(self.host, request) + self.path


def _safe_path(path: str) -> bool:
    return (
        path.startswith("/")
        and not path.startswith(("//", "/\\"))
        and "\\" not in path
        and all(c.isprintable() and not c.isspace() for c in path)
    )


def destination(request, candidate: str | None, default: str = "/") -> Destination:
    """Where `next` may send the visitor: a path on this host, or a page on another host of the group;
    anything else (another domain, javascript:, //evil, control characters, too long) gives `default`."""
    fallback = Destination("", default)
    if not candidate or not isinstance(candidate, str) or len(candidate) > MAX_NEXT:
        return fallback
    if _safe_path(candidate):
        return Destination("", candidate)
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return fallback
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return fallback
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if not _safe_path(path):
        return fallback
    host = _group_origins().get(f"{parts.scheme}://{parts.netloc.lower()}")
    if host is None:
        own = f"{request.scheme}://{request.get_host().lower()}"
        return Destination("", path) if f"{parts.scheme}://{parts.netloc.lower()}" == own else fallback
    return Destination("" if host == request_host(request) else host, path)


def accounts_url(host: str, name: str, request=None, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return origin(host, request) + reverse(f"accounts:{name}") + (f"?{query}" if query else "")


def landing(request, target: Destination) -> str:
    """The URL that brings the visitor to `target` signed in: the page itself on this host; on another
    host, that host's login page, which asks the hub and goes on to the page."""
    if not target.host or target.host == request_host(request):
        return target.path
    return accounts_url(target.host, "login", request, next=target.path, **{RECHECK: "1"})


# --- who a session belongs to --------------------------------------------------------------------------


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def citizen_of(data) -> Account | None:
    """The account of a session's data, when the session is an active citizen's that may travel."""
    user_id = data.get(SESSION_KEY)
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).select_related("citizen").first()
    if user is None or not user.is_active or user.is_staff or user.is_superuser:
        return None
    hash_ok = data.get(HASH_SESSION_KEY) and secrets.compare_digest(
        data.get(HASH_SESSION_KEY), user.get_session_auth_hash()
    )
    if not hash_ok:
        return None  # the password changed since: the session is no longer valid
    return getattr(user, "citizen", None)


def session_citizen(request) -> Account | None:
    """The citizen whose session this request carries (None for anonymous visitors and staff)."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key or ACCOUNT_KEY not in session:
        return None
    return citizen_of(session)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_ticket(session_key: str, host: str, *, now: datetime) -> str:
    """A one-time ticket carrying citizen session `session_key` to `host`; returns the token."""
    token = secrets.token_urlsafe(32)
    LoginTicket.objects.create(
        token_hash=_hash(token),
        session_key=session_key,
        host=host,
        created_at=now,
        expires_at=now + timedelta(seconds=TICKET_SECONDS),
    )
    return token


def redeem_ticket(token: str, host: str, *, now: datetime) -> str:
    """The session key a ticket carries to `host`, the ticket spent; TicketRefused with the reason."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise TicketRefused("malformed")
    with transaction.atomic():
        ticket = LoginTicket.objects.select_for_update().filter(token_hash=_hash(token)).first()
        if ticket is None:
            raise TicketRefused("unknown")
        if ticket.used_at is not None:
            raise TicketRefused("reused")
        ticket.used_at = now
        ticket.save(update_fields=["used_at"])
    if ticket.expires_at <= now:
        raise TicketRefused("expired")
    if ticket.host != host:
        raise TicketRefused("wrong host")
    data = _store(ticket.session_key).load()
    if not data or citizen_of(data) is None:
        raise TicketRefused("no citizen session")
    return ticket.session_key


def forget_tickets(session_key: str) -> int:
    deleted, _ = LoginTicket.objects.filter(session_key=session_key).delete()
    return deleted


def cleanup(*, now: datetime) -> int:
    """Delete tickets that can no longer be used (expired or used); how many were deleted."""
    deleted, _ = LoginTicket.objects.filter(expires_at__lte=now).delete()
    used, _ = LoginTicket.objects.filter(used_at__isnull=False).delete()
    return deleted + used


# --- this host's memory of its checks --------------------------------------------------------------------


def new_state(request, *, now: datetime) -> str:
    """A state this host will accept the hub's answer with (kept in this host's session)."""
    stamp = int(now.timestamp())
    states = {k: v for k, v in request.session.get(STATES_KEY, {}).items() if stamp - v < STATE_SECONDS}
    state = secrets.token_urlsafe(16)
    states[state] = stamp
    request.session[STATES_KEY] = dict(sorted(states.items(), key=lambda kv: kv[1])[-MAX_STATES:])
    return state


def take_state(request, state: str, *, now: datetime) -> bool:
    """Whether `state` is one this host issued (recently); it is used up either way."""
    states = dict(request.session.get(STATES_KEY, {}))
    issued = states.pop(state, None) if isinstance(state, str) else None
    if issued is not None or STATES_KEY in request.session:
        request.session[STATES_KEY] = states
    return issued is not None and int(now.timestamp()) - issued < STATE_SECONDS


def remember_checked(request, *, now: datetime) -> None:
    request.session[CHECKED_KEY] = int(now.timestamp())


def recently_checked(request, *, now: datetime) -> bool:
    checked = request.session.get(CHECKED_KEY)
    return checked is not None and 0 <= int(now.timestamp()) - checked < CHECK_MEMORY.total_seconds()


def check_url(request, target: Destination, *, now: datetime, push: bool = False) -> str:
    """The hub's check for this host, coming back to `target` (a path here)."""
    state = new_state(request, now=now)
    back = origin(request_host(request), request) + target.path
    return accounts_url(hub_host(), "sso_check", request, next=back, state=state, push="1" if push else "")


def needs_check(request, *, now: datetime) -> bool:
    """Whether an anonymous visitor of this host should be sent to ask the hub before the login page."""
    return not is_hub(request) and not recently_checked(request, now=now)


# --- taking a session over ----------------------------------------------------------------------------


def adopt(request, session_key: str) -> None:
    """Make this host's session cookie name session `session_key` (set by SessionMiddleware on the way
    out). The anonymous session this host had is deleted; a citizen session it had, too (one login for the
    group). The CSRF token changes, as at any login."""
    current = request.session
    if current.session_key == session_key:
        return
    if current.session_key:
        forget_tickets(current.session_key)
        current.delete()
    adopted = _store(session_key)
    adopted.load()
    adopted.modified = True  # written back with a fresh expiry date, and the cookie set
    request.session = adopted
    rotate_token(request)


def holds_staff_session(request) -> bool:
    session = request.session
    if SESSION_KEY not in session or BACKEND_SESSION_KEY not in session:
        return False
    user = get_user_model().objects.filter(pk=session.get(SESSION_KEY)).first()
    return user is not None and (user.is_staff or user.is_superuser or not hasattr(user, "citizen"))
