"""The 政府信息公开工作年度报告: its figures computed from the platform's data, the one door that makes a
report page (`make_report`) and refreshes its figures (`recompute`), and the national template's tables laid
out once (`tables`) for the page, the DOCX and XLSX exports and the command line.

The template's structure is data (`data/annual_report.json`); the result rows of table 3 and their grounds
are the answers of `data/answers.json`. How each figure is counted is in docs/disclosure.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Page, Site

from huimin.sites.enums import Role
from huimin.sites.models import ColumnPage, Membership, OrgUnit, SiteIdentity
from huimin.workdays.working_time import SHANGHAI

from . import answers
from .enums import FINAL_STATES, ApplicantType, OrgKind

DATA = Path(__file__).parent / "data" / "annual_report.json"
REPORT_COLUMN_TYPE = "信息公开年报"
# The 条例 took effect on 2008-05-01: no report is made for a year before it.
FIRST_YEAR = 2008
MAKE_ACTION = "huimin_disclosure.report_make"
RECOMPUTE_ACTION = "huimin_disclosure.report_recompute"
LOG_ACTIONS = {
    MAKE_ACTION: ("生成年度报告", "生成了政府信息公开工作年度报告"),
    RECOMPUTE_ACTION: ("重新计算年度报告", "重新计算了政府信息公开工作年度报告的平台数据"),
}


@cache
def template() -> dict:
    """The national template as data (`data/annual_report.json`)."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def column_keys() -> list[str]:
    """The columns of table 3, in order: 自然人, the five kinds of organisation, 总计."""
    spec = template()["applications"]
    return [spec["citizen"]["key"], *(item["key"] for item in spec["organisations"]), spec["total"]["key"]]


# --- scope -------------------------------------------------------------------------------------------


def site_root_unit(site: Site) -> OrgUnit | None:
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    return identity.org_unit if identity else None


def site_units(site: Site) -> list[OrgUnit]:
    """The units a site reports for: its `SiteIdentity.org_unit` and that unit's descendants, except a unit
    that is another site's `org_unit` (and what lies below it), which reports on its own site. Three
    queries whatever the size of the tree."""
    root = site_root_unit(site)
    if root is None:
        return []
    own_sites = set(
        SiteIdentity.objects.exclude(site=site).exclude(org_unit=None).values_list("org_unit_id", flat=True)
    )
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in OrgUnit.objects.order_by("sort_order", "name"):
        children.setdefault(unit.parent_id, []).append(unit)
    found, queue, seen = [root], [root.pk], {root.pk}
    while queue:
        parent_id = queue.pop(0)
        for unit in children.get(parent_id, []):
            if unit.pk in seen or unit.pk in own_sites:
                continue
            seen.add(unit.pk)
            found.append(unit)
            queue.append(unit.pk)
    return found


def scope_name(site: Site, unit: OrgUnit | None) -> str:
    """Whose report it is: the unit's name, else the site's own unit, else its sponsor or name."""
    if unit is not None:
        return unit.name
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    if identity is None:
        return site.site_name or site.hostname
    return identity.org_unit.name if identity.org_unit else (identity.sponsor or identity.site_name)


def report_title(site: Site, year: int, unit: OrgUnit | None = None) -> str:
    return template()["title"].format(name=scope_name(site, unit), year=year)


def check_year(year, now: datetime | None = None) -> int:
    """The year as an int, or a ValidationError in Chinese (before 2008, after this year, not a number)."""
    try:
        value = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationError({"year": f"年度应为四位数字的年份，如 2025，而不是“{year}”。"}) from None
    latest = (now or timezone.now()).astimezone(SHANGHAI).year
    if not FIRST_YEAR <= value <= latest:
        raise ValidationError(
            {"year": f"年度应在 {FIRST_YEAR} 年（《政府信息公开条例》施行）至 {latest} 年之间。"}
        )
    return value


# --- the figures -------------------------------------------------------------------------------------


def _policy_kind_q(rule: dict) -> Q | None:
    found = None
    parts = []
    if rule.get("doc_kinds"):
        parts.append(Q(doc_kind__in=rule["doc_kinds"]))
    parts += [Q(doc_number__regex=pattern) for pattern in rule.get("doc_number_patterns", [])]
    parts += [Q(title__regex=pattern) for pattern in rule.get("title_patterns", [])]
    for part in parts:
        found = part if found is None else found | part
    return found


def _active_figures(unit_ids: list[int], year: int) -> dict:
    """表二 第二十条第（一）项: 规章 and 行政规范性文件 issued, repealed and in force, in one query."""
    from huimin.policies.models import PolicyPage

    spec = template()["active"]
    kinds = spec["policy_kinds"]
    figures = {key: {"issued": 0, "repealed": 0, "in_force": 0} for key in kinds["order"]}
    whens = []
    for key in kinds["order"]:
        rule = _policy_kind_q(kinds[key])
        if rule is not None:
            whens.append(When(rule, then=Value(key)))
    if not unit_ids or not whens:
        return figures
    end = date(year, 12, 31)
    gone = spec["not_in_force_validities"]
    issued_in_year = Q(written_date__year=year) | Q(written_date__isnull=True, pub_year=year)
    issued_by_end = Q(written_date__lte=end) | Q(written_date__isnull=True, pub_year__lte=year)
    repealed_in_year = Q(validity__in=gone, invalid_date__year=year)
    in_force = issued_by_end & (~Q(validity__in=gone) | Q(invalid_date__gt=end))
    rows = (
        PolicyPage.objects.live()
        .filter(issuer_id__in=unit_ids)
        .annotate(report_kind=Case(*whens, default=Value(""), output_field=CharField()))
        .exclude(report_kind="")
        .order_by()
        .values("report_kind")
        .annotate(
            issued=Count("pk", filter=issued_in_year),
            repealed=Count("pk", filter=repealed_in_year),
            in_force=Count("pk", filter=in_force),
        )
    )
    for row in rows:
        figures[row["report_kind"]] = {name: row[name] for name in ("issued", "repealed", "in_force")}
    return figures


def _zero() -> dict[str, int]:
    return dict.fromkeys(column_keys(), 0)


def _add(target: dict[str, int], column: str, count: int) -> None:
    target[column] += count
    target["total"] += count


def _application_figures(unit_ids: list[int], year: int) -> dict:
    """表三, from the applications of the scope's units, in one grouped query (see the docs for the rules).

    Counted by the receipt day (`received_on`) and the moment of closing (`closed_at`) in Asia/Shanghai:
    new = received in the year; carried over = received before the year and not closed before it;
    results = closed by the year's end and counted in the year (closed in it, or received in it when closed
    before its receipt day, which only the next-working-day receipt rule makes possible); carried forward =
    received by the year's end and not closed by it. So 一 + 二 = 三（七） + 四 always."""
    from .models import Application

    start_day, end_day = date(year, 1, 1), date(year, 12, 31)
    start, end = datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    not_closed_before = Q(closed_at__isnull=True) | Q(closed_at__gte=start)
    new = Q(received_on__gte=start_day, received_on__lte=end_day)
    carried_over = Q(received_on__lt=start_day) & not_closed_before
    results = Q(state__in=FINAL_STATES, closed_at__lt=end, received_on__lte=end_day) & (
        Q(closed_at__gte=start) | Q(received_on__gte=start_day)
    )
    carried_forward = Q(received_on__lte=end_day) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    column = Case(
        When(applicant_type=ApplicantType.CITIZEN, then=Value("citizen")),
        When(org_kind__in=OrgKind.values, then=F("org_kind")),
        default=Value(OrgKind.OTHER.value),
        output_field=CharField(),
    )
    figures = {
        "new": _zero(),
        "carried_over": _zero(),
        "results": {
            item.code: {"counts": _zero(), "grounds": {ground.code: _zero() for ground in item.grounds}}
            for item in answers.answers()
        },
        "results_total": _zero(),
        "carried_forward": _zero(),
    }
    if not unit_ids:
        return figures
    rows = (
        Application.objects.filter(unit_id__in=unit_ids, received_on__lte=end_day)
        .annotate(report_column=column)
        .order_by()
        .values("report_column", "answer", "answer_ground")
        .annotate(
            new=Count("pk", filter=new),
            carried_over=Count("pk", filter=carried_over),
            results=Count("pk", filter=results),
            carried_forward=Count("pk", filter=carried_forward),
        )
    )
    known = answers.by_code()
    for row in rows:
        where = row["report_column"]
        for name in ("new", "carried_over", "carried_forward"):
            _add(figures[name], where, row[name])
        if not row["results"]:
            continue
        # A closed application always has an answer (the services set one); one without a known answer
        # would be counted under 其他处理：其他 rather than lost.
        answer = row["answer"] if row["answer"] in known else "other"
        ground = row["answer_ground"] if row["answer"] in known else "other"
        result = figures["results"][answer]
        _add(result["counts"], where, row["results"])
        if ground in result["grounds"]:
            _add(result["grounds"][ground], where, row["results"])
        _add(figures["results_total"], where, row["results"])
    return figures


def compute(site: Site, year: int, *, unit: OrgUnit | None = None) -> dict:
    """The figures of a report the platform can compute, JSON-ready with stable keys (the same dict the
    command line prints and `AnnualReportPage.figures` keeps). Reads only; a fixed number of queries
    whatever the number of applications and policies."""
    year = int(year)
    units = [unit] if unit is not None else site_units(site)
    unit_ids = [item.pk for item in units]
    return {
        "year": year,
        "scope": {
            "site": site.hostname,
            "site_name": site.site_name or site.hostname,
            "unit": unit.name if unit is not None else None,
            "name": scope_name(site, unit),
            "units": [item.name for item in units],
        },
        "active": _active_figures(unit_ids, year),
        "applications": _application_figures(unit_ids, year),
    }


# --- who may report ----------------------------------------------------------------------------------


def can_report(user, site: Site, unit: OrgUnit | None = None) -> bool:
    """Platform administrators; the site's administrators; for a unit's report, that unit's leader."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if Membership.objects.filter(user=user, site=site, role=Role.SITE_ADMIN).exists():
        return True
    return (
        unit is not None
        and Membership.objects.filter(user=user, org_unit=unit, role=Role.UNIT_LEADER).exists()
    )


def reportable(user) -> list[tuple[Site, list[OrgUnit], bool]]:
    """The sites a person may make reports for: (site, the units they may report for there, whether they
    may make the whole site's report)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    admin_sites = set(
        Membership.objects.filter(user=user, role=Role.SITE_ADMIN).values_list("site_id", flat=True)
    )
    led = set(
        Membership.objects.filter(user=user, role=Role.UNIT_LEADER).values_list("org_unit_id", flat=True)
    )
    found = []
    for site in Site.objects.order_by("-is_default_site", "hostname"):
        whole = user.is_superuser or site.pk in admin_sites
        if not whole and not led:
            continue
        units = site_units(site)
        if not whole:
            units = [unit for unit in units if unit.pk in led]
        if whole or units:
            found.append((site, units, whole))
    return found


def report_site(page) -> Site | None:
    return page.get_site()


def existing_report(site: Site, year: int, unit: OrgUnit | None):
    from .models import AnnualReportPage

    return (
        AnnualReportPage.objects.descendant_of(site.root_page)
        .filter(year=year, unit=unit)
        .order_by("pk")
        .first()
    )


def report_parent(site: Site) -> Page:
    """The site's column of type 信息公开年报, else its home page."""
    column = (
        ColumnPage.objects.descendant_of(site.root_page)
        .filter(column_type__name=REPORT_COLUMN_TYPE)
        .order_by("depth", "path")
        .first()
    )
    return column or site.root_page.specific


# --- the one door ------------------------------------------------------------------------------------


@transaction.atomic
def make_report(site: Site, year: int, *, unit: OrgUnit | None = None, actor, now: datetime):
    """Create the draft report page of a site (unit None) or one of its units for a year, with its figures
    computed now. `actor` None is the system (the demo builder); a person must be a platform administrator,
    an administrator of the site or (for a unit's report) the unit's leader. One report per site, unit and
    year."""
    from .models import AnnualReportPage

    year = check_year(year, now)
    if actor is not None and not can_report(actor, site, unit):
        raise PermissionDenied("您没有为该网站或单位生成政府信息公开工作年度报告的权限。")
    if unit is not None and unit.pk not in {item.pk for item in site_units(site)}:
        raise ValidationError({"unit": f"{unit.name}不在{site.site_name or site.hostname}的报告范围内。"})
    found = existing_report(site, year, unit)
    if found is not None:
        raise ValidationError(
            {
                "year": f"{scope_name(site, unit)}{year}年的年度报告已经存在（《{found.title}》），"
                "请打开它修改或重新计算。"
            }
        )
    parent = report_parent(site)
    slug = str(year) if unit is None else f"{year}-{unit.pk}"
    page = AnnualReportPage(
        title=report_title(site, year, unit),
        slug=find_available_slug(parent, slug),
        year=year,
        unit=unit,
        figures=compute(site, year, unit=unit),
        figures_at=now,
        live=False,
        has_unpublished_changes=True,
        owner=actor,
    )
    parent.add_child(instance=page)
    page.save_revision(user=actor, clean=False)
    log(instance=page, action="wagtail.create", user=actor)
    log(instance=page, action=MAKE_ACTION, user=actor, data={"year": year, "unit": unit.name if unit else ""})
    return page


@transaction.atomic
def recompute(page, *, actor, now: datetime):
    """Refresh the figures of a draft report from today's data: a new revision, not published. A published
    report keeps the figures it was published with."""
    from .models import AnnualReportPage

    page = AnnualReportPage.objects.select_for_update().get(pk=page.pk)
    site = report_site(page)
    if site is None:
        raise ValidationError("该年度报告不属于任何网站，无法重新计算。")
    if actor is not None and not can_report(actor, site, page.unit):
        raise PermissionDenied("您没有重新计算该年度报告的权限。")
    if page.live:
        raise ValidationError(
            "已发布的年度报告保留发布时的数据，不再重新计算；如需更正，请先撤销发布再重新计算。"
        )
    draft = page.get_latest_revision_as_object()
    draft.figures = compute(site, draft.year, unit=draft.unit)
    draft.figures_at = now
    revision = draft.save_revision(user=actor, clean=False)
    log(instance=page, action=RECOMPUTE_ACTION, user=actor, revision=revision, data={"year": draft.year})
    return draft


# --- the tables, laid out once -----------------------------------------------------------------------


@dataclass
class HeadCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    scope: str = "col"


@dataclass
class Row:
    label: str
    values: list = field(default_factory=list)
    context: str = ""  # what a screen reader hears before the label (the answer a ground belongs to)
    level: int = 0
    total: bool = False


@dataclass
class Table:
    key: str
    caption: str
    head: list[list[HeadCell]]
    rows: list[Row]
    columns: list[str]  # the leaf column labels after the row header, for plain-text output
    note: str = ""

    @property
    def width(self) -> int:
        return 1 + len(self.columns)


def _hand(page, name):
    return getattr(page, name, 0) if page is not None else 0


def fee_text(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def active_tables(figures: dict, page=None) -> list[Table]:
    spec = template()["active"]
    active = figures.get("active", {})
    found = []
    for group in spec["groups"]:
        rows = []
        for row in group["rows"]:
            if row.get("computed"):
                numbers = active.get(row["key"], {})
                values = [numbers.get(name, 0) for name in ("issued", "repealed", "in_force")]
            elif row["field"] == "fees":
                values = [fee_text(_hand(page, "fees"))]
            else:
                values = [_hand(page, row["field"])]
            rows.append(Row(row["label"], values))
        found.append(
            Table(
                group["key"],
                group["caption"],
                [[HeadCell(text) for text in group["columns"]]],
                rows,
                group["columns"][1:],
            )
        )
    return found


def applications_table(figures: dict) -> Table:
    spec = template()["applications"]
    data = figures.get("applications", {})
    keys = column_keys()
    organisations = spec["organisations"]

    def values(counts: dict | None) -> list[int]:
        counts = counts or {}
        return [counts.get(key, 0) for key in keys]

    head = [
        [
            HeadCell(spec["corner"], rowspan=3),
            HeadCell(spec["applicant_heading"], colspan=len(keys), scope="colgroup"),
        ],
        [
            HeadCell(spec["citizen"]["label"], rowspan=2),
            HeadCell(spec["organisation_heading"], colspan=len(organisations), scope="colgroup"),
            HeadCell(spec["total"]["label"], rowspan=2),
        ],
        [HeadCell(item["label"]) for item in organisations],
    ]
    labels = spec["rows"]
    rows = [
        Row(labels["new"], values(data.get("new"))),
        Row(labels["carried_over"], values(data.get("carried_over"))),
        Row(labels["results"], [""] * len(keys)),
    ]
    results = data.get("results", {})
    for item in answers.answers():
        result = results.get(item.code, {})
        if not item.grounds:
            rows.append(Row(item.row, values(result.get("counts")), level=1))
            continue
        rows.append(Row(item.row, [""] * len(keys), level=1))
        for n, ground in enumerate(item.grounds, start=1):
            counts = result.get("grounds", {}).get(ground.code)
            rows.append(Row(f"{n}.{ground.name}", values(counts), context=f"{item.name}：", level=2))
    rows += [
        Row(labels["results_total"], values(data.get("results_total")), level=1, total=True),
        Row(labels["carried_forward"], values(data.get("carried_forward"))),
    ]
    columns = [spec["citizen"]["label"], *(item["label"] for item in organisations), spec["total"]["label"]]
    return Table("applications", spec["caption"], head, rows, columns, note=spec["corner"])


def appeal_figures(page) -> dict[str, list[int]]:
    """表四's figures by group (行政复议, 未经复议直接起诉, 复议后起诉): the four hand fields, their total."""
    found = {}
    for group in template()["appeals"]["groups"]:
        numbers = [int(_hand(page, name) or 0) for name in group["fields"]]
        found[group["key"]] = [*numbers, sum(numbers)]
    return found


def appeals_table(page) -> Table:
    spec = template()["appeals"]
    results = spec["results"]
    groups = spec["groups"]
    review, litigation = groups[0], groups[1:]
    head = [
        [
            HeadCell(spec["corner"], rowspan=3),
            HeadCell(review["label"], colspan=len(results), scope="colgroup"),
            HeadCell(litigation[0]["parent"], colspan=len(results) * len(litigation), scope="colgroup"),
        ],
        [
            *(HeadCell(text, rowspan=2) for text in results),
            *(HeadCell(group["label"], colspan=len(results), scope="colgroup") for group in litigation),
        ],
        [HeadCell(text) for _group in litigation for text in results],
    ]
    figures = appeal_figures(page)
    values = [number for group in groups for number in figures[group["key"]]]
    columns = [f"{group['label']}·{text}" for group in groups for text in results]
    return Table("appeals", spec["caption"], head, [Row(spec["row_label"], values)], columns)


def tables(page=None, figures: dict | None = None) -> dict[str, list[Table]]:
    """The report's tables by part: `active` (表二, four small tables), `applications` (表三), `appeals`
    (表四). From a report page (its kept figures and hand fields), or from computed figures alone (the
    hand-entered figures then read 0)."""
    figures = figures if figures is not None else (page.figures if page is not None else {})
    return {
        "active": active_tables(figures, page),
        "applications": [applications_table(figures)],
        "appeals": [appeals_table(page)],
    }


def parts() -> list[dict]:
    return template()["parts"]


def text_table(table: Table) -> str:
    """A table as aligned plain text (the command line's output)."""
    header = [table.head[0][0].text if table.key != "applications" else "项目", *table.columns]
    lines = [[*header]]
    for row in table.rows:
        label = ("  " * row.level) + row.label
        lines.append([label, *(str(value) for value in row.values)])
    widths = [max(_width(line[i]) for line in lines if i < len(line)) for i in range(len(header))]
    out = [f"【{table.caption}】"]
    for line in lines:
        cells = [line[0] + " " * (widths[0] - _width(line[0]))]
        cells += [" " * (widths[i] - _width(cell)) + cell for i, cell in enumerate(line[1:], start=1)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
