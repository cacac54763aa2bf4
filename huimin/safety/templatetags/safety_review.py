"""`{% safety_review task_state as review %}`: what the content-safety checks find on a page in review, for
the workflow step's dialog (templates/safety/workflow_findings.html)."""

from __future__ import annotations

from django import template

from huimin.safety.pages import Finding, Review

register = template.Library()
MAX_SHOWN = 50


def shown(review: Review, *, limit: int = MAX_SHOWN) -> dict:
    """The review as a template shows it: each finding with its place and the term marked, vetoes first."""
    ordered = review.vetoes + review.warnings
    return {
        "review": review,
        "vetoes": len(review.vetoes),
        "warnings": len(review.warnings),
        "items": [_item(finding) for finding in ordered[:limit]],
        "more": max(0, len(ordered) - limit),
    }


def _item(finding: Finding) -> dict:
    before, term, after = finding.marked()
    hit = finding.hit
    return {
        "place": finding.place.label,
        "veto": finding.veto,
        "severity": hit.severity_label,
        "check": hit.check_label,
        "verdict": hit.verdict(),
        "before": before,
        "term": term,
        "after": after,
    }


@register.simple_tag
def safety_review(task_state):
    from huimin.safety.workflow import review_task_state

    return shown(review_task_state(task_state))
