"""The admin of 网站工单: the menu and its screens (one module per concept in admin_views), the platform's
screens for 工单类型 (their time limits) and 外包服务商账号, the 工作台 panels, and the audit log's action
labels."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from huimin.core.admin_menu import MenuEntry, register_submenu
from huimin.core.dashboard import Row, WorkbenchPanel

from . import queries, services
from .admin_views import orders, reports
from .enums import OPEN_STATES, Level, State
from .models import VendorAccount, WorkOrder, WorkOrderKind
from .services import LOG_ACTIONS

URGENT_ROWS = 6


# --- 工单类型 and 外包服务商账号: platform admins only; retired by unticking, never deleted ---------


class PlatformOnlyPolicy(BasePermissionPolicy):
    """Platform admins may add and change; nobody deletes (orders keep their kind and their assignee)."""

    def user_has_permission(self, user, action):
        return action != "delete" and queries.is_platform(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if set(actions) <= {"delete"}:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class KindForm(WagtailAdminModelForm):
    """A kind's code is what orders from findings name it by: fixed once the kind exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "code" in self.fields:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "自动生成的工单按代码引用类型，创建后不能修改。"


class KindViewSet(ModelViewSet):
    model = WorkOrderKind
    icon = "time"
    menu_label = "工单类型"
    add_to_admin_menu = False
    name = "workorder_kinds"
    url_prefix = "workorders/kinds"
    list_display = [
        "name",
        "description",
        "urgent_hours",
        "high_hours",
        "normal_hours",
        "low_hours",
        BooleanColumn("active", label="可选用"),
    ]
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(WorkOrderKind.panels, base_form_class=KindForm)


class VendorAccountForm(WagtailAdminModelForm):
    """The account's person: any active account that is not a platform admin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = (
            get_user_model().objects.filter(is_active=True, is_superuser=False).order_by("username")
        )
        field.help_text = (
            "服务商人员登录用的账号（请先在“用户”中创建）。启用后可登录后台，只能看到派发给自己的工单。"
        )


class _SaveVendor:
    def save_instance(self):
        return services.save_vendor_account(self.form.instance, self.request.user)


class VendorCreateView(_SaveVendor, CreateView):
    pass


class VendorEditView(_SaveVendor, EditView):
    pass


class VendorViewSet(ModelViewSet):
    model = VendorAccount
    icon = "group"
    menu_label = "外包服务商账号"
    add_to_admin_menu = False
    name = "workorder_vendors"
    url_prefix = "workorders/vendors"
    list_display = ["company", "user", "phone", BooleanColumn("active", label="可派发")]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_view_class = VendorCreateView
    edit_view_class = VendorEditView
    edit_handler = ObjectList(VendorAccount.panels, base_form_class=VendorAccountForm)


register_permission_policy(WorkOrderKind, PlatformOnlyPolicy(WorkOrderKind), exact_class=True)
register_permission_policy(VendorAccount, PlatformOnlyPolicy(VendorAccount), exact_class=True)

kinds = SimpleNamespace(
    urlpatterns=[],
    MENU=[MenuEntry("工单类型与时限", "workorder_kinds:index", "time", 85, queries.is_platform)],
    viewset=KindViewSet(),
)
vendors = SimpleNamespace(
    urlpatterns=[],
    MENU=[MenuEntry("外包服务商账号", "workorder_vendors:index", "group", 90, queries.is_platform)],
    viewset=VendorViewSet(),
)

register_submenu(
    name="workorders",
    label="网站工单",
    icon="clipboard-list",
    order=260,
    prefix="workorders",
    modules=(orders, reports, kinds, vendors),
    shown=queries.uses_workorders,
)


@hooks.register("register_log_actions")
def register_workorder_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- 工作台 ---------------------------------------------------------------------------------------------


def _list(**params) -> str:
    from urllib.parse import urlencode

    return reverse("workorders_list") + (f"?{urlencode(params)}" if params else "")


def _urgent_rows(orders_qs, now) -> list[Row]:
    urgent = queries.ordered(
        orders_qs.filter(queries.level_q(Level.OVERDUE, now) | queries.level_q(Level.WARNING, now))
    )[:URGENT_ROWS]
    return [
        Row(
            f"{row.order.number} {row.order.title}",
            url=reverse("workorders_detail", args=[row.order.pk]),
            note=f"{row.order.get_state_display()}，{row.level.label}，{row.left_label}，"
            f"{row.order.site.site_name or row.order.site.hostname}",
            alert=row.level == Level.OVERDUE,
        )
        for row in queries.rows(urgent, now)
    ]


def unit_panel(user, now) -> WorkbenchPanel | None:
    """本单位工单: the open orders of the person's units, how many are near or past their limit, and what
    waits for their confirmation or change."""
    units = queries.unit_ids(user)
    if not units or queries.is_platform(user):
        return None
    mine = WorkOrder.objects.filter(unit_id__in=units)
    counts = queries.summary(mine, now)
    own = WorkOrder.objects.filter(queries.awaiting_q(user))
    confirm = own.filter(state=State.FIXED).count()
    returned = own.filter(state=State.RETURNED).count()
    return WorkbenchPanel(
        "workorders-unit",
        "本单位工单",
        order=30,
        counts=[
            Row("未办结", counts["open"], url=_list(state="open")),
            Row("待我确认", confirm, url=_list(todo=1, state=State.FIXED), alert=True),
            Row("被退回", returned, url=_list(todo=1, state=State.RETURNED), alert=True),
            Row("临期", counts[Level.WARNING], url=_list(level=Level.WARNING), alert=True),
            Row("超期", counts[Level.OVERDUE], url=_list(level=Level.OVERDUE), alert=True),
        ],
        rows=_urgent_rows(mine.filter(state__in=OPEN_STATES), now),
        empty="本单位没有未办结的工单。",
        more_url=reverse("workorders_submit"),
        more_label="网站有问题？提交工单",
    )


def review_panel(user, now) -> WorkbenchPanel | None:
    """待审核工单: for a site's 站点管理员, their sites' orders to review (and orders from findings to
    confirm)."""
    sites = queries.admin_site_ids(user)
    if not sites or queries.is_platform(user):
        return None
    scope = WorkOrder.objects.filter(site_id__in=sites)
    waiting = scope.filter(state=State.SUBMITTED)
    counts = queries.summary(scope, now)
    confirm = scope.filter(state=State.FIXED).exclude(source="manual").count()
    rows = [
        Row(
            f"{order.number} {order.title}",
            url=reverse("workorders_detail", args=[order.pk]),
            note=f"{order.unit.name}，{timezone.localtime(order.submitted_at):%Y-%m-%d %H:%M} 提交",
        )
        for order in waiting.select_related("unit").order_by("submitted_at")[:URGENT_ROWS]
    ]
    return WorkbenchPanel(
        "workorders-review",
        "待审核工单",
        order=31,
        counts=[
            Row("待审核", waiting.count(), url=_list(state=State.SUBMITTED), alert=True),
            Row("待确认修复", confirm, url=_list(todo=1, state=State.FIXED)),
            Row("临期", counts[Level.WARNING], url=_list(level=Level.WARNING), alert=True),
            Row("超期", counts[Level.OVERDUE], url=_list(level=Level.OVERDUE), alert=True),
        ],
        rows=rows,
        empty="没有等待审核的工单。",
        more_url=_list(state="open"),
        more_label="查看本站全部未办结工单",
    )


def assignee_panel(user, now) -> WorkbenchPanel | None:
    """待处理工单: the orders dispatched to this person (platform team or vendor)."""
    mine = WorkOrder.objects.filter(assignee=user, state__in=(State.DISPATCHED, State.IN_PROGRESS))
    is_vendor = VendorAccount.objects.filter(user=user, active=True).exists()
    if not is_vendor and not mine.exists():
        return None
    counts = queries.summary(mine, now)
    return WorkbenchPanel(
        "workorders-assigned",
        "待处理工单",
        order=32,
        counts=[
            Row("已派发", mine.filter(state=State.DISPATCHED).count(), url=_list(todo=1)),
            Row("处理中", mine.filter(state=State.IN_PROGRESS).count(), url=_list(todo=1)),
            Row("临期", counts[Level.WARNING], url=_list(todo=1, level=Level.WARNING), alert=True),
            Row("超期", counts[Level.OVERDUE], url=_list(todo=1, level=Level.OVERDUE), alert=True),
        ],
        rows=_urgent_rows(mine, now),
        empty="没有派发给您的工单。",
        more_url=_list(todo=1),
        more_label="查看待我处理的工单",
    )


def platform_panel(user, now) -> WorkbenchPanel | None:
    """工单督办: the group's orders to review and dispatch, and how many are near or past their limit."""
    if not queries.is_platform(user):
        return None
    scope = WorkOrder.objects.all()
    counts = queries.summary(scope, now)
    return WorkbenchPanel(
        "workorders-board",
        "工单督办",
        order=33,
        counts=[
            Row("待审核", scope.filter(state=State.SUBMITTED).count(), url=_list(state=State.SUBMITTED)),
            Row(
                "待派发",
                scope.filter(state=State.ACCEPTED).count(),
                url=_list(state=State.ACCEPTED),
                alert=True,
            ),
            Row("未办结", counts["open"], url=_list(state="open")),
            Row("临期", counts[Level.WARNING], url=_list(level=Level.WARNING), alert=True),
            Row("超期", counts[Level.OVERDUE], url=_list(level=Level.OVERDUE), alert=True),
        ],
        rows=_urgent_rows(scope.filter(Q(state__in=OPEN_STATES)), now),
        empty="没有未办结的工单。",
        more_url=reverse("workorders_board"),
        more_label="进入督办看板",
    )


def workbench_panels(user, now) -> list[WorkbenchPanel]:
    found = [panel(user, now) for panel in (platform_panel, review_panel, unit_panel, assignee_panel)]
    return [panel for panel in found if panel is not None]


@hooks.register("construct_homepage_panels")
def add_workorder_panels(request, panels):
    if not queries.uses_workorders(request.user):
        return
    panels.extend(workbench_panels(request.user, timezone.now()))
