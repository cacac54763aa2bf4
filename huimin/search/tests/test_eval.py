"""Search quality over the demo: recall@10 of the evaluation set (tests/data/eval.json) through the same
search as the results page, over every site of the group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.letters.models import Letter
from huimin.search import queries, services

pytestmark = pytest.mark.django_db

EVAL = json.loads((Path(__file__).resolve().parent / "data" / "eval.json").read_text(encoding="utf-8"))
RECALL_AT_10 = 0.9


def _wanted(item: str, urls: list[str]) -> bool:
    """Whether an expected item ("host /path/" or "letter <title>") is among the result URLs."""
    kind, _space, rest = item.partition(" ")
    if kind == "letter":
        letter = Letter.objects.filter(title=rest).first()
        return letter is not None and any(url.endswith(f"#letter-{letter.pk}") for url in urls)
    return any(
        url.split("://", 1)[-1].split("/", 1)[0].split(":")[0] == kind and url.endswith(rest) for url in urls
    )


def test_recall_at_10_over_the_evaluation_set(demo):
    services.reindex(now=DEMO_NOW)
    portal = Site.objects.get(hostname="127.0.0.1")
    found, misses = 0, []
    expected = 0
    for case in EVAL["queries"]:
        results = queries.search(case["q"], site=portal, scope="group", page_size=10, now=DEMO_NOW)
        urls = [bet.url for bet in results.best_bets] + [r.document.url for r in results.results]
        for item in case["expect"]:
            expected += 1
            if _wanted(item, urls):
                found += 1
            else:
                misses.append(f"{case['q']!r} missed {item}")
    recall = found / expected
    print(f"recall@10 = {recall:.3f} ({found}/{expected})")
    for miss in misses:
        print("  ", miss)
    assert recall >= RECALL_AT_10, misses
