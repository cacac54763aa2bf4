"""Gates the shared Wagtail screens that take an object from the URL before showing it (see `scoping`); and
hands Wagtail the site of a page request from the chrome the process keeps (see `chrome`)."""

from django.apps import apps
from django.http import Http404

from . import chrome, scoping


class SharedScreenScopeMiddleware:
    """404 for the page chooser browsing into a page the person may not see, and for a bulk action naming
    any object out of their reach (its confirmation page would show the titles). Runs after authentication;
    anonymous requests pass on to Wagtail, which sends them to the login page.

    Before Wagtail serves a page of the tree, it gives the request its site and home page from the chrome the
    process keeps (`chrome.request_site`), so that Wagtail looks up neither again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name == "wagtail_serve":
            chrome.request_site(request)
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated or scoping.unrestricted(user):
            return None
        if match.url_name == "wagtailadmin_choose_page_child":
            if not scoping.can_browse_page(user, view_kwargs["parent_page_id"]):
                raise Http404("页面不存在。")
        elif match.url_name == "wagtail_bulk_action":
            try:
                model = apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
            except LookupError:
                raise Http404("页面不存在。") from None
            ids = request.GET.getlist("id")
            if not scoping.bulk_targets_reachable(user, model, ids, request.GET.get("childOf")):
                raise Http404("页面不存在。")
        return None
