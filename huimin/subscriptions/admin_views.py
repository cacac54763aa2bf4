"""Admin screens of precise push: how many subscribers a page would reach (for those who may edit it), and
推送记录, the record of what was pushed to whom and why (for the platform team)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from huimin.core import audit

from . import queries, services
from .models import Publication

LOG_PERMISSION = "huimin_subscriptions.view_delivery"
PAGE_SIZE = 50


def can_see_log(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(LOG_PERMISSION))


class ReachView(WagtailAdminTemplateMixin, TemplateView):
    """How many accounts the latest version of a page would reach if published now."""

    template_name = "subscriptions/admin/reach.html"
    page_title = "推送范围"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.page = get_object_or_404(Page, pk=kwargs["page_id"]).specific
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"page": self.page, "reach": services.reach(self.page)})
        return context


class PushLogView(WagtailAdminTemplateMixin, TemplateView):
    """Publications pushed, with their deliveries counted; one publication's deliveries (who, by which
    channel, why, when) with `?publication=<id>`. Addresses are shown masked and no message body at all."""

    template_name = "subscriptions/admin/log.html"
    page_title = "推送记录"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = str(self.request.GET.get("publication", "") or "")
        publication = None
        if chosen.isdigit() and len(chosen) < 12:
            publication = Publication.objects.filter(pk=int(chosen)).first()
        if publication is not None:
            deliveries = Paginator(queries.deliveries_of(publication), PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
            audit.record_read(self.request, publication, "推送记录", publication=publication.pk)
            context.update(
                {
                    "publication": publication,
                    "deliveries": deliveries,
                    "page_prefix": f"publication={publication.pk}&",
                }
            )
        else:
            context["publications"] = Paginator(queries.publications(), PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
        return context
