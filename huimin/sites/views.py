"""Public views of the site group that are not pages of the tree: the 网站地图 at /wzdt/."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Site

from . import queries


@require_GET
def site_map(request):
    """网站地图: the site's columns and section pages in their navigation groups, with the columns below them
    and the tools; generated from the page tree on each request."""
    site = Site.find_for_request(request)
    return TemplateResponse(
        request, "sites/site_map.html", {"site": site, "site_map": queries.site_map(site)}
    )
