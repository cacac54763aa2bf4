"""The admin list puts what needs doing first: open applications soonest due first, then the finished ones,
newest first, each finished one saying whether it was answered in time."""

import pytest
from django.contrib.auth import get_user_model

from huimin.conftest import DEMO_NOW
from huimin.disclosure import queries
from huimin.disclosure.enums import FINAL_STATES, State

pytestmark = pytest.mark.django_db


def test_open_applications_come_first_by_due_date_then_the_finished_newest_first(demo):
    handler = get_user_model().objects.get(username="slj-handler")
    listed = list(queries.listing(handler, queries.Filters(), DEMO_NOW))
    finished = [application.state in FINAL_STATES for application in listed]
    assert finished == sorted(finished) and any(finished) and not all(finished)
    open_dues = [a.due_on for a in listed if a.state not in FINAL_STATES and a.due_on is not None]
    assert open_dues == sorted(open_dues)
    closed = [a.closed_at for a in listed if a.state in FINAL_STATES]
    assert closed == sorted(closed, reverse=True)
    labels = {row.application.state: row.outcome_label for row in queries.rows(listed, DEMO_NOW)}
    assert labels[State.ANSWERED] in ("按时答复", "逾期答复")
    assert labels[State.WITHDRAWN] == ""
