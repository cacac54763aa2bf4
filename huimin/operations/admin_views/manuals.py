"""操作手册 in the admin's help menu: the list of manuals and one page each, for every staff member."""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse

from .. import manuals
from . import OperationsView

LIST_URL = "operations_manuals"
PAGE_URL = "operations_manual"


class ListView(OperationsView):
    template_name = "operations/admin/manuals.html"
    page_title = "操作手册"
    header_icon = "help"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["manuals"] = [(item, reverse(PAGE_URL, args=[item.slug])) for item in manuals.manuals()]
        return context


class PageView(OperationsView):
    template_name = "operations/admin/manual.html"
    header_icon = "help"

    def dispatch(self, request, *args, **kwargs):
        self.manual = manuals.manual(kwargs["slug"])
        if self.manual is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.manual.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL), "label": "操作手册"},
            {"url": "", "label": self.manual.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        others = [(item, reverse(PAGE_URL, args=[item.slug])) for item in manuals.manuals()]
        context.update(
            {"manual": self.manual, "others": [o for o in others if o[0].slug != self.manual.slug]}
        )
        return context


urlpatterns = [
    path("manuals/", ListView.as_view(), name=LIST_URL),
    path("manuals/<slug:slug>/", PageView.as_view(), name=PAGE_URL),
]

# In the help menu (wagtail_hooks), not in the 运维责任 submenu: every staff member may read them.
MENU = []
