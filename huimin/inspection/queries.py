"""Reads for the admin: each target with its latest runs (the trend), one run, the periodic reports."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import Run, Target

TREND_RUNS = 10


def targets_with_trend() -> list[dict]:
    recent = Run.objects.only("id", "target_id", "started", "score", "vetoed", "pages_crawled", "counts")
    rows = []
    for target in Target.objects.prefetch_related(Prefetch("runs", queryset=recent.order_by("-started"))):
        runs = list(target.runs.all()[:TREND_RUNS])
        rows.append({"target": target, "latest": runs[0] if runs else None, "trend": list(reversed(runs))})
    return rows
