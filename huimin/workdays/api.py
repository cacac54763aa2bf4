"""The working calendar in the public API: `GET /api/v1/calendar/deadline`."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from huimin.core.api import ErrorOut

from .queries import (
    CalendarNotFound,
    DeadlineInputError,
    compute_deadline,
    deadline_json,
    get_calendar,
    parse_from,
)
from .working_time import NoWorkingTime

router = Router(tags=["工作日历"])


class DeadlineQuery(Schema):
    from_: str = Field(
        ..., alias="from", description="起始时间，如 2022-09-30 16:00（北京时间）或带时区的 ISO 时间"
    )
    working_days: str | None = Field(
        None, description="工作日数（一个工作日为该日历一整天的工作时长），与 working_hours 二选一"
    )
    working_hours: str | None = Field(None, description="工作小时数，与 working_days 二选一")
    calendar: str = Field("", description="日历代码，如 suqian；不填为默认日历")


class SkippedDayOut(Schema):
    date: date
    kind: str = Field(description="holiday（节假日）或 weekend（休息日）")
    name: str


class MakeupDayOut(Schema):
    date: date
    name: str


class CalendarRef(Schema):
    slug: str
    name: str


class DeadlineOut(Schema):
    from_: str = Field(..., alias="from", description="起始时间（北京时间）")
    due: str = Field(description="截止时间（北京时间）")
    clock_started: str = Field(description="开始计时的时间：起始时间不在工作时间内时为下一个工作时段的开始")
    working_hours: float = Field(description="办理时限折合的工作小时数")
    calendar: CalendarRef
    skipped: list[SkippedDayOut] = Field(description="跳过的节假日和休息日")
    makeup_days: list[MakeupDayOut] = Field(description="计入的调休上班日")


@router.get(
    "/deadline",
    response={200: DeadlineOut, 400: ErrorOut},
    by_alias=True,
    url_name="calendar_deadline",
    summary="办理时限计算",
    description="从起始时间起经过若干工作日或工作小时后的截止时间，只在工作日的工作时间内计时。",
)
def deadline(request: HttpRequest, query: Query[DeadlineQuery]):
    try:
        calendar = get_calendar(query.calendar.strip())
        result = compute_deadline(
            calendar,
            parse_from(query.from_),
            working_days=query.working_days or None,
            working_hours=query.working_hours or None,
        )
    except (CalendarNotFound, DeadlineInputError, NoWorkingTime) as error:
        raise HttpError(400, str(error)) from None
    return deadline_json(result, calendar)
