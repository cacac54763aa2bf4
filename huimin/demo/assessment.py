"""Demo content: the annual assessment (年度考核) — a finished year and a year in progress.

For the year before the demo's `now` and the year of `now` (2025 and 2026 at DEMO_NOW): the indicator tables
seeded from the 2022 method; for every assessed unit its quarterly bulletin scores (every quarter of the
finished year, the finished quarters of this one), the assessors' manual findings (every manual row of the
finished year, the first rows of this one), one county's bonus and another's deduction, its 信息报送 with
the portal office's decisions, and a patrol run or two per site in each year when the demo has none. Then
every unit's sheet of the finished year is closed (frozen) on 15 January of `now`'s year at 10:00.

Every record is written through the assessment and inspection services, with times derived from `now`, by
the demo administrator; the bulk of the 信息报送 history (hundreds of items a county a year) is inserted in
one statement per unit and year, as an import of earlier records would be. Safe to run again: each part
looks for what it made first.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from huimin.assessment import queries, sheets
from huimin.assessment.enums import (
    Adoption,
    Basis,
    SheetState,
    SubmissionKind,
    SubmissionState,
)
from huimin.assessment.models import (
    IndicatorTable,
    ManualFinding,
    OutsideResult,
    QuarterBulletin,
    ScoreSheet,
    Submission,
)
from huimin.assessment.services import sheets as sheet_services
from huimin.assessment.services import submissions as submission_services
from huimin.assessment.services import tables as table_services
from huimin.inspection import services as inspection_services
from huimin.inspection.crawler import Crawl
from huimin.inspection.document import Finding
from huimin.inspection.document import Site as InspectedSite
from huimin.inspection.enums import Check, Severity
from huimin.inspection.models import Run, Target
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.workdays.working_time import SHANGHAI

CLOSE_DAY = (1, 15)  # the finished year's sheets are closed on 15 January of the next year, at 10:00
CLOSE_TIME = time(10, 0)
# Share of its 信息报送 base a unit reaches in a whole year (the finished year; this year pro rata).
REPORT_SHARE = (0.72, 1.12)
# What the portal office does with an item: adopted as it is, rewritten, as 专题 material, or rejected.
DECISIONS = [
    (Adoption.AS_IS, 0.34),
    (Adoption.REWRITTEN, 0.22),
    (Adoption.TOPIC, 0.07),
    (None, 0.37),  # not adopted
]
REJECTIONS = [
    "内容与本网已发布信息重复。",
    "时效性不强，不宜在门户网站发布。",
    "属于单位内部事务，不适合对外公开。",
    "缺少具体数据和进展，请补充后重新报送。",
]
INFO_SUBJECTS = [
    "召开{year}年度重点工作推进会",
    "开展政务服务“好差评”专项提升行动",
    "举办基层干部业务培训班",
    "推进“一网通办”事项梳理",
    "组织安全生产隐患排查",
    "发布优化营商环境若干措施",
    "开展民生实事项目督查",
    "部署防汛防旱工作",
    "推进乡村振兴重点项目建设",
    "召开政务公开工作会议",
    "开展“三服务”走访活动",
    "公布第{quarter}季度重点项目进展",
]
TOPIC_SUBJECTS = ["优化营商环境专题", "乡村振兴专题", "民生实事专题", "政务公开专题"]
CALIBER_SUBJECTS = ["办理居住证需要哪些材料", "新生儿医保如何参保", "老年人优待证在哪里办理"]
# (row name, [(item, deduction, note), ...]) — what an assessor samples on each manual row. Deductions stay
# within the row's points.
FINDINGS = {
    "概况信息": [
        ("机构职能页面", 0, "职能表述与“三定”方案一致"),
        ("内设机构页面", 0, "各内设机构及职责齐全"),
        ("联系方式页面", 1, "办公地址已搬迁，页面仍为旧址"),
    ],
    "领导信息": [
        ("领导姓名、照片、简历", 0, "与任免文件一致"),
        ("领导分工", 1, "一位副职的分工未随调整更新"),
    ],
    "在线申请": [
        ("本地用户注册并在线申请", 0, "注册、登录、提交申请均顺利完成"),
        ("异地用户注册并在线申请", 0, "异地手机号可注册，申请已受理"),
    ],
    "内容准确": [
        ("抽查办事指南：咨询电话", 0, "电话拨打有人接听，答复与指南一致"),
        ("抽查办事指南：申请材料", 0, "材料清单与窗口实际要求一致"),
        ("抽查办事指南：办理时限", 2, "指南写 5 个工作日，窗口答复需 10 个工作日"),
    ],
    "调查征集": [
        ("全年调查征集次数", 0, "全年开展调查征集 4 次"),
        ("征集结果反馈", 2, "1 次征集结束后超过 1 个月才公开反馈结果"),
    ],
    "统一登录": [("互动交流、在线办事栏目统一登录", 0, "均使用统一身份认证登录")],
}
# The manual rows checked so far in the year in progress.
CURRENT_YEAR_ROWS = ("概况信息", "领导信息")
# Synthetic patrols (a report in the inspection service's shape): (month, day) of each run in a year, and
# the months of the finished year / this year that have one.
RUN_DAYS = [(5, 12), (10, 20)]
BONUS = ("全省季度抽查排名", "沭阳县", Decimal(3), "全省政府网站{year}年第三季度抽查排名第 2 名")
DEDUCTION = ("全省季度抽查排名后三名", "宿城区", Decimal(5), "全省政府网站{year}年第二季度抽查排名后三名")


def build_assessment_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo's assessment records; returns how many records were created."""
    now = now.astimezone(SHANGHAI)
    finished, current = now.year - 1, now.year
    closing = datetime.combine(date(current, *CLOSE_DAY), CLOSE_TIME, tzinfo=SHANGHAI)
    created = 0
    tables = {}
    for year in (finished, current):
        table = IndicatorTable.objects.filter(year=year).first()
        if table is None:
            table = table_services.seed_table(year, actor=admin)
            created += 1
        tables[year] = table
    units = sheets.assessed_units()
    created += _patrol_runs(spec, now, (finished, current))
    for unit in units:
        closed = ScoreSheet.objects.filter(unit=unit, year=finished, state=SheetState.CLOSED).exists()
        if not closed:
            before = closing - timedelta(days=5)
            created += _year_records(unit, tables[finished], before, admin, complete=True)
        created += _year_records(unit, tables[current], now, admin, complete=False)
    created += _outside_results(tables, now, closing, admin)
    for year, table in tables.items():
        for unit in units:
            created += _submissions(unit, table, min(now, closing if year == finished else now), admin)
    for unit in units:
        created += _recent_submissions(unit, now, admin)
    for unit in units:
        if not ScoreSheet.objects.filter(unit=unit, year=finished, state=SheetState.CLOSED).exists():
            sheet_services.close_sheet(unit=unit, year=finished, actor=admin, now=closing, force=True)
            created += 1
    return created


def _quarter_end(year: int, quarter: int) -> datetime:
    month = quarter * 3 + 1
    return datetime(year + (month > 12), (month - 1) % 12 + 1, 1, tzinfo=SHANGHAI)


def _year_records(unit: OrgUnit, table: IndicatorTable, until: datetime, admin, *, complete: bool) -> int:
    """The bulletins of the quarters finished by `until` and the manual findings of a unit for a year."""
    year = table.year
    rng = random.Random(f"assessment-{unit.name}-{year}")  # noqa: S311 - demo figures, not security
    created = 0
    entered = set(QuarterBulletin.objects.filter(unit=unit, year=year).values_list("quarter", flat=True))
    for quarter in range(1, 5):
        # Each bulletin is entered on the 10th day after its quarter, when the city's bulletin comes out.
        at = _quarter_end(year, quarter) + timedelta(days=9, hours=10)
        if quarter in entered or at > until:
            continue
        sheet_services.record_bulletin(
            unit=unit,
            year=year,
            quarter=quarter,
            score=Decimal(str(round(rng.uniform(82, 97), 1))),
            note=f"宿迁市政府网站{year}年第{quarter}季度检查情况通报",
            actor=admin,
            now=at,
        )
        created += 1
    if ManualFinding.objects.filter(unit=unit, year=year).exists():
        return created
    url = _unit_url(unit)
    manual = [row for row in table.indicators.all() if row.basis == Basis.MANUAL]
    for number, row in enumerate(manual):
        if not complete and row.name not in CURRENT_YEAR_ROWS:
            continue
        # The finished year's checks were made in November and December, this year's in October.
        checked = (
            datetime(year, 11, 3 + 2 * number, 15, 0, tzinfo=SHANGHAI)
            if complete
            else datetime(year, 10, 13 + number, 15, 0, tzinfo=SHANGHAI)
        )
        if checked > until:
            continue
        for item, deduction, note in FINDINGS.get(row.name, [("抽查情况", 0, "符合要求")]):
            # Not every unit has every problem: a deduction stands for about a third of the units.
            if deduction and rng.random() > 0.35:
                deduction, note = 0, "经核对，符合要求"
            sheet_services.record_finding(
                unit=unit,
                indicator=row,
                year=year,
                item=item,
                deduction=min(Decimal(deduction), row.points),
                url=url,
                note=note,
                actor=admin,
                now=checked,
            )
            created += 1
    return created


def _unit_url(unit: OrgUnit) -> str:
    sites = sheets.sites_of(unit)
    return f"{sites[0].root_url}/" if sites else ""


def _outside_results(tables: dict[int, IndicatorTable], now: datetime, closing: datetime, admin) -> int:
    """One county's bonus and another's deduction from the province's checks, each year."""
    created = 0
    for year, table in tables.items():
        rows = {row.name: row for row in table.indicators.all()}
        for name, unit_name, amount, note in (BONUS, DEDUCTION):
            row, unit = rows.get(name), OrgUnit.objects.filter(name=unit_name).first()
            if row is None or unit is None:
                continue
            if OutsideResult.objects.filter(unit=unit, year=year, indicator=row).exists():
                continue
            happened = date(year, 10, 25) if name == BONUS[0] else date(year, 7, 28)
            at = datetime.combine(happened + timedelta(days=3), time(9, 0), tzinfo=SHANGHAI)
            if at > now or (year < closing.year and at > closing):
                continue
            if ScoreSheet.objects.filter(unit=unit, year=year, state=SheetState.CLOSED).exists():
                continue
            sheet_services.record_result(
                unit=unit,
                indicator=row,
                year=year,
                amount=amount,
                happened_on=happened,
                note=note.format(year=year),
                actor=admin,
                now=at,
            )
            created += 1
    return created


def _submissions(unit: OrgUnit, table: IndicatorTable, until: datetime, admin) -> int:
    """A unit's 信息报送 of a year up to `until`, with the portal office's decisions."""
    year = table.year
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = min(until, datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
    if Submission.objects.filter(unit=unit, submitted_at__gte=start, submitted_at__lt=end).exists():
        return 0
    rng = random.Random(f"submissions-{unit.name}-{year}")  # noqa: S311 - demo figures, not security
    klass = sheets.unit_class(unit)
    base = int(table.base_counts.get(klass, 0) or 0)
    share = (end - start) / (datetime(year + 1, 1, 1, tzinfo=SHANGHAI) - start)
    count = round(base * rng.uniform(*REPORT_SHARE) * share)
    users = get_user_model().objects
    submitter = _unit_user(unit, "editor") or admin
    decider = users.filter(username="portal-editor").first() or admin
    portal_news = _portal_column("gzdt")
    seconds = int((end - start).total_seconds()) - 3 * 86400
    items = []
    for number in range(count):
        at = start + timedelta(seconds=rng.randrange(max(seconds, 1)))
        subject = rng.choice(INFO_SUBJECTS).format(year=year, quarter=(at.month - 1) // 3 + 1)
        items.append(
            _decided(
                Submission(
                    unit=unit,
                    kind=SubmissionKind.INFO,
                    column=portal_news,
                    title=f"{unit.short_name or unit.name}{subject}（{number + 1}）",
                    body=f"{at:%m月%d日}，{unit.name}{subject}，对下一阶段工作作出部署。",
                    submitted_by=submitter,
                    submitted_at=at,
                ),
                table,
                rng,
                decider,
                until,
            )
        )
    for quarter in range(1, 5):  # one 选题计划 a quarter, proposed in the quarter's first month
        at = datetime(year, quarter * 3 - 2, 8, 10, 0, tzinfo=SHANGHAI)
        if at >= end:
            break
        items.append(
            _decided(
                Submission(
                    unit=unit,
                    kind=SubmissionKind.TOPIC_PLAN,
                    quarter=quarter,
                    title=f"{year}年第{quarter}季度政务专题选题：{rng.choice(TOPIC_SUBJECTS)}",
                    body="选题背景、拟设栏目、素材来源和时间安排。",
                    submitted_by=submitter,
                    submitted_at=at,
                ),
                table,
                rng,
                decider,
                until,
            )
        )
    for number, subject in enumerate(CALIBER_SUBJECTS):
        at = datetime(year, 3 + 3 * number, 16, 15, 0, tzinfo=SHANGHAI)
        if at >= end:
            break
        items.append(
            _decided(
                Submission(
                    unit=unit,
                    kind=SubmissionKind.ANSWER_CALIBER,
                    title=subject,
                    body=f"{subject}：请携带身份证件到政务服务中心窗口办理，也可在网上办事大厅在线申请。",
                    submitted_by=submitter,
                    submitted_at=at,
                ),
                table,
                rng,
                decider,
                until,
            )
        )
    with transaction.atomic():
        Submission.objects.bulk_create(items, batch_size=500)
    return len(items)


# The newest items of a unit with staff, offered and decided through the submission services in the weeks
# before `now`: (days before now, kind, title, decision, days to the decision). A decision None stays waiting.
RECENT = [
    (20, SubmissionKind.INFO, "{unit}召开四季度重点工作推进会", Adoption.AS_IS, 1),
    (14, SubmissionKind.INFO, "{unit}开展为民办实事项目督查", Adoption.REWRITTEN, 2),
    (9, SubmissionKind.INFO, "{unit}举办内部业务培训", "reject", 1),
    (3, SubmissionKind.INFO, "{unit}推进“一网通办”事项梳理", None, 0),
    (25, SubmissionKind.TOPIC_PLAN, "第四季度政务专题选题：冬季民生保障", None, 0),
]


def _recent_submissions(unit: OrgUnit, now: datetime, admin) -> int:
    """A few items of this autumn through the services, so that the screens show each state with its
    history: adopted as it is (with the draft article it becomes), rewritten, rejected, waiting."""
    editor = _unit_user(unit, "editor")
    office = get_user_model().objects.filter(username="portal-editor").first() or admin
    column = _portal_column("gzdt")
    if editor is None or column is None:
        return 0
    created = 0
    name = unit.short_name or unit.name
    # The submission services take only a column of the portal (`queries.portal_site()`).
    has_portal = queries.portal_site() is not None
    for days, kind, title, decision, after in RECENT:
        title = title.format(unit=name)
        if kind == SubmissionKind.INFO and not has_portal:
            continue
        if Submission.objects.filter(unit=unit, kind=kind, title=title).exists():
            continue
        at = now - timedelta(days=days)
        item = submission_services.submit(
            unit,
            kind,
            title=title,
            body=f"{at:%m月%d日}，{title.removeprefix(name)}。会议总结了前一阶段工作，部署了下一步任务。",
            column=column if kind == SubmissionKind.INFO else None,
            quarter=4 if kind == SubmissionKind.TOPIC_PLAN else None,
            actor=editor,
            now=at,
        )
        decided = at + timedelta(days=after)
        if decision == "reject":
            submission_services.reject(item, REJECTIONS[2], actor=office, now=decided)
        elif decision is not None:
            submission_services.adopt(
                item, decision, actor=office, now=decided, make_page=decision == Adoption.AS_IS
            )
        created += 1
    return created


def _decided(item: Submission, table: IndicatorTable, rng: random.Random, decider, until: datetime):
    """The portal office's decision on an item, a few working days after it came (none yet for the newest)."""
    decided = item.submitted_at + timedelta(days=rng.uniform(0.5, 6))
    if decided > until:
        return item  # still waiting
    adoption = rng.choices([kind for kind, _ in DECISIONS], weights=[share for _, share in DECISIONS])[0]
    item.decided_by, item.decided_at = decider, decided
    if adoption is None:
        item.state, item.reason = SubmissionState.REJECTED, rng.choice(REJECTIONS)
        return item
    item.state, item.adoption = SubmissionState.ADOPTED, adoption
    points = table.adoption_points.get(str(item.kind), {}).get(str(adoption), 0)
    item.points = Decimal(str(points))
    return item


def _unit_user(unit: OrgUnit, suffix: str):
    for site in sheets.sites_of(unit):
        key = site.hostname.split(".")[0]
        user = get_user_model().objects.filter(username=f"{key}-{suffix}").first()
        if user is not None:
            return user
    return None


def _portal_column(slug: str) -> ColumnPage | None:
    portal = queries.portal_site()
    if portal is None:
        return None
    return ColumnPage.objects.child_of(portal.root_page).filter(slug=slug).first()


def _patrol_runs(spec: dict, now: datetime, years: tuple[int, ...]) -> int:
    """A patrol run or two per site in each year, when the demo has none there: a synthetic crawl recorded
    through the inspection service (which adds the column findings from the database)."""
    inspection_services.sync_group_targets()
    created = 0
    for target in Target.objects.filter(site__isnull=False).select_related("site").order_by("pk"):
        key = target.site.hostname.split(".")[0]
        rng = random.Random(f"patrol-{target.site.hostname}")  # noqa: S311 - demo figures, not security
        for year in years:
            bounds = (datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
            if Run.objects.filter(target=target, started__gte=bounds[0], started__lt=bounds[1]).exists():
                continue
            for month, day in RUN_DAYS:
                started = datetime(year, month, day, 2, 0, tzinfo=SHANGHAI)
                if started >= now:
                    continue
                crawl = Crawl(
                    InspectedSite(target.url, started),
                    pages_crawled=rng.randrange(180, 420),
                    findings=_patrol_findings(target.url, key, rng),
                    seconds=round(rng.uniform(40, 90), 1),
                )
                inspection_services.record_run(target, crawl, started)
                created += 1
    return created


def _patrol_findings(url: str, key: str, rng: random.Random) -> list[Finding]:
    """What a patrol of a demo site plausibly finds: a broken link or two on inner pages, now and then a
    content page without its tags or an incomplete footer."""
    findings = []
    for number in range(rng.randrange(0, 3)):
        page = f"{url}gzdt/"
        findings.append(
            Finding(
                Check.BROKEN_LINK,
                Severity.DEDUCT,
                page,
                f"{url}uploads/2024/notice-{number + 1}.pdf",
                "HTTP 404：附件已不存在",
            )
        )
    if rng.random() < 0.4:
        findings.append(
            Finding(
                Check.MISSING_CONTENT_TAGS,
                Severity.DEDUCT,
                f"{url}tzgg/",
                "ArticleTitle",
                "内容页缺少 ArticleTitle 标签",
            )
        )
    if key in ("sucheng",) and rng.random() < 0.7:
        findings.append(
            Finding(
                Check.FOOTER_INCOMPLETE,
                Severity.DEDUCT,
                url,
                "网站标识码",
                "页面底部缺少网站标识码",
                True,
            )
        )
    return findings
