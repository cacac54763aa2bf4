"""值班读网 in the admin: the person's sites with today's state and this month's missed days; a site's month
(each day: working or not on the working calendar, who is on duty, what was recorded, the day's state in
words); arranging the roster (the site's administrator, the platform administrator); recording a reading
(anyone with a role on the site). Another site answers 404 on every screen and action."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from .. import queries, rules, services
from ..enums import DayState
from ..forms import ArrangeForm, ReadingForm
from ..models import DutyReading
from . import MenuEntry, OperationsView, site_or_404

LIST_URL = "operations_duty"
MONTH_URL = "operations_duty_site"
ARRANGE_URL = "operations_duty_arrange"
RECORD_URL = "operations_duty_record"
MONTH = re.compile(r"\A(\d{4})-(\d{1,2})\Z")
# The 提交工单 screen of 网站工单, opened with the site chosen.
SUBMIT_ORDER_URL = "workorders_submit"


def submit_order_url(site) -> str:
    try:
        return f"{reverse(SUBMIT_ORDER_URL)}?{urlencode({'site': site.pk})}"
    except NoReverseMatch:
        return ""


def parse_month(text: str, now) -> tuple[int, int, str]:
    """(year, month, error): the month asked for as 2026-10, or this month with a Chinese error."""
    today = queries.today(now)
    text = (text or "").strip()
    if not text:
        return today.year, today.month, ""
    found = MONTH.match(text[:10])
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month, ""
    return today.year, today.month, "月份格式不正确（应如 2026-10），下面显示本月。"


def _shift(year: int, month: int, step: int) -> str:
    index = year * 12 + month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


MONTHS_BACK, MONTHS_AHEAD = 24, 3


def month_choices(today: date, shown: str) -> list[tuple[str, str]]:
    """The months offered in the chooser, newest first (the one shown among them), labelled 2026年10月."""
    keys = [_shift(today.year, today.month, step) for step in range(MONTHS_AHEAD, -MONTHS_BACK - 1, -1)]
    if shown not in keys:
        keys.append(shown)
    return [(key, f"{int(key[:4])}年{int(key[5:])}月") for key in keys]


class SitesView(OperationsView):
    template_name = "operations/admin/sites.html"
    page_title = "值班读网"

    def allowed(self, user) -> bool:
        return queries.duty_sites(user).exists()

    def get(self, request, *args, **kwargs):
        sites = list(queries.duty_sites(request.user)[:2])
        if len(sites) == 1:
            return redirect(MONTH_URL, sites[0].pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = queries.today(now)
        sites = list(queries.duty_sites(self.request.user))
        ids = [site.pk for site in sites]
        names = queries.site_names(ids)
        missed = queries.missed_days(ids, today.replace(day=1), today, now)
        recorded = set(
            DutyReading.objects.filter(site_id__in=ids, day=today).values_list("site_id", flat=True)
        )
        rows = []
        for site in sites:
            if site.pk not in missed:
                note = "尚未安排值班"
            else:
                today_note = "今日已记录" if site.pk in recorded else "今日未记录"
                note = f"本月漏记 {len(missed[site.pk])} 个工作日，{today_note}"
            rows.append(
                {
                    "name": names[site.pk],
                    "hostname": site.hostname,
                    "url": reverse(MONTH_URL, args=[site.pk]),
                    "note": note,
                }
            )
        context["sites"] = rows
        context["intro"] = "选择网站，查看每天的值班人员和读网记录。"
        return context


class _SiteView(OperationsView):
    """A screen of one of the person's duty sites (404 for any other)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.site = site_or_404(queries.duty_sites(request.user), kwargs["site_id"])
            self.site_name = queries.site_names([self.site.pk])[self.site.pk]
        return super().dispatch(request, *args, **kwargs)

    def get_header_title(self):
        return f"{self.page_title}（{self.site_name}）"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL), "label": "值班读网"},
            {"url": reverse(MONTH_URL, args=[self.site.pk]), "label": self.site_name},
            {"url": "", "label": self.get_header_title()},
        ]


class MonthView(_SiteView):
    template_name = "operations/admin/duty_month.html"
    page_title = "值班记录"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = queries.today(now)
        year, month, error = parse_month(self.request.GET.get("month", ""), now)
        rows = queries.month_days(self.site, year, month, now)
        user = self.request.user
        may_record = queries.may_record(user, self.site)
        backfill = rules.duty().backfill_days
        record_base = reverse(RECORD_URL, args=[self.site.pk])
        for row in rows:
            row.record_url = (
                f"{record_base}?day={row.day:%Y-%m-%d}"
                if may_record and today - timedelta(days=backfill) <= row.day <= today
                else ""
            )
        missed = [row for row in rows if row.state == DayState.MISSED]
        context.update(
            {
                "site": self.site,
                "site_name": self.site_name,
                "rows": rows,
                "month_label": f"{year}年{month}月",
                "month_error": error,
                "previous": _shift(year, month, -1),
                "next": _shift(year, month, 1),
                "current": f"{today:%Y-%m}",
                "shown": f"{year:04d}-{month:02d}",
                "months": month_choices(today, f"{year:04d}-{month:02d}"),
                "missed": missed,
                "recorded": sum(row.state == DayState.RECORDED for row in rows),
                "started": queries.first_roster_days([self.site.pk]).get(self.site.pk),
                "may_arrange": queries.may_arrange(user, self.site),
                "may_record": may_record,
                "today_url": f"{record_base}?day={today:%Y-%m-%d}" if may_record else "",
                "states": DayState,
            }
        )
        return context


class ArrangeView(_SiteView):
    template_name = "operations/admin/duty_arrange.html"
    page_title = "安排值班"

    def allowed(self, user) -> bool:
        return queries.may_arrange(user, self.site)

    def get(self, request, *args, **kwargs):
        today = queries.today(timezone.now())
        first = today.replace(day=1)
        end = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        form = ArrangeForm(site=self.site, initial={"start": today, "end": end})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ArrangeForm(request.POST, site=self.site)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entries = services.arrange_roster(
                    self.site,
                    people=form.ordered_people(),
                    start=data["start"],
                    end=data["end"],
                    rotation=data["rotation"],
                    note=data["note"],
                    actor=request.user,
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已安排 {len(entries)} 个工作日的值班。")
                return redirect(f"{reverse(MONTH_URL, args=[self.site.pk])}?month={data['start']:%Y-%m}")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"site": self.site, "site_name": self.site_name})
        return context


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _day(text: str, default: date) -> date:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return default


class RecordView(_SiteView):
    template_name = "operations/admin/duty_record.html"
    page_title = "记录值班读网"

    def allowed(self, user) -> bool:
        return queries.may_record(user, self.site)

    def get(self, request, *args, **kwargs):
        today = queries.today(timezone.now())
        day = _day(request.GET.get("day", ""), today)
        existing = (
            DutyReading.objects.filter(site=self.site, day=day, person=request.user)
            .prefetch_related("work_orders")
            .first()
        )
        initial = {"day": day}
        if existing is not None:
            initial.update(
                pages_read=existing.pages_read,
                urls="\n".join(existing.urls),
                problems=existing.problems,
                work_orders=[order.pk for order in existing.work_orders.all()],
            )
        form = ReadingForm(site=self.site, initial=initial)
        return self.render_to_response(self.get_context_data(form=form, existing=existing))

    def post(self, request, *args, **kwargs):
        form = ReadingForm(request.POST, site=self.site)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reading = services.record_reading(
                    self.site,
                    day=data["day"],
                    pages_read=data["pages_read"],
                    urls=data["urls"],
                    problems=data["problems"],
                    work_orders=list(data["work_orders"]),
                    actor=request.user,
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已记录 {_chinese_date(reading.day)}的值班读网。")
                return redirect(f"{reverse(MONTH_URL, args=[self.site.pk])}?month={reading.day:%Y-%m}")
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "site": self.site,
                "site_name": self.site_name,
                "submit_order_url": submit_order_url(self.site),
                "backfill": rules.duty().backfill_days,
            }
        )
        return context


urlpatterns = [
    path("duty/", SitesView.as_view(), name=LIST_URL),
    path("duty/<int:site_id>/", MonthView.as_view(), name=MONTH_URL),
    path("duty/<int:site_id>/arrange/", ArrangeView.as_view(), name=ARRANGE_URL),
    path("duty/<int:site_id>/record/", RecordView.as_view(), name=RECORD_URL),
]

MENU = [MenuEntry("值班读网", LIST_URL, "date", 20, lambda user: queries.duty_sites(user).exists())]
