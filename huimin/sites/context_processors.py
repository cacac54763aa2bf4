from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .models import SiteIdentity


def _site(request):
    return Site.find_for_request(request)  # Wagtail keeps it on the request: looked up once


def _identity(request):
    site = _site(request)
    return SiteIdentity.objects.filter(site=site).first() if site else None


def site_identity(request):
    """The identity of the site the request is for, looked up only when a template uses it."""
    return {"site_identity": SimpleLazyObject(lambda: _identity(request))}


def _main_nav(request):
    from . import queries

    return queries.mark_current(queries.main_navigation(_site(request)), request.path)


def _home(request):
    site = _site(request)
    return site.root_page.specific if site else None


def site_chrome(request):
    """The main navigation (`main_nav`, groups of links with aria-current marked for this request's path)
    and the site's home page (`site_home`) for every public template, looked up only when a template uses
    them: every page of a site, whatever view renders it, shows the same navigation."""
    return {
        "main_nav": SimpleLazyObject(lambda: _main_nav(request)),
        "site_home": SimpleLazyObject(lambda: _home(request)),
    }
