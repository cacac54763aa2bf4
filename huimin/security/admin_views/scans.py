"""安全扫描 in the admin: each site's latest scan with what changed since the one before, a site's scan
history, and one scan's checks. A target of a site the person does not manage answers 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path

from .. import queries
from ..enums import CheckStatus, Risk
from ..models import ScanResult
from . import MenuEntry, SecurityView

LIST_URL = "security_scans"
PAGE_SIZE = 30


def _target(request, pk: int):
    found = queries.visible_targets(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _previous(scan: ScanResult) -> ScanResult | None:
    return (
        ScanResult.objects.filter(target_id=scan.target_id)
        .filter(at__lt=scan.at)
        .order_by("-at", "-pk")
        .first()
    )


class ListView(SecurityView):
    template_name = "security/scans/list.html"
    page_title = "安全扫描"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for target, latest, previous in queries.latest_scans(queries.visible_targets(self.request.user)):
            changes = queries.scan_changes(latest, previous) if latest is not None else []
            rows.append(
                {
                    "target": target,
                    "latest": latest,
                    "worse": sum(1 for c in changes if c.worse),
                    "better": sum(1 for c in changes if not c.worse),
                    "first": latest is not None and previous is None,
                }
            )
        rows.sort(
            key=lambda r: (r["latest"] is None, -(r["latest"].failed if r["latest"] else 0), r["target"].name)
        )
        context["rows"] = rows
        return context


class HistoryView(SecurityView):
    template_name = "security/scans/history.html"
    page_title = "扫描记录"
    section_label, section_url = "安全扫描", LIST_URL

    def get_page_title(self):
        target = getattr(self, "_target", None)
        return f"扫描记录：{target.name}" if target is not None else self.page_title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        self._target = _target(request, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        target = self._target
        scans = ScanResult.objects.filter(target=target).order_by("-at", "-pk")
        page = Paginator(scans, PAGE_SIZE).get_page(self.request.GET.get("p"))
        shown = list(page.object_list)
        # the scan before the oldest on this page, so its changes show too
        before = _previous(shown[-1]) if shown else None
        rows = []
        for index, scan in enumerate(shown):
            previous = shown[index + 1] if index + 1 < len(shown) else before
            rows.append(
                {"scan": scan, "changes": queries.scan_changes(scan, previous), "first": previous is None}
            )
        context.update({"target": target, "rows": rows, "page": page})
        return context


class DetailView(SecurityView):
    template_name = "security/scans/detail.html"
    page_title = "扫描结果"
    section_label, section_url = "安全扫描", LIST_URL

    def get_page_title(self):
        scan = getattr(self, "_scan", None)
        return f"扫描结果：{scan.target.name}" if scan is not None else self.page_title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get(self, request, *args, **kwargs):
        scan = ScanResult.objects.select_related("target").filter(pk=kwargs["pk"]).first()
        if scan is None:
            raise Http404
        _target(request, scan.target_id)  # 404 for a site this person does not manage
        self._scan = scan
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scan = self._scan
        previous = _previous(scan)
        order = {CheckStatus.FAIL: 0, CheckStatus.WARN: 1, CheckStatus.PASS: 2, CheckStatus.SKIP: 3}
        checks = sorted(scan.checks, key=lambda c: order.get(c.get("status"), 9))
        for check in checks:
            status = check.get("status")
            check["status_label"] = CheckStatus(status).label if status in CheckStatus.values else "—"
        context.update(
            {
                "scan": scan,
                "checks": checks,
                "previous": previous,
                "first": previous is None,
                "changes": queries.scan_changes(scan, previous),
                "risk_labels": dict(Risk.choices),
            }
        )
        return context


urlpatterns = [
    path("scans/", ListView.as_view(), name=LIST_URL),
    path("scans/sites/<int:pk>/", HistoryView.as_view(), name="security_scan_history"),
    path("scans/<int:pk>/", DetailView.as_view(), name="security_scan"),
]
MENU = [MenuEntry("安全扫描", LIST_URL, "search", 300, queries.uses_security)]
