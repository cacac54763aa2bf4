from django.conf import settings
from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers
from wagtail.models import Site

from .views import page_not_found


class KnownHostMiddleware:
    """Answer 404 for any host that no site of the group (and no admin host) claims.

    Runs before sessions and CSRF so a stray Host header costs one indexed query and nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        host = request.get_host().rsplit(":", 1)[0].lower().strip("[]")
        if host not in settings.HUIMIN_ADMIN_HOSTS and not Site.objects.filter(hostname=host).exists():
            response = page_not_found(request, None)
            add_never_cache_headers(response)
            return response
        return self.get_response(request)
