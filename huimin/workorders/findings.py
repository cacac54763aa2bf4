"""Orders from findings: the patrol's crawls and the guide checker carried to the people who fix them.

Which findings open orders, of which kind, title and priority, is data (`data/finding_kinds.json`). Every
order goes through the one door, `services.sync_findings`: one order per site and problem (all broken links
of a site are one order, its rows the links), updated while the problem stays, closed as verified fixed
when the next look no longer sees it, reopened when it comes back.

- `from_run(run, now)` follows every recorded crawl (settings.HUIMIN_PATROL_FOLLOWERS). A crawl that
  reached no page (the site was down) opens and updates orders but closes none: not seeing a problem on a
  site one could not read proves nothing.
- `from_guides(site, now)` runs the guide checker over a site's live guides (`huimin workorders-sync`).
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from wagtail.models import Site

from . import services
from .enums import DONE_STATES, Priority, Source
from .models import WorkOrder, WorkOrderKind

logger = logging.getLogger(__name__)
DATA_DIR = Path(__file__).parent / "data"
DATA_FILE = DATA_DIR / "finding_kinds.json"
KINDS_FILE = DATA_DIR / "kinds.json"
# The inspection's severities, least first; `info` is below every minimum and never opens an order.
SEVERITY_RANK = {"info": 0, "warn": 1, "deduct": 2, "veto": 3}
MINIMUMS = ("warn", "deduct", "veto")
MAX_URL, MAX_TARGET, MAX_EVIDENCE = 500, 300, 500


class FindingKindsError(ValueError):
    """The data file is unusable; the message says where, in Chinese."""


class Outcome(StrEnum):
    """What one synchronisation did to the order of one site and problem."""

    OPENED = "opened"
    UPDATED = "updated"
    REOPENED = "reopened"
    CLOSED = "closed"
    UNCHANGED = "unchanged"
    NONE = "none"  # no order, and none was opened (no findings, or a site without a unit)


@dataclass(frozen=True)
class Spec:
    problem: str
    kind: str
    title: str
    priority: str
    min_severity: str = "warn"


@dataclass(frozen=True)
class FindingKinds:
    patrol: dict[str, Spec]
    guides: dict[str, Spec]


def _kind_codes() -> set[str]:
    return {kind["code"] for kind in json.loads(KINDS_FILE.read_text(encoding="utf-8"))["kinds"]}


def _specs(section: str, entries, known: tuple[str, ...], *, severities: bool) -> dict[str, Spec]:
    if not isinstance(entries, dict):
        raise FindingKindsError(f"问题类型文件的“{section}”必须是对象。")
    kinds = _kind_codes()
    specs = {}
    for problem, entry in entries.items():
        where = f"{section}.{problem}"
        if problem not in known:
            raise FindingKindsError(f"问题类型文件的“{where}”不是已知的检查项。")
        if not isinstance(entry, dict):
            raise FindingKindsError(f"问题类型文件的“{where}”必须是对象。")
        kind, title = entry.get("kind"), entry.get("title")
        priority = entry.get("priority", Priority.NORMAL)
        if kind not in kinds:
            raise FindingKindsError(f"问题类型文件的“{where}”的工单类型“{kind}”不存在。")
        if not isinstance(title, str) or not title.strip() or len(title) > 100:
            raise FindingKindsError(f"问题类型文件的“{where}”须有 100 字以内的标题。")
        if priority not in Priority.values:
            raise FindingKindsError(f"问题类型文件的“{where}”的紧急程度“{priority}”无效。")
        minimum = entry.get("min_severity", "warn") if severities else "warn"
        if minimum not in MINIMUMS:
            raise FindingKindsError(
                f"问题类型文件的“{where}”的最低级别“{minimum}”无效"
                "（可用 warn、deduct、veto，提示级问题不生成工单）。"
            )
        specs[problem] = Spec(problem, kind, title.strip(), priority, minimum)
    return specs


def validate(data) -> FindingKinds:
    """The data file's content checked: known check ids and problem codes, existing kinds, valid
    priorities and severities. Raises FindingKindsError naming the first fault."""
    from huimin.guides.checker import CODES
    from huimin.inspection.enums import Check

    if not isinstance(data, dict):
        raise FindingKindsError("问题类型文件的顶层必须是对象。")
    checks = tuple(str(check) for check in Check)
    return FindingKinds(
        patrol=_specs("patrol", data.get("patrol", {}), checks, severities=True),
        guides=_specs("guides", data.get("guides", {}), CODES, severities=False),
    )


def load(path: Path | str = DATA_FILE) -> FindingKinds:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise FindingKindsError(f"无法读取问题类型文件 {path}：{error}。") from error
    except json.JSONDecodeError as error:
        raise FindingKindsError(
            f"问题类型文件 {path} 不是有效的 JSON：第 {error.lineno} 行，{error.msg}。"
        ) from error
    return validate(data)


@lru_cache(maxsize=1)
def finding_kinds() -> FindingKinds:
    return load()


def _outcome(before: dict | None, order: WorkOrder | None) -> Outcome:
    if order is None:
        return Outcome.NONE
    if before is None:
        return Outcome.OPENED
    was_done, done = before["state"] in DONE_STATES, order.state in DONE_STATES
    if done and not was_done:
        return Outcome.CLOSED
    if was_done and not done:
        return Outcome.REOPENED
    if not done and before["findings"] != order.findings:
        return Outcome.UPDATED
    return Outcome.UNCHANGED


def sync(site: Site, source: Source, spec: Spec, rows: list[dict], now: datetime) -> Outcome:
    """Carry one problem of one site to its order through `services.sync_findings`; what it did."""
    key = f"{source}:{spec.problem}"[:80]
    before = WorkOrder.objects.filter(site=site, finding_key=key).values("state", "findings").first()
    order = services.sync_findings(
        site,
        source=source,
        problem=spec.problem,
        kind_code=spec.kind,
        title=spec.title,
        findings=rows,
        now=now,
        priority=spec.priority,
    )
    return _outcome(before, order)


def _open_problems(site: Site, source: Source) -> set[str]:
    prefix = f"{source}:"
    keys = (
        WorkOrder.objects.filter(site=site, finding_key__startswith=prefix)
        .exclude(state__in=DONE_STATES)
        .values_list("finding_key", flat=True)
    )
    return {key[len(prefix) :] for key in keys}


def _apply(site: Site, source: Source, specs: dict[str, Spec], grouped, now, *, may_close: bool) -> Counter:
    counts: Counter = Counter()
    still_open = _open_problems(site, source) if may_close else set()
    for problem, spec in specs.items():
        rows = grouped.get(problem)
        if not rows and problem not in still_open:
            continue
        try:
            counts[sync(site, source, spec, rows or [], now)] += 1
        except WorkOrderKind.DoesNotExist:  # renamed in the admin: the other problems still go through
            logger.error(
                "Work-order kind %r (for %s:%s) does not exist; fix data/finding_kinds.json or the kinds",
                spec.kind,
                source,
                problem,
            )
    counts.pop(Outcome.UNCHANGED, None)
    counts.pop(Outcome.NONE, None)
    return counts


def _clip(value, limit: int) -> str:
    """Text fit for a row: no NUL or other control characters (PostgreSQL's JSON refuses NUL), cut."""
    text = "" if value is None else str(value)
    return "".join(c for c in text if c >= " " or c in "\t\n")[:limit]


def _code(value) -> str:
    return value if isinstance(value, str) else ""


def patrol_row(finding: dict) -> dict:
    """A finding of a crawl report as a row of its order: where (`url`), what (`target`, e.g. the broken
    link), why (`evidence`) and the inspection's severity code (veto, deduct, warn)."""
    return {
        "url": _clip(finding.get("url"), MAX_URL),
        "evidence": _clip(finding.get("evidence"), MAX_EVIDENCE),
        "severity": severity if (severity := _code(finding.get("severity"))) in SEVERITY_RANK else "",
        "target": _clip(finding.get("target"), MAX_TARGET),
    }


def from_run(run, now: datetime) -> Counter:
    """Open, update, close or reopen a group site's orders from one recorded crawl (a follower of the
    patrol). Returns how many orders were opened, updated, reopened and closed."""
    if run.target.site_id is None:
        return Counter()  # an outside site: nobody here can fix it
    specs = finding_kinds().patrol
    grouped: dict[str, list[dict]] = defaultdict(list)
    report = run.report if isinstance(run.report, dict) else {}
    for finding in report.get("findings") or []:
        if not isinstance(finding, dict):
            continue
        spec = specs.get(_code(finding.get("check")))
        if spec is None:
            continue
        if SEVERITY_RANK.get(_code(finding.get("severity")), 0) < SEVERITY_RANK[spec.min_severity]:
            continue
        grouped[spec.problem].append(patrol_row(finding))
    crawled = (run.pages_crawled or 0) > 0
    counts = _apply(run.target.site, Source.PATROL, specs, grouped, now, may_close=crawled)
    if counts:
        logger.info("Work orders from the crawl of %s: %s", run.target.url, dict(counts))
    return counts


def from_guides(site: Site, now: datetime) -> tuple[int, Counter]:
    """Run the guide checker over a site's live guides and carry each problem code to its order (rows: the
    guide and what is wrong). Returns (guides checked, outcomes)."""
    from huimin.guides.assessment import site_guides
    from huimin.guides.checker import check_guide

    specs = finding_kinds().guides
    grouped: dict[str, list[dict]] = defaultdict(list)
    checked = 0
    for guide in site_guides(site, now):
        checked += 1
        url = guide.get_full_url() or guide.url_path
        for problem in check_guide(guide):
            if problem.code not in specs:
                continue
            grouped[problem.code].append(
                {
                    "url": _clip(url, MAX_URL),
                    "evidence": _clip(
                        f"《{guide.title}》：{problem.message}（扣 {problem.deduction:g} 分）", MAX_EVIDENCE
                    ),
                    "severity": "deduct",
                    "target": _clip(guide.title, MAX_TARGET),
                }
            )
    return checked, _apply(site, Source.GUIDES, specs, grouped, now, may_close=True)


SUMMARY_KEYS = (Outcome.OPENED, Outcome.UPDATED, Outcome.REOPENED, Outcome.CLOSED)


def sync_guides(now: datetime, sites=None, *, advance=lambda: None) -> dict:
    """`from_guides` over the given sites (every site of the group by default); `advance()` after each.
    Returns {"sites", "guides", "opened", "updated", "reopened", "closed"}."""
    sites = list(Site.objects.order_by("hostname") if sites is None else sites)
    summary = {"sites": len(sites), "guides": 0, **{str(key): 0 for key in SUMMARY_KEYS}}
    for site in sites:
        checked, counts = from_guides(site, now)
        summary["guides"] += checked
        for key in SUMMARY_KEYS:
            summary[str(key)] += counts.get(key, 0)
        advance()
    return summary
