"""`ReplicaReadsMiddleware`: the requests whose reads may go to the PostgreSQL replica (core/dbrouter.py).

Listed right after AuthenticationMiddleware. A request qualifies when it is a GET or HEAD, carries no
session cookie and no Authorization header, and its path is not under HUIMIN_REPLICA_EXCLUDED_PATHS (the
admin and the citizens' own pages by default): a reader of the public pages or an anonymous client of the
read API, for whom a page a moment old is as good as the newest. Anyone with a session (staff, a citizen
signed in, a visitor in the middle of a letter or a query, who must see what they just did) reads from the
primary. After a request with any other method (a POST: a letter, a publish in the admin) it sets the
replica's fence (dbrouter.fence), so that whatever that request changed is what every later read sees,
whichever app server it reaches. Without the alias "replica" (DATABASE_REPLICA_URL unset) the middleware
does nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from . import dbrouter

SAFE_METHODS = frozenset({"GET", "HEAD"})
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = dbrouter.REPLICA in settings.DATABASES
        self.excluded = tuple(settings.HUIMIN_REPLICA_EXCLUDED_PATHS)

    def __call__(self, request: HttpRequest):
        if not self.enabled:
            return self.get_response(request)
        if self.qualifies(request):
            with dbrouter.replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in READ_ONLY_METHODS:
            dbrouter.fence()  # after the view's transactions committed (no ATOMIC_REQUESTS)
        return response

    def qualifies(self, request: HttpRequest) -> bool:
        return (
            request.method in SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "Authorization" not in request.headers
            and not request.path_info.startswith(self.excluded)
        )
