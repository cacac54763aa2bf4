"""The admin of the results page: 推荐结果 (best bets, a model viewset saving through `services.py`) and
搜索日志 (the most asked queries and the 无结果检索 report of queries that found nothing, by count).

Who sees them follows the model permissions: `huimin_search.*_bestbet` for best bets,
`huimin_search.view_searchquerylog` for the log.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.shortcuts import render
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from huimin.core.admin_views import ServiceFormMixin

from . import services
from .models import BestBet, SearchQueryLog
from .vocabulary_admin import _RefusalAwareDeleteView

LOG_PERMISSION = "huimin_search.view_searchquerylog"
REPORT_DAYS = (7, 30, 90, 365)
REPORT_ROWS = 100
QUERY_HELP = (
    "访客输入的检索词，保存时自动规范化（繁体转简体、全角转半角、英文小写）；须与访客输入完全一致才显示。"
)


class BestBetForm(WagtailAdminModelForm):
    class Meta:
        model = BestBet
        fields = ["query", "site", "page", "url", "title", "description", "sort_order", "active"]


def _save(view, bet):
    data = view.form.cleaned_data
    return services.save_best_bet(
        bet,
        actor=view.request.user,
        query=data["query"],
        site=data.get("site"),
        page=data.get("page"),
        url=data.get("url", ""),
        title=data.get("title", ""),
        description=data.get("description", ""),
        sort_order=data.get("sort_order") or 0,
        active=data.get("active", False),
    )


class BestBetCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        return _save(self, None)


class BestBetEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        return _save(self, self.object)


class BestBetDeleteView(_RefusalAwareDeleteView):
    def delete_action(self):
        services.delete_best_bet(self.object, actor=self.request.user)


class BestBetViewSet(ModelViewSet):
    model = BestBet
    icon = "pick"
    menu_label = "推荐结果"
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["query", "display_title", "site", "sort_order", BooleanColumn("active", label="启用")]
    list_filter = ["active", "site"]
    search_fields = ["query", "title", "url"]
    add_view_class = BestBetCreateView
    edit_view_class = BestBetEditView
    delete_view_class = BestBetDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("query", help_text=QUERY_HELP),
            FieldPanel("site"),
            FieldPanel("page"),
            FieldPanel("url"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("sort_order"),
            FieldPanel("active"),
        ],
        base_form_class=BestBetForm,
    )


best_bet_viewset = BestBetViewSet("search-best-bets")


def query_report(*, zero: bool, days: int, now, limit: int = REPORT_ROWS) -> list[dict]:
    """The queries of the last `days` days by how often they were asked: with `zero`, those that found
    nothing (what editors act on: a best bet, a synonym, a dictionary word, new content)."""
    rows = SearchQueryLog.objects.filter(at__gte=now - timedelta(days=days), at__lte=now)
    rows = rows.filter(results_count=0) if zero else rows.filter(results_count__gt=0)
    return list(
        rows.values("query")
        .annotate(count=Count("pk"), last=Max("at"), results=Max("results_count"))
        .order_by("-count", "query")[:limit]
    )


def log_report(request):
    if not request.user.has_perm(LOG_PERMISSION):
        raise PermissionDenied
    zero = request.GET.get("report") == "zero"
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in REPORT_DAYS else 30
    now = timezone.now()
    context = {
        "zero": zero,
        "days": days,
        "day_choices": REPORT_DAYS,
        "rows": query_report(zero=zero, days=days, now=now),
        "header_title": "无结果检索" if zero else "搜索日志",
    }
    return render(request, "search/admin/log_report.html", context)
