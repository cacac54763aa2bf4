"""Admin views of the working calendars: edits go through the services; a year's notice in one form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView
from wagtail.admin.ui.components import Component
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.admin_views import ServiceFormMixin

from . import services
from .checks import missing_years
from .models import WorkCalendar
from .notice import NoticeError
from .queries import default_calendar


class CalendarCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        return services.save_calendar(self.form.save(commit=False), actor=self.request.user)


class CalendarEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        return services.save_calendar(self.form.save(commit=False), actor=self.request.user)


class CalendarDeleteView(generic.DeleteView):
    def delete_action(self):
        services.delete_calendar(self.object, actor=self.request.user)

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(self.get_success_url())


class DayCreateView(ServiceFormMixin, generic.CreateView):
    def save_instance(self):
        return services.save_day(self.form.save(commit=False), actor=self.request.user)


class DayEditView(ServiceFormMixin, generic.EditView):
    def save_instance(self):
        return services.save_day(self.form.save(commit=False), actor=self.request.user)


class DayDeleteView(generic.DeleteView):
    def delete_action(self):
        services.delete_day(self.object, actor=self.request.user)


class NoticeForm(forms.Form):
    calendar = forms.ModelChoiceField(label="日历", queryset=WorkCalendar.objects.all(), empty_label=None)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    text = forms.CharField(
        label="放假安排",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每个节日一行：名称、放假日期（起~止），有调休上班日时写“调休”和日期，如："
        "“国庆节 2027-10-01~2027-10-07 调休 2027-09-26,2027-10-09”。保存后该年原有的安排被替换。",
    )


class NoticeImportView(WagtailAdminTemplateMixin, FormView):
    """Enter a year's State Council notice (国务院办公厅关于某年部分节假日安排的通知) in one form."""

    template_name = "workdays/admin/notice.html"
    form_class = NoticeForm
    page_title = "录入年度放假安排"
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        missing = missing_years()
        return {"year": missing[0] if missing else timezone.localdate().year + 1}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            result = services.import_notice(
                data["calendar"], data["year"], data["text"], actor=self.request.user
            )
        except NoticeError as error:
            for problem in error.problems:
                form.add_error("text", problem)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"已保存 {data['calendar'].name} {result.year} 年的放假安排：放假 {result.holidays} 天，"
            f"调休上班 {result.makeup_days} 天。",
        )
        return redirect(reverse("workdays_notice"))


class MissingHolidaysPanel(Component):
    """On the admin dashboard while the current or next year has no holiday data."""

    name = "missing_holidays"
    order = 10
    template_name = "workdays/admin/missing_holidays_panel.html"

    def __init__(self, years: list[int]):
        self.years = years

    def get_context_data(self, parent_context=None):
        return {
            "years": "、".join(str(y) for y in self.years),
            "calendar": default_calendar().name,
            "url": reverse("workdays_notice"),
        }
