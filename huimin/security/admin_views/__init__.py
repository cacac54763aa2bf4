"""The admin screens of 安全预警, one module per concept, each exporting `urlpatterns` and `MENU` (see
huimin.core.admin_menu), and the base every screen shares: only people who use the security screens
(platform administrators, 安全管理员, 站点管理员) reach them; an object of a site the person does not manage
answers 404."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.admin_menu import MenuEntry

from .. import queries

__all__ = ["MenuEntry", "SecurityView"]


class SecurityView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"
    section_label = ""
    section_url = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.has_perm("wagtailadmin.access_admin") or not queries.uses_security(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        from django.urls import reverse

        items = [*self.breadcrumbs_items]
        if self.section_label:
            items.append({"url": reverse(self.section_url), "label": self.section_label})
        return items
