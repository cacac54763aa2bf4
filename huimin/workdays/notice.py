"""A year's holiday arrangements as an operator types them from the State Council notice.

One line per holiday:

    国庆节 2027-10-01~2027-10-07 调休 2027-09-26,2027-10-09
    元旦 2027-01-01~2027-01-03

The name, the holiday range (a single date is a one-day holiday), and optionally 调休 followed by the
make-up working days. Dates may be written 2027-10-01, 2027/10/01 or 2027年10月1日; separators may be
full-width. Every problem is reported with its line number; nothing is saved unless every line is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

DATE = r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
LINE = re.compile(
    rf"\A(?P<name>[^\d\s]{{1,20}})\s+(?P<start>{DATE})(?:\s*[~～至到—–-]+\s*(?P<end>{DATE}))?"
    rf"(?:\s+调休(?:上班)?[:：]?\s*(?P<makeup>.+))?\Z"
)
DATE_RE = re.compile(DATE)
MAX_LINES = 50
MAX_HOLIDAY_DAYS = 15


@dataclass(frozen=True)
class Arrangement:
    name: str
    holidays: list[date]
    makeup_days: list[date]


class NoticeError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _date(match: re.Match, line_number: int, problems: list[str]) -> date | None:
    year, month, day = (int(x) for x in match.groups()[-3:])
    try:
        return date(year, month, day)
    except ValueError:
        problems.append(f"第 {line_number} 行：{match.group(0).strip()} 不是有效日期。")
        return None


def parse_notice(text: str, year: int) -> list[Arrangement]:
    """The arrangements of `year`; NoticeError lists every problem found."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise NoticeError(["请至少填写一行放假安排。"])
    if len(lines) > MAX_LINES:
        raise NoticeError([f"一次最多 {MAX_LINES} 行。"])
    problems: list[str] = []
    result: list[Arrangement] = []
    seen: dict[date, int] = {}
    for number, line in lines:
        match = LINE.match(line.replace("\u3000", " "))
        if match is None:
            problems.append(
                f"第 {number} 行无法识别：“{line[:60]}”。应写成“国庆节 {year}-10-01~{year}-10-07 调休 "
                f"{year}-09-26,{year}-10-09”。"
            )
            continue
        start = _date(DATE_RE.match(match.group("start")), number, problems)
        end = _date(DATE_RE.match(match.group("end")), number, problems) if match.group("end") else start
        makeup = [_date(m, number, problems) for m in DATE_RE.finditer(match.group("makeup") or "")]
        if match.group("makeup") and not makeup:
            problems.append(f"第 {number} 行：“调休”后没有可识别的日期。")
        if start is None or end is None or None in makeup:
            continue
        if end < start:
            problems.append(f"第 {number} 行：结束日期早于开始日期。")
            continue
        if (end - start).days >= MAX_HOLIDAY_DAYS:
            problems.append(f"第 {number} 行：一次放假不应超过 {MAX_HOLIDAY_DAYS} 天，请检查日期。")
            continue
        holidays = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        for day in [*holidays, *makeup]:
            if day.year not in (year - 1, year, year + 1):  # 元旦 may begin on 30 December
                problems.append(f"第 {number} 行：{day:%Y-%m-%d} 不属于 {year} 年的安排。")
            elif day in seen:
                problems.append(f"第 {number} 行：{day:%Y-%m-%d} 已在第 {seen[day]} 行出现。")
            else:
                seen[day] = number
        for day in makeup:
            if day.weekday() < 5:
                problems.append(f"第 {number} 行：调休上班日 {day:%Y-%m-%d} 不是周六或周日。")
        result.append(Arrangement(match.group("name"), holidays, makeup))
    if problems:
        raise NoticeError(problems)
    return result
