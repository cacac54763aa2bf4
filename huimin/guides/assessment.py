"""The 办事服务 indicators of the annual assessment (seed 附件2) this app can judge, for one site.

Maxima, sample sizes and deductions come from data/guide_rules.json (`indicators`). Sampling is random but
reproducible with `seed`.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import datetime

from wagtail.models import Site

from .checker import check_guide, rules, total_deduction
from .models import HandlingStatistic, HandlingStatisticsPage, ServiceGuidePage


@dataclass
class IndicatorRow:
    indicator: str
    max_score: float
    score: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _months_before(now: datetime, months: int) -> datetime:
    month_index = now.year * 12 + now.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(now.day, 28)
    return now.replace(year=year, month=month + 1, day=day)


def _sample(items: list, size: int, rng: random.Random) -> list:
    return items if len(items) <= size else rng.sample(items, size)


def site_guides(site: Site, now: datetime | None = None):
    """A site's live guides; with `now`, those first published by then."""
    guides = ServiceGuidePage.objects.live().in_site(site)
    if now is not None:
        guides = guides.filter(first_published_at__lte=now)
    return guides.select_related("unit").prefetch_related("bases", "materials", "steps").order_by("pk")


def assess_guides(
    site: Site, rng: random.Random, *, now: datetime | None = None, sample: int | None = None
) -> IndicatorRow:
    spec = rules()["indicators"]["guides"]
    row = IndicatorRow(spec["name"], spec["max"], spec["max"])
    sample = _sample(list(site_guides(site, now)), sample or spec["sample"], rng)
    if not sample:
        row.score = 0
        row.notes.append("本站点没有已发布的办事指南。")
        return row
    deducted = 0.0
    for guide in sample:
        problems = check_guide(guide)
        deducted += total_deduction(problems)
        row.notes.append(
            f"《{guide.title}》："
            + ("；".join(p.message for p in problems) if problems else "无问题")
            + f"（扣{total_deduction(problems):g}分）"
        )
    row.score = max(0.0, spec["max"] - deducted)
    return row


def assess_forms(
    site: Site, rng: random.Random, *, now: datetime | None = None, sample: int | None = None
) -> IndicatorRow:
    spec = rules()["indicators"]["forms"]
    row = IndicatorRow(spec["name"], spec["max"], spec["max"])
    needing = [g for g in site_guides(site, now) if any(m.needs_form for m in g.materials.all())]
    sample = _sample(needing, sample or spec["sample"], rng)
    if not sample:
        row.notes.append("抽查的办事指南均无需填写表格。")
    for guide in sample:
        lacking = [
            m.name for m in guide.materials.all() if m.needs_form and not (m.blank_form_id and m.sample_id)
        ]
        if lacking:
            row.score -= spec["deduction"]
            row.notes.append(f"《{guide.title}》缺少表格或样表：{'、'.join(lacking)}。")
        else:
            row.notes.append(f"《{guide.title}》表格和样表齐全。")
    row.score = max(0.0, row.score)
    return row


def assess_statistics(site: Site, now: datetime) -> IndicatorRow:
    spec = rules()["indicators"]["statistics"]
    row = IndicatorRow(spec["name"], spec["max"], spec["max"])
    pages = list(HandlingStatisticsPage.objects.live().in_site(site).filter(first_published_at__lte=now))
    if not pages:
        row.score = 0
        row.notes.append("本站点没有办事统计栏目。")
        return row
    rows = HandlingStatistic.objects.filter(updated_at__lte=now)
    if all(page.units.exists() for page in pages):
        unit_ids = {pk for page in pages for pk in page.units.values_list("pk", flat=True)}
        rows = rows.filter(unit_id__in=unit_ids)
    newest = rows.order_by("-updated_at").values_list("updated_at", flat=True).first()
    if newest is None:
        row.score = 0
        row.notes.append("办事统计没有数据。")
    elif newest < _months_before(now, spec["dead_months"]):
        row.score = 0
        row.notes.append(f"办事统计最近更新于 {newest:%Y-%m-%d}，超过 {spec['dead_months']} 个月未更新。")
    elif newest < _months_before(now, spec["stale_months"]):
        row.score -= spec["stale_deduction"]
        row.notes.append(f"办事统计最近更新于 {newest:%Y-%m-%d}，未按月更新。")
    else:
        row.notes.append(f"办事统计最近更新于 {newest:%Y-%m-%d}。")
    return row


def count_integrated_topics(site: Site, now: datetime | None = None) -> int | None:
    """Live integrated-service topic pages of a site (first published by `now`, when given); None if the
    topics app has no such model."""
    try:
        from huimin.topics.models import TopicPage
    except ImportError:
        return None
    topics = TopicPage.objects.live().descendant_of(site.root_page, inclusive=True).filter(kind="integrated")
    if now is not None:
        topics = topics.filter(first_published_at__lte=now)
    return topics.count()


def assess_integration(site: Site, *, now: datetime | None = None) -> IndicatorRow:
    spec = rules()["indicators"]["integration"]
    row = IndicatorRow(spec["name"], spec["max"], 0)
    count = count_integrated_topics(site, now)
    if count is None:
        row.notes.append("专题功能不可用，按 0 个集成服务专题计。")
        count = 0
    if count >= spec["full_from"]:
        row.score = spec["max"]
    elif count >= 1:
        row.score = spec["partial"]
    row.notes.append(f"已发布集成服务专题 {count} 个。")
    return row


def assess_site(site: Site, *, now: datetime, seed: int | None = None) -> list[IndicatorRow]:
    rng = random.Random(seed)  # noqa: S311 - assessment sampling, not security
    return [
        assess_guides(site, rng),
        assess_forms(site, rng),
        assess_statistics(site, now),
        assess_integration(site),
    ]
