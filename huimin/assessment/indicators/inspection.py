"""功能应用 rows and the veto judged from the daily patrol: 网站标识, 可用性, “我为政府网站找错”入口,
页面标签, and 单项否决（巡查发现）.

The assessment reads the patrol's runs (`huimin.inspection.models.Run`, findings in `Run.report`) rather
than crawling again. For a row, each of the unit's sites is judged by its latest run started in the year
and before `now`; the veto looks at every run of the year.
"""

from __future__ import annotations

from django.urls import reverse

from huimin.inspection.enums import Check, Severity
from huimin.inspection.models import Run, Target
from huimin.inspection.report import CHECK_LABELS
from huimin.inspection.scoring import load_weights
from huimin.workdays.working_time import SHANGHAI

from . import Context, Evidence, RowResult, calculator, each, points
from .content import no_site

NO_RUN = "本年度尚无巡查记录，暂按满分计"
IDENTITY_CODE = "网站标识码"


def run_url(run: Run) -> str:
    return reverse("inspection_run", args=[run.pk])


def _site_name(site) -> str:
    return site.site_name or site.hostname


def _runs_of_year(ctx: Context):
    targets = Target.objects.filter(site__in=ctx.sites)
    return Run.objects.filter(target__in=targets, started__gte=ctx.start, started__lt=ctx.end)


def latest_runs(ctx: Context) -> list[tuple]:
    """[(site, latest run of the year before `now` or None)] for each of the unit's sites; shared by the
    rows of one sheet."""
    if "inspection_latest_runs" not in ctx.cache:
        pairs = []
        for site in ctx.sites:
            run = (
                _runs_of_year(ctx)
                .filter(target__site=site)
                .select_related("target")
                .order_by("-started", "-pk")
                .first()
            )
            pairs.append((site, run))
        ctx.cache["inspection_latest_runs"] = pairs
    return ctx.cache["inspection_latest_runs"]


def _findings(run: Run, *checks: str) -> list[dict]:
    return [f for f in run.report.get("findings", []) if f.get("check") in checks]


def _judge(ctx: Context, row, judge_site) -> RowResult:
    """Apply `judge_site(result, site, run)` to each site's latest run; a unit without a site scores 0, a
    site without a run of the year keeps its points with a note."""
    missing = no_site(ctx, row)
    if missing:
        return missing
    result = RowResult(points(row))
    for site, run in latest_runs(ctx):
        if run is None:
            result.note(f"{_site_name(site)}：{NO_RUN}")
            continue
        before = len(result.evidence)
        judge_site(result, site, run)
        if len(result.evidence) == before:
            result.note(f"{_site_name(site)}：{_when(run)} 巡查未发现问题", run_url(run))
    return result


def _when(run: Run, fmt: str = "%Y-%m-%d") -> str:
    return run.started.astimezone(SHANGHAI).strftime(fmt)


@calculator("site_identity")
def site_identity(ctx: Context, row) -> RowResult:
    """网站标识: each footer item missing (`footer_incomplete`, items named in the finding's target) or
    inaccurate (`site_code_invalid`: the 网站标识码) costs `each`, counted once per site."""
    amount = each(row, 0.5)

    def judge(result, site, run):
        items: list[str] = []
        for finding in _findings(run, Check.FOOTER_INCOMPLETE):
            for item in (finding.get("target") or "").split("、"):
                if item and item not in items:
                    items.append(item)
        invalid = _findings(run, Check.SITE_CODE_INVALID)
        for item in items:
            result.deduct(
                amount, f"{_site_name(site)}：页面底部缺少{item}（{_when(run)} 巡查）", run_url(run)
            )
        if invalid and IDENTITY_CODE not in items:
            detail = invalid[0].get("evidence") or "网站标识码不准确"
            result.deduct(amount, f"{_site_name(site)}：{detail}（{_when(run)} 巡查）", run_url(run))

    return _judge(ctx, row, judge)


def _link_rates(row) -> tuple[float, float]:
    """(homepage, other pages) deduction per broken link: the patrol's weights, the row's `each` for the
    homepage when set."""
    rates = {"homepage": 0.5, "other": 0.2}
    for indicator in load_weights().indicators:
        if indicator["check"] == Check.BROKEN_LINK and indicator.get("where") in rates:
            rates[indicator["where"]] = float(indicator["each"])
    return each(row, rates["homepage"]), rates["other"]


@calculator("availability")
def availability(ctx: Context, row) -> RowResult:
    """可用性: each distinct broken link (`broken_link`, its target) on the homepage costs the homepage
    rate, each other distinct broken link the other rate."""
    home_rate, other_rate = _link_rates(row)

    def judge(result, site, run):
        seen: set[str] = set()
        broken = _findings(run, Check.BROKEN_LINK)
        for homepage, rate, where in ((True, home_rate, "首页"), (False, other_rate, "其他页面")):
            for finding in broken:
                link = finding.get("target") or finding.get("url", "")
                if bool(finding.get("homepage")) != homepage or link in seen:
                    continue
                seen.add(link)
                page = finding.get("url", "")[:200]
                text = f"{_site_name(site)}：{where}链接不可用 {link[:200]}（见于 {page}）"
                result.deduct(rate, text, run_url(run))

    return _judge(ctx, row, judge)


@calculator("error_report_entry")
def error_report_entry(ctx: Context, row) -> RowResult:
    """“我为政府网站找错”入口: missing on the homepage (`error_report_entry_missing`) scores 0."""

    def judge(result, site, run):
        if _findings(run, Check.ERROR_REPORT_ENTRY_MISSING):
            text = f"{_site_name(site)}：首页底部未发现“我为政府网站找错”入口（{_when(run)} 巡查）"
            result.deduct(points(row), text, run_url(run))

    return _judge(ctx, row, judge)


@calculator("page_tags")
def page_tags(ctx: Context, row) -> RowResult:
    """页面标签: the run's report lists findings, not every page, so the pages lacking site tags
    (`missing_site_tags`, homepage aside) or content tags (`missing_content_tags`) are taken, at most
    `sample_size` of them sampled at random, `each` per page."""
    size = row.sample_size or 5
    amount = each(row, 0.1)

    def judge(result, site, run):
        pages: dict[str, list[str]] = {}
        for finding in _findings(run, Check.MISSING_SITE_TAGS, Check.MISSING_CONTENT_TAGS):
            if finding.get("homepage"):
                continue
            pages.setdefault(finding.get("url", ""), []).append(finding.get("evidence") or "")
        urls = sorted(pages)
        if len(urls) > size:
            urls = sorted(ctx.rng(f"page_tags:{site.pk}").sample(urls, size))
        for url in urls:
            detail = "；".join(part for part in pages[url] if part)[:200]
            result.deduct(amount, f"{_site_name(site)}：{url[:200]} {detail}", run_url(run))

    return _judge(ctx, row, judge)


@calculator("inspection_veto")
def inspection_veto(ctx: Context, row) -> RowResult:
    """单项否决（巡查发现）: any run of the year (started before `now`) on the unit's sites with a veto
    finding (a check of `veto_checks` with severity veto, or `veto_counts` findings of one check), or
    recorded as vetoed by the patrol. Each finding is named once, with the latest run that found it."""
    result = RowResult(0.0)
    if not ctx.sites:
        result.note("本单位在网站群中没有网站，无巡查记录")
        return result
    weights = load_weights()
    found: dict[tuple, tuple[Run, str]] = {}
    runs = _runs_of_year(ctx).select_related("target").order_by("started", "pk")
    for run in runs:
        named = False
        findings = run.report.get("findings", [])
        for finding in findings:
            if finding.get("check") in weights.veto_checks and finding.get("severity") == Severity.VETO:
                key = (finding["check"], finding.get("url", ""), finding.get("target", ""))
                label = CHECK_LABELS.get(Check(finding["check"]), finding["check"])
                detail = finding.get("evidence") or finding.get("url", "")
                found[key] = (run, f"{run.target.name}：{label}（{detail[:200]}）")
                named = True
        for check, count in weights.veto_counts.items():
            total = sum(1 for finding in findings if finding.get("check") == check)
            if total >= count:
                label = CHECK_LABELS.get(Check(check), check)
                found[(check, run.target_id)] = (
                    run,
                    f"{run.target.name}：{label} {total} 处（达到 {count} 处即单项否决）",
                )
                named = True
        if run.vetoed and not named:
            found[("vetoed", run.pk)] = (run, f"{run.target.name}：巡查判定存在单项否决问题")
    for run, text in found.values():
        result.evidence.append(Evidence(f"{text}，{_when(run, '%Y-%m-%d %H:%M')} 巡查", run_url(run)))
    result.veto = bool(found)
    if not found:
        result.note("本年度巡查未发现单项否决问题")
    return result
