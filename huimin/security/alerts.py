"""The conditions that raise security alerts, judged from what the inspection app sees, and handed to
`services.observe` (which raises, refreshes or resolves the alert):

- `from_probes(probes, now)` follows each round of the hourly probes (settings.HUIMIN_PROBE_FOLLOWERS):
  unreachable after N failed probes in a row, slow after M answers in a row over the time limit, and
  defaced when the homepage's visible text moved far from its baseline while no page of that site was
  published (a site of the group; an external target has no publishing to consult). The thresholds are
  data (data/thresholds.json).
- `from_run(run, now)` follows each crawl of the patrol (settings.HUIMIN_PATROL_FOLLOWERS): sensitive files
  the crawl found exposed, directory listings and admin login pages on public hosts (`exposure.py`).

A condition that clears resolves its alert (a probe that answers, an answer in time, the text back near
its baseline or changed by a publish, a crawl that finds nothing exposed)."""

from __future__ import annotations

import difflib
import logging
from datetime import datetime, timedelta

from wagtail.models import Page, PageLogEntry

from huimin.inspection.models import Probe

from . import exposure, rules, services
from .enums import AlertKind
from .models import HomeBaseline

logger = logging.getLogger(__name__)
LINE_MODE_MIN_LINES = 10
CHAR_MODE_MAX = 5000
EXCERPT = 300


def _local(moment: datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def similarity(before: str, after: str) -> float:
    """How alike two homepage texts are, 0 to 1 (difflib's ratio): by lines when both have enough of them
    (a news homepage changing a few headlines stays near 1, a replaced page falls near 0), else by
    characters of their first part."""
    lines_before, lines_after = before.splitlines(), after.splitlines()
    if min(len(lines_before), len(lines_after)) >= LINE_MODE_MIN_LINES:
        return difflib.SequenceMatcher(None, lines_before, lines_after, autojunk=False).ratio()
    return difflib.SequenceMatcher(
        None, before[:CHAR_MODE_MAX], after[:CHAR_MODE_MAX], autojunk=False
    ).ratio()


def published_between(site, start: datetime, end: datetime) -> bool:
    """Whether any page of the site was published (or unpublished, moved, deleted, reverted: the actions in
    data/thresholds.json) after `start` and up to `end`."""
    root = site.root_page
    if Page.objects.filter(
        path__startswith=root.path, last_published_at__gt=start, last_published_at__lte=end
    ).exists():
        return True
    return PageLogEntry.objects.filter(
        page__path__startswith=root.path,
        action__in=rules.thresholds().publish_actions,
        timestamp__gt=start,
        timestamp__lte=end,
    ).exists()


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def _unreachable(probe: Probe, recent: list[Probe], now: datetime) -> None:
    needed = rules.thresholds().consecutive_failures
    target = probe.target
    if probe.ok:
        services.observe(target, AlertKind.UNREACHABLE, [], now)
        return
    last = recent[:needed]
    if len(last) < needed or any(p.ok for p in last):
        return
    problem = {"url": target.url, "evidence": f"连续 {needed} 次探测首页均无法访问"}
    services.observe(target, AlertKind.UNREACHABLE, [problem], now, detail=f"最近一次探测：{probe.detail}")


def _slow(probe: Probe, recent: list[Probe], now: datetime) -> None:
    found = rules.thresholds()
    target = probe.target
    if not probe.ok or probe.ms is None:
        return  # a failed probe says nothing about speed
    if probe.ms <= found.slow_ms:
        services.observe(target, AlertKind.SLOW, [], now)
        return
    last = recent[: found.slow_consecutive]
    if len(last) < found.slow_consecutive or any(
        not p.ok or p.ms is None or p.ms <= found.slow_ms for p in last
    ):
        return
    limit = f"{found.slow_ms / 1000:g}"
    problem = {"url": target.url, "evidence": f"连续 {found.slow_consecutive} 次探测首页响应超过 {limit} 秒"}
    services.observe(
        target, AlertKind.SLOW, [problem], now, detail=f"最近一次首页响应用时 {probe.ms / 1000:.1f} 秒"
    )


def _defaced(probe: Probe, now: datetime) -> None:
    text = getattr(probe, "text", "") or ""
    if not probe.ok or not text.strip():
        return  # no page to judge (a failed probe, an answer that is not HTML)
    found = rules.thresholds()
    target = probe.target
    digest = probe.digest
    baseline = HomeBaseline.objects.filter(target=target).first()
    if baseline is None:
        services.accept_baseline(target, text, digest, now)
        return
    if digest == baseline.digest:
        services.seen_baseline(baseline, now)
        services.observe(target, AlertKind.DEFACED, [], now)
        return
    ratio = similarity(baseline.text, text)
    if len(baseline.text) < found.min_characters or ratio >= found.min_similarity:
        services.accept_baseline(target, text, digest, now)  # a small change, or too little text to judge
        services.observe(target, AlertKind.DEFACED, [], now)
        return
    since = baseline.checked_at - timedelta(minutes=found.publish_grace_minutes)
    if target.site_id is not None and published_between(target.site, since, now):
        services.accept_baseline(target, text, digest, now)  # the site published: its own change
        services.observe(target, AlertKind.DEFACED, [], now)
        return
    services.note_different(baseline, text, digest, now)
    outside = "，期间本站没有发布页面" if target.site_id is not None else ""
    problem = {
        "url": target.url,
        "evidence": f"首页可见文字与 {_local(baseline.checked_at)} 的内容相比大幅变化"
        f"（相似度 {ratio:.0%}）{outside}",
    }
    services.observe(target, AlertKind.DEFACED, [problem], now, detail=f"首页现在显示：{_excerpt(text)}")


def from_probes(probes, now: datetime) -> None:
    """Judge every probe of a round (a probe carries the homepage's visible text as `probe.text`)."""
    depth = max(rules.thresholds().consecutive_failures, rules.thresholds().slow_consecutive)
    for probe in probes:
        try:
            recent = list(
                Probe.objects.filter(target=probe.target, at__lte=now).order_by("-at", "-pk")[:depth]
            )
            _unreachable(probe, recent, now)
            _slow(probe, recent, now)
            _defaced(probe, now)
        except Exception:  # one target must not stop the others
            logger.exception("Security alerts of the probe of %s failed", probe.target.url)


def from_run(run, now: datetime) -> None:
    """Exposed files, directory listings and admin login pages of a crawled site. A crawl that did not reach
    the site says nothing about what it exposes, and changes nothing."""
    if not run.pages_crawled:
        return
    target = run.target
    problems = exposure.exposed_files(run.report.get("findings", [])) + exposure.check(target.url, now)
    services.observe(target, AlertKind.EXPOSED, problems, now)
