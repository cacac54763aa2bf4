"""The content-safety sweep (任务 9: 对已发布的重点信息内容全面开展风险隐患排查): every live page of the group
checked as the publish check does (`pages.review`), the findings carried to work orders.

One order per site and check (错误表述, 有害信息, 个人信息), through the work orders' one door
(`huimin.workorders.findings.sync` → `services.sync_findings`): opened while a problem is there (urgent when a
finding is a veto), its rows updated run after run, closed as verified fixed by the first run that no longer
finds it, reopened when it comes back. Which kind, title and priority each check's order has is data
(`data/sweep.json`).

Pages are read in batches (`.specific().iterator()`), with one dictionary and one cache of images and
attachments for the whole run. `huimin safety-sweep` runs it (daily from a timer), `tasks.safety_sweep_task`
queues it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from django.utils import timezone

from .pages import Cache, children_of, review

DATA_FILE = Path(__file__).parent / "data" / "sweep.json"
CHECKS = ("expression", "harmful", "privacy")
BATCH = 200
MAX_EVIDENCE, MAX_URL, MAX_TARGET = 500, 500, 300


class SweepDataError(ValueError):
    """`data/sweep.json` is unusable; the message says where, in Chinese."""


@dataclass(frozen=True)
class CheckOrder:
    kind: str
    title: str
    priority: str
    veto_priority: str


@dataclass
class SweepResult:
    sites: int = 0
    pages: int = 0
    findings: Counter = field(default_factory=Counter)
    orders: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        return {
            "sites": self.sites,
            "pages": self.pages,
            "findings": {check: self.findings.get(check, 0) for check in CHECKS},
            "orders": {
                name: self.orders.get(name, 0) for name in ("opened", "updated", "reopened", "closed")
            },
        }


def validate(data, kinds: set[str]) -> dict[str, CheckOrder]:
    """The file's content checked against the work-order kinds there are (codes)."""
    from huimin.workorders.enums import Priority

    if not isinstance(data, dict) or not isinstance(data.get("checks"), dict):
        raise SweepDataError("排查设置文件须有“checks”对象。")
    orders = {}
    for check in CHECKS:
        entry = data["checks"].get(check)
        where = f"排查设置文件的“checks.{check}”"
        if not isinstance(entry, dict):
            raise SweepDataError(f"{where}缺失或不是对象。")
        if entry.get("kind") not in kinds:
            raise SweepDataError(f"{where}的工单类型“{entry.get('kind')}”不存在。")
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 100:
            raise SweepDataError(f"{where}须有 100 字以内的标题。")
        for name in ("priority", "veto_priority"):
            if entry.get(name) not in Priority.values:
                raise SweepDataError(f"{where}的紧急程度“{entry.get(name)}”无效。")
        orders[check] = CheckOrder(entry["kind"], title.strip(), entry["priority"], entry["veto_priority"])
    return orders


@cache
def _data() -> dict:
    try:
        return json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SweepDataError(f"无法读取排查设置文件 {DATA_FILE.name}：{error}") from error


def check_orders() -> dict[str, CheckOrder]:
    """What each check's order is (data/sweep.json), checked against the work-order kinds in the database."""
    from huimin.workorders.models import WorkOrderKind

    return validate(_data(), set(WorkOrderKind.objects.values_list("code", flat=True)))


class _SiteOf:
    """The site of a page by its tree path (the deepest site root above it)."""

    def __init__(self, sites):
        self.roots = sorted(((s.root_page.path, s) for s in sites), key=lambda pair: -len(pair[0]))

    def __call__(self, path: str):
        for root, site in self.roots:
            if path.startswith(root):
                return site
        return None


def _clip(value, limit: int) -> str:
    return str(value or "")[:limit]


def _row(page, url: str, finding) -> dict:
    hit = finding.hit
    return {
        "url": _clip(url, MAX_URL),
        "evidence": _clip(
            f"《{page.title}》{finding.place.label}：{hit.verdict()}（{finding.context}）", MAX_EVIDENCE
        ),
        "severity": hit.severity_label,
        "target": _clip(page.title, MAX_TARGET),
        "term": _clip(hit.category if hit.check == "privacy" else hit.term, 100),
        "place": _clip(finding.place.label, 200),
    }


def live_pages(site=None):
    from wagtail.models import Page

    pages = Page.objects.live().filter(depth__gt=1)
    if site is not None:
        pages = pages.filter(path__startswith=site.root_page.path)
    return pages.order_by("path")


def sweep(
    *,
    now: datetime,
    site=None,
    orders: dict[str, CheckOrder] | None = None,
    batch: int = BATCH,
    advance: Callable[[int], None] | None = None,
) -> SweepResult:
    """Check every live page (of one site, or of the group) and open, update, reopen or close each site's
    orders. `advance(n)` is told of every page done (for a progress bar)."""
    from wagtail.models import Site

    from huimin.workorders.enums import Source
    from huimin.workorders.findings import Outcome, Spec, sync

    from .engine import current_dictionary

    orders = orders or check_orders()
    sites = [site] if site is not None else list(Site.objects.select_related("root_page").order_by("pk"))
    site_of = _SiteOf(sites)
    dictionary = current_dictionary()
    today = timezone.localdate(now)
    shared = Cache()
    rows: dict[tuple[int, str], list[dict]] = defaultdict(list)
    vetoes: set[tuple[int, str]] = set()
    result = SweepResult(sites=len(sites))

    for chunk in _chunks(live_pages(site).specific().iterator(chunk_size=batch), batch):
        children = children_of(chunk)
        for page in chunk:
            owner = site_of(page.path)
            if owner is not None:
                found = review(
                    page, dictionary=dictionary, today=today, cache=shared, children=children[page.pk]
                )
                if found:
                    url = page.get_full_url() or page.url_path
                    for finding in found.findings:
                        key = (owner.pk, finding.hit.check)
                        rows[key].append(_row(page, url, finding))
                        result.findings[finding.hit.check] += 1
                        if finding.veto:
                            vetoes.add(key)
                result.pages += 1
        if advance is not None:
            advance(len(chunk))

    for owner in sites:
        for check in CHECKS:
            order = orders[check]
            key = (owner.pk, check)
            priority = order.veto_priority if key in vetoes else order.priority
            spec = Spec(problem=check, kind=order.kind, title=order.title, priority=priority)
            outcome = sync(owner, Source.SAFETY, spec, rows.get(key, []), now)
            if outcome not in (Outcome.UNCHANGED, Outcome.NONE):
                result.orders[str(outcome)] += 1
    return result


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def page_count(site=None) -> int:
    return live_pages(site).count()
