"""办事服务: 办事统计, 办事指南, 表格样表 and 服务集成, judged by `huimin.guides.assessment`.

Each site of the unit is judged by the guide app's own function; its deductions (its maximum minus its
score) are taken from the table row's points, and the lowest score of the unit's sites counts. The guide
function's notes become the evidence, linked to the guide, the statistics page or the topic they are about.
A unit without a site of its own cannot be judged here and scores 0.
"""

from __future__ import annotations

from collections.abc import Callable

from wagtail.models import Site

from huimin.guides import assessment as guide_assessment
from huimin.guides.checker import check_guide, rules, total_deduction
from huimin.guides.models import HandlingStatisticsPage

from . import Context, Evidence, RowResult, calculator, points

NO_SITE = "本单位在网站群中没有网站，无法评测"


def _site_label(site: Site) -> str:
    return site.site_name or site.hostname


def _url(page) -> str:
    return page.full_url or ""


def _guides_by_note(site: Site, now) -> list:
    """The site's live guides, longest title first: a note names its guide as 《title》 at its start."""
    return sorted(guide_assessment.site_guides(site, now), key=lambda guide: -len(guide.title))


def _guide_of(note: str, guides: list):
    return next((guide for guide in guides if note.startswith(f"《{guide.title}》")), None)


def _judge(ctx: Context, row, judge: Callable[[Site], tuple[float, list[Evidence]]]) -> RowResult:
    """Each site judged by `judge` (its deductions and evidence), the lowest score counting."""
    if not ctx.sites:
        return RowResult(0.0, [Evidence(NO_SITE)])
    judged = []
    for site in ctx.sites:
        deductions, evidence = judge(site)
        judged.append((points(row) - deductions, site, evidence))
    score, lowest, _ = min(judged, key=lambda item: (item[0], item[1].pk))
    result = RowResult(score)
    several = len(judged) > 1
    for site_score, site, evidence in judged:
        for item in evidence:
            if several:
                item.text = f"【{_site_label(site)}】{item.text}"
                if site is not lowest and item.deduction is not None:
                    item.text += f"（该网站得 {max(site_score, 0):g} 分，未计入）"
                    item.deduction = None
            result.evidence.append(item)
    if several:
        result.note(f"本单位有 {len(judged)} 个网站，按得分最低的“{_site_label(lowest)}”计", lowest.root_url)
    return result


# --- 办事统计 ---------------------------------------------------------------------------------------------


@calculator("handling_statistics")
def handling_statistics(ctx: Context, row) -> RowResult:
    function = guide_assessment.assess_statistics

    def judge(site: Site) -> tuple[float, list[Evidence]]:
        judged = function(site, ctx.now)
        deductions = judged.max_score - judged.score
        page = HandlingStatisticsPage.objects.live().in_site(site).order_by("pk").first()
        url = _url(page) if page else site.root_url
        evidence = [Evidence(note, url, deductions or None) for note in judged.notes]
        return deductions, evidence

    return _judge(ctx, row, judge)


# --- 办事指南 ---------------------------------------------------------------------------------------------


@calculator("guides")
def guides(ctx: Context, row) -> RowResult:
    function = guide_assessment.assess_guides

    def judge(site: Site) -> tuple[float, list[Evidence]]:
        rng = ctx.rng(f"guides:{site.pk}")
        judged = function(site, rng, now=ctx.now, sample=row.sample_size)
        deductions = judged.max_score - judged.score
        known = _guides_by_note(site, ctx.now)
        evidence = []
        for note in judged.notes:
            guide = _guide_of(note, known)
            if guide is None:
                evidence.append(Evidence(note, site.root_url, deductions or None))
                continue
            amount = total_deduction(check_guide(guide))
            evidence.append(Evidence(note, _url(guide), amount or None))
        return deductions, evidence

    return _judge(ctx, row, judge)


# --- 表格样表 ---------------------------------------------------------------------------------------------


@calculator("guide_forms")
def guide_forms(ctx: Context, row) -> RowResult:
    function = guide_assessment.assess_forms
    each_form = float(rules()["indicators"]["forms"].get("deduction", 1))

    def judge(site: Site) -> tuple[float, list[Evidence]]:
        rng = ctx.rng(f"guide_forms:{site.pk}")
        judged = function(site, rng, now=ctx.now, sample=row.sample_size)
        deductions = judged.max_score - judged.score
        known = _guides_by_note(site, ctx.now)
        evidence = []
        for note in judged.notes:
            guide = _guide_of(note, known)
            lacking = "缺少表格或样表" in note
            evidence.append(
                Evidence(note, _url(guide) if guide else site.root_url, each_form if lacking else None)
            )
        return deductions, evidence

    return _judge(ctx, row, judge)


# --- 服务集成 ---------------------------------------------------------------------------------------------


@calculator("service_integration")
def service_integration(ctx: Context, row) -> RowResult:
    function = guide_assessment.assess_integration

    def judge(site: Site) -> tuple[float, list[Evidence]]:
        judged = function(site, now=ctx.now)
        deductions = judged.max_score - judged.score
        evidence = [Evidence(note, site.root_url, deductions or None) for note in judged.notes]
        try:
            from huimin.topics.models import TopicPage
        except ImportError:  # pragma: no cover - the topics app is part of the platform
            return deductions, evidence
        topics = (
            TopicPage.objects.live()
            .descendant_of(site.root_page, inclusive=True)
            .filter(kind="integrated", first_published_at__lte=ctx.now)
            .order_by("pk")
        )
        evidence += [Evidence(f"集成服务专题《{topic.title}》", _url(topic)) for topic in topics]
        return deductions, evidence

    return _judge(ctx, row, judge)
