"""The working calendar in the public API: `GET /api/v1/calendar/deadline`.

The API takes the start time in the forms its schema states (`FROM_PATTERN`: a real date from 2000 to 2100,
an optional time and an optional offset); `huimin deadline` and the calculator page read more ISO forms.
"""

from __future__ import annotations

import re
from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from huimin.core.api import ErrorOut, without_null

from .queries import (
    MAX_WORKING_DAYS,
    CalendarNotFound,
    DeadlineInputError,
    compute_deadline,
    deadline_json,
    get_calendar,
    parse_from,
)
from .working_time import NoWorkingTime

router = Router(tags=["工作日历"])

# A day of 2000-2100 that exists (29 February in leap years only), then optionally a time with optional
# seconds and fraction, then optionally an offset: every string it matches, `parse_from` reads.
_DAY = (
    "(?:(?:20[0-9]{2}|2100)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))|20(?:[02468][048]|[13579][26])-02-29)"
)
_TIME = (
    "[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]{1,6})?)?"
    "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)
FROM_PATTERN = f"^{_DAY}(?:{_TIME})?$"
FROM_RE = re.compile(FROM_PATTERN)
NO_FROM = "请填写起始时间，如 2022-09-30 16:00。"
BAD_FROM = (
    "起始时间格式不正确：应写成 2022-09-30 16:00（北京时间）或带时区的 ISO 时间，如 2022-09-30T16:00+08:00，"
    "日期须在 2000 年至 2100 年之间。"
)


class DeadlineQuery(Schema):
    from_: str = Field(
        ...,
        alias="from",
        description=(
            "起始时间：2022-09-30 16:00（北京时间）、2022-09-30T16:00:00+08:00 等带时区的 ISO 时间，"
            "或只写日期；日期须在 2000 年至 2100 年之间"
        ),
        json_schema_extra={"minLength": 1, "pattern": FROM_PATTERN},
    )
    working_days: float | None = Field(
        None,
        gt=0,
        le=MAX_WORKING_DAYS,
        description=(
            f"工作日数（一个工作日为该日历一整天的工作时长），大于 0、不超过 {MAX_WORKING_DAYS}；"
            "与 working_hours 二选一"
        ),
        json_schema_extra=without_null,
    )
    working_hours: float | None = Field(
        None,
        gt=0,
        le=MAX_WORKING_DAYS * 24,
        description=f"工作小时数，大于 0、不超过 {MAX_WORKING_DAYS * 24}；与 working_days 二选一",
        json_schema_extra=without_null,
    )
    calendar: str = Field(
        "", pattern=r"^[-A-Za-z0-9_]{0,30}$", description="日历代码，如 suqian；不填为默认日历"
    )


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
    description=(
        "从起始时间起经过若干工作日或工作小时后的截止时间，只在工作日的工作时间内计时。"
        "working_days 和 working_hours 须恰好填一个；日历代码须是已有的日历；"
        "日历在起始时间后三年内须有足够的工作时间。否则返回 400。"
    ),
)
def deadline(request: HttpRequest, query: Query[DeadlineQuery]):
    if not query.from_.strip():
        raise HttpError(400, NO_FROM)
    if not FROM_RE.fullmatch(query.from_):
        raise HttpError(400, BAD_FROM)
    try:
        calendar = get_calendar(query.calendar)
        result = compute_deadline(
            calendar,
            parse_from(query.from_),
            working_days=query.working_days,
            working_hours=query.working_hours,
        )
    except (CalendarNotFound, DeadlineInputError, NoWorkingTime) as error:
        raise HttpError(400, str(error)) from None
    return deadline_json(result, calendar)
