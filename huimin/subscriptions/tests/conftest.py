from __future__ import annotations

import pytest
import time_machine

from huimin.core import notify

from .factories import NOW


@pytest.fixture
def clock():
    """The clock pinned at NOW (not ticking): what the services and tasks read is the same on any day."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sms():
    notify.sms_outbox.clear()
    yield notify.sms_outbox
    notify.sms_outbox.clear()


@pytest.fixture
def client(client):
    """The test client on the portal's host (the group answers no other host)."""
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    return client
