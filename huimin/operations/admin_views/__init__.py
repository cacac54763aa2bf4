"""The admin screens of 运维责任, one module per concept, each exporting `urlpatterns` and `MENU` (see
huimin.core.admin_menu): the responsibility list, 值班读网, and the operation manuals (操作手册, in the
admin's help menu)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.admin_menu import MenuEntry

__all__ = ["MenuEntry", "OperationsView", "site_or_404"]


def site_or_404(sites, site_id: int):
    """The site if it is among the person's sites; 404 otherwise (another site is not even confirmed)."""
    site = sites.filter(pk=site_id).select_related("root_page").first()
    if site is None:
        raise Http404
    return site


class OperationsView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "list-ul"

    def allowed(self, user) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin") or not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
