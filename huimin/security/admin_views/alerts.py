"""安全预警 in the admin: the list of alerts (filters `?state=&kind=&site=`), and one alert with its
problems, its record and the actions this person may take (确认, 解除). Every action calls the service of
the same name; its refusals come back onto the action's form in Chinese. An alert of a site the person does
not manage answers 404, for the screen and for every action."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from .. import queries, rules, services
from ..enums import ACTIVE_STATES, AlertKind, AlertState
from ..forms import ALERT_FORMS
from ..models import Alert
from . import MenuEntry, SecurityView

PAGE_SIZE = 50
LIST_URL = "security_alerts"
STATES = [("active", "待处置（待确认和处置中）"), *AlertState.choices, ("all", "全部")]


def _int(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def visible(request, pk: int) -> Alert:
    found = queries.visible_alerts(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def history(alert: Alert) -> list[dict]:
    """The alert's record from the audit log, oldest first, in words."""
    rows = []
    for entry in ModelLogEntry.objects.for_instance(alert).select_related("user").order_by("timestamp", "pk"):
        data, user = entry.data or {}, entry.user
        rows.append(
            {
                "at": entry.timestamp,
                "who": (user.get_full_name() or user.get_username()) if user else "系统",
                "action": log_registry.get_action_label(entry.action),
                "note": data.get("note", ""),
            }
        )
    return rows


class ListView(SecurityView):
    template_name = "security/alerts/list.html"
    page_title = "安全预警"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, query = self.request.user, self.request.GET
        sites = list(queries.visible_sites(user))
        filters = {
            "state": query.get("state") if query.get("state") in dict(STATES) else "active",
            "kind": query.get("kind") if query.get("kind") in AlertKind.values else "",
            "site": _int(query.get("site")),
        }
        alerts = queries.visible_alerts(user)
        if filters["state"] == "active":
            alerts = alerts.filter(state__in=ACTIVE_STATES)
        elif filters["state"] != "all":
            alerts = alerts.filter(state=filters["state"])
        if filters["kind"]:
            alerts = alerts.filter(kind=filters["kind"])
        if filters["site"] is not None:
            alerts = alerts.filter(site_id=filters["site"])
        page = Paginator(alerts, PAGE_SIZE).get_page(query.get("p"))
        params = {
            k: v for k, v in filters.items() if v not in (None, "") and not (k == "state" and v == "active")
        }
        context.update(
            {
                "filters": filters,
                "page": page,
                "alerts": page.object_list,
                "states": STATES,
                "kinds": AlertKind.choices,
                "sites": sites if len(sites) > 1 else [],
                "query": urlencode(params),
                "total": page.paginator.count,
                "escalation": rules.thresholds().escalation,
            }
        )
        return context


def available_actions(user, alert: Alert) -> list[str]:
    if not queries.may_handle(user, alert):
        return []
    if alert.state == AlertState.OPEN:
        return ["acknowledge", "resolve"]
    if alert.state == AlertState.ACKNOWLEDGED:
        return ["resolve"]
    return []


class DetailView(SecurityView):
    template_name = "security/alerts/detail.html"
    page_title = "安全预警"
    section_label, section_url = "安全预警", LIST_URL

    def get_page_title(self):
        alert = getattr(self, "_alert", None)
        return alert.title if alert is not None else self.page_title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def alert(self) -> Alert:
        self._alert = visible(self.request, self.kwargs["pk"])
        return self._alert

    def show(self, alert: Alert, failed=None, status: int = 200):
        names = available_actions(self.request.user, alert)
        kept = failed.action if failed is not None else ""
        forms = [failed if name == kept else ALERT_FORMS[name]() for name in names]
        context = self.get_context_data(alert=alert, forms=forms, failed=failed, history=history(alert))
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.show(self.alert())

    def post(self, request, *args, **kwargs):
        alert = self.alert()
        action = request.POST.get("action", "")
        if action not in ALERT_FORMS:
            raise Http404
        form = ALERT_FORMS[action](request.POST)
        if not form.is_valid():
            return self.show(alert, form, status=400)
        call = services.acknowledge if action == "acknowledge" else services.resolve
        try:
            call(alert, actor=request.user, now=timezone.now(), note=form.cleaned_data.get("note", ""))
        except PermissionDenied as error:
            form.apply_error(error)
            return self.show(alert, form, status=403)
        except ValidationError as error:
            form.apply_error(error)
            return self.show(alert, form, status=400)
        messages.success(request, f"已{form.title}。")
        return redirect(reverse("security_alert", args=[alert.pk]))


urlpatterns = [
    path("", ListView.as_view(), name=LIST_URL),
    path("alerts/<int:pk>/", DetailView.as_view(), name="security_alert"),
]
MENU = [MenuEntry("安全预警", LIST_URL, "warning", 100, queries.uses_security)]
