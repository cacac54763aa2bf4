from django.utils.functional import SimpleLazyObject

from . import chrome


def _identity(request):
    found = chrome.request_site(request)
    return found.identity if found is not None else None


def site_identity(request):
    """The identity of the site the request is for, looked up only when a template uses it (kept by the
    process with the rest of the site's chrome, `chrome.py`)."""
    return {"site_identity": SimpleLazyObject(lambda: _identity(request))}


def _main_nav(request):
    from . import queries

    found = chrome.request_site(request)
    return queries.mark_current(found.navigation if found is not None else [], request.path)


def _home(request):
    found = chrome.request_site(request)
    return found.root if found is not None else None


def site_chrome(request):
    """The main navigation (`main_nav`, groups of links with aria-current marked for this request's path)
    and the site's home page (`site_home`) for every public template, looked up only when a template uses
    them: every page of a site, whatever view renders it, shows the same navigation."""
    return {
        "main_nav": SimpleLazyObject(lambda: _main_nav(request)),
        "site_home": SimpleLazyObject(lambda: _home(request)),
    }
