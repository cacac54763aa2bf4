"""The public 办理时限计算器 page, on every site of the group."""

from __future__ import annotations

from django.template.response import TemplateResponse

from huimin.sites import queries as site_queries

from .forms import DeadlineForm
from .queries import CalendarNotFound, DeadlineInputError, compute_deadline, default_calendar
from .working_time import NoWorkingTime


def deadline_calculator(request):
    form = DeadlineForm(request.GET or None)
    result = calendar = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            calendar = data["calendar"] or default_calendar()
            amount = {"working_days" if data["unit"] == "days" else "working_hours": data["amount"]}
            result = compute_deadline(calendar, data["start"], **amount)
        except DeadlineInputError as error:
            form.add_error("amount", str(error))
        except (CalendarNotFound, NoWorkingTime) as error:
            form.add_error(None, str(error))
    context = {
        **site_queries.site_chrome(request),
        "form": form,
        "result": result if not form.errors else None,
        "calendar": calendar,
    }
    return TemplateResponse(
        request, "workdays/deadline_calculator.html", context, status=400 if form.errors else 200
    )
