from __future__ import annotations

import pytest
import time_machine

from huimin.profiles import popularity, recommender, tagging
from huimin.profiles.tests.factories import NOW


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Nothing cached or tallied by an earlier test: the popular pools, the view tally, the vocabulary."""
    recommender.forget_pools()
    popularity.discard()
    tagging.forget_vocabulary()
    yield
    recommender.forget_pools()
    popularity.discard()


@pytest.fixture
def clock():
    """The demo's `now`, standing still: views and hooks that read the clock see the demo's dates."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
