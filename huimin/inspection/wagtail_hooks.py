from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import Target


class PlatformMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_inspection_urls():
    return [
        path("inspection/", admin_views.TargetsView.as_view(), name="inspection_targets"),
        path("inspection/runs/<int:pk>/", admin_views.RunView.as_view(), name="inspection_run"),
        path(
            "inspection/reports/<int:pk>/", admin_views.PeriodReportView.as_view(), name="inspection_period"
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_inspection_menu_item():
    return PlatformMenuItem("巡查检测", reverse("inspection_targets"), icon_name="search", order=250)


class TargetViewSet(ModelViewSet):
    model = Target
    icon = "site"
    menu_label = "巡查对象"
    add_to_settings_menu = True
    list_display = [
        "name",
        "url",
        BooleanColumn("active", label="参与日常巡查"),
        "max_pages",
        "last_patrol_on",
    ]
    form_fields = ["name", "url", "active", "max_pages"]


@hooks.register("register_admin_viewset")
def register_targets():
    return TargetViewSet("inspection-targets")


# --- 工作台: columns overdue for update, this month's inspection findings ---------------------------------

COLUMN_ROWS = 6


def _sites_of(user, roles) -> set[int]:
    from huimin.sites.models import Membership

    return set(Membership.objects.filter(user=user, role__in=roles).values_list("site_id", flat=True))


def columns_panel(user, now=None):
    """栏目更新: the columns of the person's sites past their own update cycle (`cycle_days`) or empty."""
    from django.utils import timezone
    from wagtail.models import Site

    from huimin.core.dashboard import Row, WorkbenchPanel
    from huimin.sites.enums import Role
    from huimin.sites.models import ColumnPage
    from huimin.sites.queries import newest_item_date

    if user.is_superuser:
        return None
    site_ids = _sites_of(user, (Role.EDITOR, Role.SITE_ADMIN))
    if not site_ids:
        return None
    now = now or timezone.now()
    late = []
    for site in Site.objects.filter(pk__in=site_ids).select_related("root_page"):
        for column in ColumnPage.objects.live().descendant_of(site.root_page):
            newest = newest_item_date(column)
            if newest is None:
                late.append((column, None, "栏目没有任何信息"))
            elif (now - newest).days > column.cycle_days:
                days = (now - newest).days
                late.append((column, days, f"已 {days} 天未更新（更新周期 {column.cycle_days} 天）"))
    late.sort(key=lambda item: -(item[1] if item[1] is not None else 10**6))
    rows = [
        Row(column.title, url=reverse("wagtailadmin_explore", args=[column.pk]), note=note, alert=True)
        for column, _days, note in late[:COLUMN_ROWS]
    ]
    return WorkbenchPanel(
        "columns",
        "栏目更新",
        order=40,
        counts=[Row("超期未更新或空白的栏目", len(late), alert=True)],
        rows=rows,
        empty="您负责网站的栏目都在更新周期内。",
    )


def findings_panel(user, now=None):
    """本月巡查发现: the problems this month's latest inspection of each of the person's sites found, by check
    (site administrators their sites, the platform administrator all)."""
    from django.utils import timezone

    from huimin.core.dashboard import Row, WorkbenchPanel
    from huimin.sites.enums import Role

    from .admin_views import check_label
    from .models import Run

    if user.is_superuser:
        runs = Run.objects.all()
    else:
        site_ids = _sites_of(user, (Role.SITE_ADMIN,))
        if not site_ids:
            return None
        runs = Run.objects.filter(target__site_id__in=site_ids)
    now = timezone.localtime(now or timezone.now())
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    latest = {}
    for run in runs.filter(started__gte=month_start).select_related("target").order_by("started"):
        latest[run.target_id] = run
    totals: dict[str, int] = {}
    rows = []
    for run in sorted(latest.values(), key=lambda r: r.score):
        for code, n in run.counts.items():
            totals[code] = totals.get(code, 0) + n
        problems = sum(run.counts.values())
        rows.append(
            Row(
                run.target.name,
                url=reverse("inspection_run", args=[run.pk]) if user.is_superuser else "",
                note=f"得分 {run.score:g}，发现问题 {problems} 个"
                + ("，存在单项否决问题" if run.vetoed else "")
                + f"，巡查于 {timezone.localtime(run.started):%m-%d %H:%M}",
                alert=run.vetoed,
            )
        )
    counts = [Row(check_label(code), n) for code, n in sorted(totals.items(), key=lambda item: -item[1])]
    return WorkbenchPanel(
        "findings",
        f"本月巡查发现（{now:%Y年%m月}）",
        order=50,
        counts=counts,
        rows=rows[:COLUMN_ROWS],
        empty="本月尚未巡查，或巡查没有发现问题。",
        more_url=reverse("inspection_targets") if user.is_superuser else "",
        more_label="进入巡查检测",
    )


@hooks.register("construct_homepage_panels")
def add_inspection_panels(request, panels):
    for build in (columns_panel, findings_panel):
        panel = build(request.user)
        if panel is not None:
            panels.append(panel)
