from django.utils.cache import patch_vary_headers

from .enums import MODE_COOKIE, Mode
from .plain_text import to_plain_text
from .queries import mode_of


class DisplayModeMiddleware:
    """Pages differ by the display-mode cookie, so no cache may serve one reader's version to another; in the
    plain-text version every picture is replaced by its text alternative."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if MODE_COOKIE in request.COOKIES or is_html:
            patch_vary_headers(response, ["Cookie"])
        if (
            is_html
            and mode_of(request) == Mode.TEXT
            and not getattr(response, "streaming", False)
            and not request.path.startswith("/admin/")
        ):
            charset = response.charset or "utf-8"
            response.content = to_plain_text(response.content.decode(charset, "replace")).encode(charset)
        return response
