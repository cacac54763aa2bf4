"""督办: how each unit handled netizen messages in a month or quarter, as of the period's end (or `now` for
the period under way), and the late letters with their double deduction (the website assessment's 办理答复
and the city's event-dispatch system, 一张网).

Units are the assessed units and the handling units under them; a unit's letters are those handled by it or
its descendant units (`Letter.unit`), and a letter not yet dispatched belongs to the unit whose site
received it. Set-aside letters (无效, 重复) count for nothing once set aside.

Every figure is judged at the moment `at` = min(period end, now), from the letters' own due fields:

- a stage (分办, 签收, 答复) is late in the period when its deadline fell in [start, at) and the step was not
  done by the deadline: done later (by `at`), or still not done at `at` ("pending");
- 到期 = letters whose reply deadline fell in the period; 按时 = of those, answered by the deadline;
  按时答复率 = 按时 / 到期; the late letters (超期答复 + 超期未答复) = 到期 − 按时, each deducted once
  (1 point on the website assessment, 1 on 一张网), in the period its deadline fell in;
- 退回 = letters a unit returned in the period; 不满意 = letters rated 不满意 in the period.

So the months of a quarter add up to the quarter, a past period never changes, and each late letter is
deducted once. Everything here is a pure function of (period, now).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from huimin.letters.enums import Rating, State
from huimin.letters.masking import mask
from huimin.letters.models import Letter, LetterEvent
from huimin.sites.models import OrgUnit, SiteIdentity
from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import SHANGHAI, working_time_between

from .enums import CLASS_OF_KIND

WEBSITE_POINTS = Decimal(1)  # 网站考核 办理答复: per late letter
DISPATCH_SYSTEM_POINTS = Decimal(1)  # 一张网: per late letter
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
# (key, name, due field, done field)
STAGES = (
    ("dispatch", "分办", "dispatch_due", "dispatched_at"),
    ("accept", "签收", "accept_due", "accepted_at"),
    ("reply", "答复", "reply_due", "replied_at"),
)
# The measures of a row, in the table's order: key -> column heading.
MEASURES = {
    "received": "收到留言",
    "due": "到期留言",
    "on_time": "按时答复",
    "dispatch_late": "分办超期",
    "accept_late": "签收超期",
    "answered_late": "超期答复",
    "unanswered": "超期未答复",
    "late": "超期留言合计",
    "returned": "退回",
    "unsatisfied": "不满意",
}
SET_ASIDE = (State.INVALID, State.DUPLICATE)


class PeriodError(ValueError):
    """A period that cannot be read or has not begun; the message is Chinese."""


# --- periods -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11" or "2026Q4"
    label: str  # "2026年11月" or "2026年第四季度"
    kind: str  # "month" or "quarter"
    start: datetime
    end: datetime  # exclusive

    def at(self, now: datetime) -> datetime:
        """The moment the period is judged at: its end, or now while it runs."""
        return min(self.end, now)

    def running(self, now: datetime) -> bool:
        return self.start <= now < self.end


def _first(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=SHANGHAI)


def month(year: int, number: int) -> Period:
    if not (2000 <= year <= 2100 and 1 <= number <= 12):
        raise PeriodError("请选择正确的月份。")
    return Period(
        f"{year}-{number:02d}", f"{year}年{number}月", "month", _first(year, number), _first(year, number + 1)
    )


def quarter(year: int, number: int) -> Period:
    if not (2000 <= year <= 2100 and 1 <= number <= 4):
        raise PeriodError("请选择正确的季度。")
    first = 3 * (number - 1) + 1
    return Period(
        f"{year}Q{number}",
        f"{year}年{QUARTER_NAMES[number]}",
        "quarter",
        _first(year, first),
        _first(year, first + 3),
    )


PERIOD_PATTERN = re.compile(r"\A(\d{4})(?:-(\d{1,2})|[Qq]([1-4]))\Z")


def parse_period(text: str, now: datetime | None = None) -> Period:
    """ "2026-11" (a month) or "2026Q4" (a quarter); with `now`, a period not begun yet is refused."""
    found = PERIOD_PATTERN.match((text or "").strip())
    if found is None:
        raise PeriodError("期间格式不正确：月份写作 2026-11，季度写作 2026Q4。")
    year = int(found.group(1))
    period = month(year, int(found.group(2))) if found.group(2) else quarter(year, int(found.group(3)))
    if now is not None and period.start > now:
        raise PeriodError(f"{period.label}尚未开始，没有可统计的留言。")
    return period


def recent_periods(now: datetime, months: int = 12) -> list[Period]:
    """The periods offered in the selector: the last `months` months and the quarters they touch, newest
    first (each quarter after its last month)."""
    local = now.astimezone(SHANGHAI)
    found: list[Period] = []
    year, number = local.year, local.month
    for _ in range(months):
        if number % 3 == 0 or (year, number) == (local.year, local.month):
            found.append(quarter(year, (number - 1) // 3 + 1))
        found.append(month(year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return found


def current_period(now: datetime) -> Period:
    local = now.astimezone(SHANGHAI)
    return month(local.year, local.month)


# --- the figures -------------------------------------------------------------------------------------


@dataclass
class LateStep:
    """One late stage of one letter."""

    letter: Letter
    stage: str  # dispatch, accept or reply
    due: datetime
    done: datetime | None  # when the step was done, if by `at`
    days_late: float  # working days between the deadline and the step (or `at`)
    unit: OrgUnit | None  # the handling unit (or the unit whose site received it)
    owner: OrgUnit | None  # the nearest assessed unit above (or being) it

    @property
    def pending(self) -> bool:
        return self.done is None

    @property
    def stage_name(self) -> str:
        return next(name for key, name, _d, _f in STAGES if key == self.stage)

    @property
    def status(self) -> str:
        if self.stage == "reply":
            return "超期未答复" if self.pending else "超期答复"
        return f"{self.stage_name}超期" + ("（期末仍未办理）" if self.pending else "")

    @property
    def title(self) -> str:
        """The title as letters publish it (personal data masked)."""
        return masked_title(self.letter)

    @property
    def website_points(self) -> Decimal:
        return WEBSITE_POINTS if self.stage == "reply" else Decimal(0)

    @property
    def dispatch_system_points(self) -> Decimal:
        return DISPATCH_SYSTEM_POINTS if self.stage == "reply" else Decimal(0)


@dataclass
class Unsatisfied:
    letter: Letter
    rated_at: datetime
    unit: OrgUnit | None
    owner: OrgUnit | None
    days_late: float  # 0 when answered by the deadline

    @property
    def title(self) -> str:
        return masked_title(self.letter)


@dataclass
class Row:
    unit: OrgUnit
    assessed: bool
    letters: dict[str, set[int]] = field(default_factory=lambda: {key: set() for key in MEASURES})
    children: list[Row] = field(default_factory=list)
    rank: int | None = None

    def count(self, measure: str) -> int:
        return len(self.letters[measure])

    def __getattr__(self, name):
        if name in MEASURES:
            return self.count(name)
        raise AttributeError(name)

    @property
    def on_time_rate(self) -> float | None:
        due = self.count("due")
        return self.count("on_time") / due if due else None

    @property
    def on_time_percent(self) -> str:
        rate = self.on_time_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    @property
    def website_deduction(self) -> Decimal:
        return WEBSITE_POINTS * self.count("late")

    @property
    def dispatch_system_deduction(self) -> Decimal:
        return DISPATCH_SYSTEM_POINTS * self.count("late")

    @property
    def empty(self) -> bool:
        return not any(self.letters.values())


@dataclass
class Report:
    period: Period
    at: datetime
    now: datetime
    rows: list[Row]  # the assessed units, ranked
    total: Row
    late: list[LateStep]  # every late stage, unit by unit, deadline first
    unsatisfied: list[Unsatisfied]

    @property
    def deductions(self) -> list[LateStep]:
        """The late letters (reply stage): one double deduction each."""
        return [step for step in self.late if step.stage == "reply"]

    @property
    def ranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def unranked(self) -> list[Row]:
        return [row for row in self.rows if row.rank is None]

    def row_for(self, unit_id: int) -> Row | None:
        for row in self.rows:
            if row.unit.pk == unit_id:
                return row
            for child in row.children:
                if child.unit.pk == unit_id:
                    return child
        return None


def masked_title(letter: Letter) -> str:
    return mask(letter.title, names=(letter.contact_name,))


class _Units:
    """The org tree: which units are in scope (assessed, or under an assessed unit) and, for a unit, the
    in-scope units its letters count for (itself and its ancestors) and its nearest assessed unit."""

    def __init__(self):
        self.all = {unit.pk: unit for unit in OrgUnit.objects.all()}
        self.assessed = {pk for pk, unit in self.all.items() if unit.kind in CLASS_OF_KIND}
        self.site_owner = dict(SiteIdentity.objects.values_list("site_id", "org_unit_id"))
        self._chains: dict[int, list[int]] = {}

    def chain(self, unit_id: int | None) -> list[int]:
        """The unit and its ancestors, nearest first, cut above the outermost assessed unit; empty when no
        assessed unit is among them."""
        if unit_id is None:
            return []
        if unit_id not in self._chains:
            chain, seen, current = [], set(), self.all.get(unit_id)
            while current is not None and current.pk not in seen:
                chain.append(current.pk)
                seen.add(current.pk)
                current = self.all.get(current.parent_id) if current.parent_id else None
            assessed = [i for i, pk in enumerate(chain) if pk in self.assessed]
            self._chains[unit_id] = chain[: assessed[-1] + 1] if assessed else []
        return self._chains[unit_id]

    def owner(self, unit_id: int | None) -> int | None:
        return next((pk for pk in self.chain(unit_id) if pk in self.assessed), None)

    def of_letter(self, letter: Letter) -> int | None:
        """The unit a letter counts for: its handling unit, or (not dispatched) its site's unit."""
        return letter.unit_id if letter.unit_id is not None else self.site_owner.get(letter.site_id)


class _Schedules:
    def __init__(self):
        self._found = {}

    def days(self, letter: Letter, begin: datetime, end: datetime) -> float:
        if end <= begin:
            return 0.0
        if letter.calendar_id not in self._found:
            self._found[letter.calendar_id] = schedule_for(letter.calendar)
        schedule = self._found[letter.calendar_id]
        spent = working_time_between(schedule, begin, end)
        day = schedule.day_length
        return round(spent / day, 1) if day > timedelta(0) else 0.0


def _live(at: datetime):
    """Letters that still counted at `at`: not set aside by then."""
    return ~(Q(state__in=SET_ASIDE) & Q(closed_at__lte=at))


def report(period: Period | str, now: datetime) -> Report:
    """The supervision figures of every unit for a month or quarter, judged at min(period end, now)."""
    if isinstance(period, str):
        period = parse_period(period)
    start, at = period.start, period.at(now)
    units, schedules = _Units(), _Schedules()
    rows: dict[int, Row] = {}

    def row(unit_id: int) -> Row:
        if unit_id not in rows:
            rows[unit_id] = Row(units.all[unit_id], unit_id in units.assessed)
        return rows[unit_id]

    def add(unit_id: int | None, measure: str, letter_id: int) -> None:
        for pk in units.chain(unit_id):
            row(pk).letters[measure].add(letter_id)

    for pk in units.assessed:
        row(pk)

    window = Q(received_at__gte=start, received_at__lt=at)
    for _key, _name, due_field, _done in STAGES:
        window |= Q(**{f"{due_field}__gte": start, f"{due_field}__lt": at})
    letters = Letter.objects.filter(window).filter(_live(at)).select_related("unit", "calendar", "site")
    late: list[LateStep] = []
    for letter in letters.order_by("pk"):
        unit_id = units.of_letter(letter)
        if not units.chain(unit_id):
            continue
        if start <= letter.received_at < at:
            add(unit_id, "received", letter.pk)
        for key, _name, due_field, done_field in STAGES:
            due = getattr(letter, due_field)
            if due is None or not (start <= due < at):
                continue
            done = getattr(letter, done_field)
            done = done if done is not None and done <= at else None
            if key == "reply":
                add(unit_id, "due", letter.pk)
                if done is not None and done <= due:
                    add(unit_id, "on_time", letter.pk)
                    continue
                add(unit_id, "late", letter.pk)
                add(unit_id, "unanswered" if done is None else "answered_late", letter.pk)
            elif done is not None and done <= due:
                continue
            else:
                add(unit_id, f"{key}_late", letter.pk)
            owner = units.owner(unit_id)
            late.append(
                LateStep(
                    letter=letter,
                    stage=key,
                    due=due,
                    done=done,
                    days_late=schedules.days(letter, due, done or at),
                    unit=units.all.get(unit_id),
                    owner=units.all.get(owner) if owner else None,
                )
            )

    events = (
        LetterEvent.objects.filter(at__gte=start, at__lt=at)
        .filter(Q(action="return") | Q(action="rate", note=Rating.UNSATISFIED.label))
        .select_related("letter", "letter__calendar", "letter__unit")
        .order_by("at", "pk")
    )
    unsatisfied: dict[int, Unsatisfied] = {}
    for event in events:
        letter = event.letter
        unit_id = event.unit_id if event.unit_id is not None else units.of_letter(letter)
        if not units.chain(unit_id):
            continue
        if event.action == "return":
            add(unit_id, "returned", letter.pk)
            continue
        add(unit_id, "unsatisfied", letter.pk)
        late_by = 0.0
        if (
            letter.reply_due is not None
            and letter.replied_at is not None
            and letter.replied_at > letter.reply_due
        ):
            late_by = schedules.days(letter, letter.reply_due, letter.replied_at)
        owner = units.owner(unit_id)
        unsatisfied[letter.pk] = Unsatisfied(
            letter, event.at, units.all.get(unit_id), units.all.get(owner) if owner else None, late_by
        )

    assessed = [rows[pk] for pk in units.assessed]
    for top in assessed:
        top.children = sorted(
            (
                found
                for pk, found in rows.items()
                if pk != top.unit.pk
                and not found.assessed
                and top.unit.pk in units.chain(pk)
                and not found.empty
            ),
            key=_unit_order,
        )
    total = Row(OrgUnit(name="合计"), False)
    for top in assessed:
        for measure, ids in top.letters.items():
            total.letters[measure] |= ids
    ranked = _rank(assessed)
    order = {key: i for i, (key, *_rest) in enumerate(STAGES)}
    late.sort(key=lambda s: (_unit_order(s.owner), s.due, order[s.stage], s.letter.pk))
    listed = sorted(unsatisfied.values(), key=lambda u: (_unit_order(u.owner), u.rated_at, u.letter.pk))
    return Report(period, at, now, ranked, total, late, listed)


def _unit_order(unit) -> tuple:
    if unit is None:
        return (1, 0, "")
    found = unit.unit if isinstance(unit, Row) else unit
    return (0, found.sort_order, found.name)


def _rank(rows: list[Row]) -> list[Row]:
    """By on-time rate (highest first), then late count (fewest first); units with no letter due in the
    period follow, unranked. Equal figures share a rank."""
    with_due = sorted(
        (r for r in rows if r.count("due")), key=lambda r: (-r.on_time_rate, r.count("late"), _unit_order(r))
    )
    previous, rank = None, 0
    for position, found in enumerate(with_due, start=1):
        key = (found.on_time_rate, found.count("late"))
        if key != previous:
            rank, previous = position, key
        found.rank = rank
    rest = sorted((r for r in rows if not r.count("due")), key=_unit_order)
    for found in rest:
        found.rank = None
    return with_due + rest


def monthly(year: int, number: int, now: datetime) -> Report:
    return report(month(year, number), now)


def quarterly(year: int, number: int, now: datetime) -> Report:
    return report(quarter(year, number), now)


def letters_for(result: Report, unit_id: int, measure: str):
    """The letters behind one figure of one unit (for the screen that lists them)."""
    found = result.row_for(unit_id)
    if found is None or measure not in MEASURES:
        return Letter.objects.none()
    return (
        Letter.objects.filter(pk__in=found.letters[measure])
        .select_related("unit", "site")
        .order_by("reply_due", "pk")
    )


# --- the export for 一张网 ---------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "序号",
    "期间",
    "考核单位",
    "承办单位",
    "留言编号",
    "查询码",
    "留言标题",
    "留言类型",
    "收到时间",
    "答复期限",
    "答复时间",
    "超期（工作日）",
    "情形",
    "网站考核扣分",
    "一张网扣分",
]


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def deduction_rows(result: Report) -> list[list]:
    """One row per late letter, as the XLSX for 一张网 has them (text not yet made safe)."""
    return [
        [
            number,
            result.period.label,
            step.owner.name if step.owner else "",
            step.unit.name if step.unit else "",
            step.letter.pk,
            step.letter.query_code,
            step.title,
            step.letter.get_kind_display(),
            _local(step.letter.received_at),
            _local(step.due),
            _local(step.done),
            step.days_late,
            step.status,
            float(step.website_points),
            float(step.dispatch_system_points),
        ]
        for number, step in enumerate(result.deductions, start=1)
    ]


def deductions_xlsx(result: Report) -> bytes:
    """The late letters with their double deduction, for the 一张网 side. Every text cell goes through
    `safe_cell`: a title starting with "=" stays text."""
    import io

    from openpyxl import Workbook

    from huimin.core.exports import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "超期留言扣分"
    sheet.append(EXPORT_COLUMNS)
    for values in deduction_rows(result):
        sheet.append([safe_cell(value) for value in values])
    sheet.append([])
    sheet.append(
        [
            safe_cell("合计"),
            safe_cell(result.period.label),
            *[""] * 11,
            float(sum(s.website_points for s in result.deductions)),
            float(sum(s.dispatch_system_points for s in result.deductions)),
        ]
    )
    widths = (6, 14, 18, 18, 10, 14, 36, 8, 17, 17, 17, 12, 12, 12, 12)
    for column, width in zip("ABCDEFGHIJKLMNO", widths, strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
