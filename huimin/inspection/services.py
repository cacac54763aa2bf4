"""Every write of the inspection app: keeping the targets in step with the site group, the daily patrol
(claiming due targets so several workers can run), recording a crawl, and building the monthly report and
the quarterly bulletin."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from wagtail.models import Site as WagtailSite

from . import dbchecks, report
from .crawler import Crawl, Options, ProbeResult, availability, inspect_site
from .document import Finding, Site
from .enums import Check, Severity
from .models import PeriodReport, Probe, Run, Target

logger = logging.getLogger(__name__)
PERIOD = re.compile(r"\A(\d{4})(?:-(\d{2})|Q([1-4]))\Z")
WORST = 5
DB_COLUMN_CHECKS = (Check.COLUMN_STALE, Check.COLUMN_EMPTY)
# The national availability rule: over a week, at least 20 probes a day; 5 % failed is a veto, 3 % a warning.
WEEK = timedelta(days=7)
MIN_PROBES = 20
VETO_SHARE, WARN_SHARE = 0.05, 0.03


def sync_group_targets() -> int:
    """One target per site of the group, its name and address kept current. Returns how many exist."""
    for site in WagtailSite.objects.all():
        Target.objects.update_or_create(
            site=site, defaults={"name": (site.site_name or site.hostname)[:100], "url": site.root_url + "/"}
        )
    return Target.objects.filter(site__isnull=False).count()


def claim_due(today: date, *, force: bool = False, ids: list[int] | None = None) -> list[Target]:
    """The active targets not yet patrolled today, marked as taken in one short transaction; rows another
    worker holds are skipped, so two patrols never crawl one site twice on the same day."""
    with transaction.atomic():
        due = Target.objects.select_for_update(skip_locked=True, of=("self",)).filter(active=True)
        if ids:
            due = due.filter(pk__in=ids)
        if not force:
            due = due.exclude(last_patrol_on=today)
        targets = list(due.select_related("site"))
        Target.objects.filter(pk__in=[t.pk for t in targets]).update(last_patrol_on=today)
    return targets


def probe(now: datetime | None = None, *, check=availability) -> list[Probe]:
    """Probe every active target's homepage once (`huimin inspect-probe`, run every hour): whether it
    answered, how fast, and a digest of its visible text. The probes go to the apps that act on them
    (settings.HUIMIN_PROBE_FOLLOWERS, functions taking (probes, now): the security alerts); each probe
    carries the homepage's visible text as `probe.text` for them, which is not stored."""
    now = now or timezone.now()
    sync_group_targets()
    targets = list(Target.objects.filter(active=True))
    results = check([t.url for t in targets])
    probes = []
    for target in targets:
        found = ProbeResult(*results[target.url])  # a checker may answer (ok, detail) alone
        item = Probe(
            target=target, at=now, ok=found.ok, detail=found.detail[:100], ms=found.ms, digest=found.digest
        )
        item.text = found.text
        probes.append(item)
    Probe.objects.bulk_create(probes)
    Probe.objects.filter(at__lt=now - 5 * WEEK).delete()  # a month of history is plenty
    for failed in [p for p in probes if not p.ok]:
        logger.warning(
            "Homepage of %s (%s) did not answer: %s", failed.target, failed.target.url, failed.detail
        )
    _follow(settings.HUIMIN_PROBE_FOLLOWERS, probes, now, what="the hourly probe")
    return probes


def availability_finding(target: Target, now: datetime) -> Finding | None:
    """`unreachable` from the last week's probes, once there are enough of them to judge."""
    probes = target.probes.filter(at__gt=now - WEEK, at__lte=now)
    total = probes.count()
    if total < MIN_PROBES:
        return None
    failed = probes.filter(ok=False).count()
    share = failed / total
    if share < WARN_SHARE:
        return None
    severity = Severity.VETO if share >= VETO_SHARE else Severity.WARN
    evidence = f"近 7 天探测首页 {total} 次，{failed} 次无法访问（{share:.1%}）"
    return Finding(Check.UNREACHABLE, severity, target.url, "", evidence, True)


def record_run(target: Target, crawl: Crawl, started: datetime) -> Run:
    """Store a crawl. For a site of the group, the column findings come from the database (each column's
    own cycle and the person answering for it) instead of the crawler's guesses, and policies without an
    interpretation are added."""
    if target.site_id is not None:
        crawl.findings = [f for f in crawl.findings if f.check not in DB_COLUMN_CHECKS]
        crawl.findings.extend(dbchecks.site_findings(target.site, timezone.localtime(started)))
    weekly = availability_finding(target, started)
    if weekly is not None:
        crawl.findings.append(weekly)
    data = report.as_json(crawl, started)
    return Run.objects.create(
        target=target,
        started=started,
        seconds=round(crawl.seconds, 2),
        pages_crawled=crawl.pages_crawled,
        score=data["score"]["total"],
        vetoed=data["score"]["vetoed"],
        counts=dict(Counter(f["check"] for f in data["findings"])),
        report=data,
    )


def patrol(now: datetime | None = None, *, options: Options | None = None, force=False, ids=None, crawl=None):
    """The daily patrol: every due target crawled and recorded. `crawl` replaces the crawler (tests)."""
    now = now or timezone.now()
    sync_group_targets()
    runs = []
    for target in claim_due(timezone.localdate(now), force=force, ids=ids):
        limit = min(options.max_pages, target.max_pages) if options else target.max_pages
        opts = replace(options or Options(), max_pages=limit)
        started = timezone.now()
        site = Site(target.url, timezone.localtime(started))
        try:
            result = (crawl or inspect_site)(site, opts)
        except Exception:
            logger.exception("Patrol of %s (%s) failed; it will be tried again tomorrow", target, target.url)
            continue
        runs.append(record_run(target, result, started))
        logger.info("Patrolled %s: %d pages, score %s", target.url, result.pages_crawled, runs[-1].score)
        follow_run(runs[-1], now)
    return runs


def follow_run(run: Run, now: datetime) -> None:
    """Hand a recorded crawl to the apps that act on findings (settings.HUIMIN_PATROL_FOLLOWERS, dotted
    paths of functions taking (run, now)): work orders, security alerts."""
    _follow(settings.HUIMIN_PATROL_FOLLOWERS, run, now, what=f"the crawl of {run.target.url}")


def _follow(followers: list[str], subject, now: datetime, *, what: str) -> None:
    """Call each follower with (subject, now). One failing follower is logged and stops neither the others
    nor the caller: the next round tries again."""
    for dotted in followers:
        try:
            import_string(dotted)(subject, now)
        except Exception:
            logger.exception("Follower %s failed on %s; the next round will try again", dotted, what)


def period_bounds(period: str) -> tuple[str, datetime, datetime]:
    """("monthly" | "quarterly", start, end) of "2026-11" or "2026Q4"; ValueError with a Chinese message."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError("期间格式应为 2026-11（月）或 2026Q4（季度）。")
    year, month, quarter = int(match.group(1)), match.group(2), match.group(3)
    first = int(month) if month else (int(quarter) - 1) * 3 + 1
    months = 1 if month else 3
    if not 1 <= first <= 12 or not 2000 <= year <= 2100:
        raise ValueError("期间超出范围。")
    start = timezone.make_aware(datetime(year, first, 1))
    end_month = first + months
    end = timezone.make_aware(datetime(year + (end_month > 12), (end_month - 1) % 12 + 1, 1))
    return ("monthly" if month else "quarterly"), start, end


def build_period_report(period: str, now: datetime | None = None) -> PeriodReport:
    """月检查报告 or 季度通报 for a period, from the runs in it: each target's average score, veto status,
    finding counts and worst findings of its latest run, ranked (vetoed sites last). Idempotent: building
    a period again replaces its report."""
    kind, start, end = period_bounds(period)
    rows = []
    for target in Target.objects.all():
        runs = list(target.runs.filter(started__gte=start, started__lt=end).order_by("-started"))
        if not runs:
            continue
        latest = runs[0]
        worst = latest.report["findings"][:WORST]
        rows.append({
            "target": target.name, "url": target.url, "group_site": target.site_id is not None,
            "runs": len(runs), "average": round(sum(r.score for r in runs) / len(runs), 2),
            "latest": latest.score, "vetoed": any(r.vetoed for r in runs), "counts": latest.counts,
            "worst": worst, "run_id": latest.pk,
        })  # fmt: skip
    rows.sort(key=lambda r: (r["vetoed"], -r["average"], r["target"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    saved, _ = PeriodReport.objects.update_or_create(
        kind=kind, period=period, defaults={"created": now or timezone.now(), "rows": rows}
    )
    return saved
