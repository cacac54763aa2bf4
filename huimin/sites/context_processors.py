from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .models import SiteIdentity


def _identity(request):
    site = Site.find_for_request(request)
    return SiteIdentity.objects.filter(site=site).first() if site else None


def site_identity(request):
    """The identity of the site the request is for, looked up only when a template uses it."""
    return {"site_identity": SimpleLazyObject(lambda: _identity(request))}
