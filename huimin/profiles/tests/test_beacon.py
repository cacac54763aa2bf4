"""The read beacon (POST /accounts/interests/beacon/): a consenting citizen's read recorded after the CSRF
check; for everybody else only the site's view count, written in batches; forged, oversized and malformed
beacons refused."""

from __future__ import annotations

import pytest
from django.test import Client

from huimin.profiles import popularity
from huimin.profiles.models import Interaction, Popularity
from huimin.profiles.tests.factories import HOST, NOW, citizen, consenting, items_on

pytestmark = pytest.mark.django_db

URL = "/accounts/interests/beacon/"
SERVER = {"HTTP_HOST": HOST}
FORM = "application/x-www-form-urlencoded"


def _send(client, body: str, **extra):
    return client.post(URL, body, content_type=FORM, **SERVER, **extra)


def _token(client) -> str:
    """The token a content page gives a consenting citizen (data-csrf on the beacon's script)."""
    import re

    page = client.get(items_on(kind="policy")[0].path, **SERVER)
    assert page.status_code == 200
    return re.search(r'data-csrf="([^"]+)"', page.content.decode()).group(1)


def test_an_anonymous_read_is_counted_not_recorded_and_written_in_a_batch(demo, clock):
    item = items_on()[0]
    before = sum(Popularity.objects.filter(item=item).values_list("views", flat=True))
    interactions = Interaction.objects.count()
    response = _send(Client(), f"page={item.pk}")
    assert response.status_code == 200 and response.json() == {"recorded": False}
    assert popularity.pending() == 1
    assert sum(Popularity.objects.filter(item=item).values_list("views", flat=True)) == before  # not yet
    assert Interaction.objects.count() == interactions
    popularity.flush()
    assert sum(Popularity.objects.filter(item=item).values_list("views", flat=True)) == before + 1


def test_the_same_visitor_reading_the_same_page_the_same_day_counts_once(demo, clock):
    item = items_on()[0]
    visitor = Client()
    _send(visitor, f"page={item.pk}")
    _send(visitor, f"page={item.pk}")
    assert popularity.pending() == 1


def test_a_consenting_citizens_read_is_recorded_with_the_csrf_token(demo, clock):
    account = consenting()
    client = Client(enforce_csrf_checks=True)
    client.force_login(account.user)
    token = _token(client)
    item = items_on(key="group", value="老年人")[0]
    response = _send(client, f"page={item.pk}", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json() == {"recorded": True}
    record = Interaction.objects.get(account=account, page_id=item.pk)
    assert record.kind == "read" and record.at == NOW


def test_a_consenting_citizens_beacon_without_a_valid_token_is_refused_and_records_nothing(demo, clock):
    account = consenting()
    client = Client(enforce_csrf_checks=True)
    client.force_login(account.user)
    _token(client)
    item = items_on()[0]
    for headers in ({}, {"HTTP_X_CSRFTOKEN": "forged" * 6}):
        response = _send(client, f"page={item.pk}", **headers)
        assert response.status_code == 403
        assert "请求来源校验失败" in response.json()["error"]
    assert not Interaction.objects.filter(account=account).exists()
    assert popularity.pending() == 0


def test_a_citizen_without_consent_is_only_counted(demo, clock):
    account = citizen()
    client = Client()
    client.force_login(account.user)
    item = items_on()[0]
    assert _send(client, f"page={item.pk}").json() == {"recorded": False}
    assert not Interaction.objects.filter(account=account).exists()
    assert popularity.pending() == 1


@pytest.mark.parametrize(
    "body",
    [
        "",
        "page=",
        "page=abc",
        "page=-1",
        "page=1.5",
        "page=1%00",
        "page=%3Cscript%3E",
        "page=1' OR '1'='1",
        "page=" + "9" * 13,
        "other=1",
    ],
)
def test_malformed_beacons_are_refused(demo, clock, body):
    response = _send(Client(), body)
    assert response.status_code == 400
    assert response.json()["recorded"] is False
    assert popularity.pending() == 0


def test_an_oversized_beacon_is_refused_before_it_is_read(demo, clock):
    response = _send(Client(), "page=1&pad=" + "x" * 2000)
    assert response.status_code == 413
    assert popularity.pending() == 0


def test_a_json_beacon_or_a_get_is_refused(demo, clock):
    item = items_on()[0]
    assert Client().post(URL, {"page": item.pk}, content_type="application/json", **SERVER).status_code == 400
    assert Client().get(URL, {"page": item.pk}, **SERVER).status_code == 405


def test_a_page_of_another_site_or_no_item_at_all_is_not_counted(demo, clock):
    county_item = items_on("shuyang.localhost")[0]
    assert _send(Client(), f"page={county_item.pk}").status_code == 404  # asked on the portal's host
    assert _send(Client(), "page=999999999").status_code == 404
    from wagtail.models import Site

    home = Site.objects.get(hostname=HOST).root_page_id  # the home page is no item
    assert _send(Client(), f"page={home}").status_code == 404
    assert popularity.pending() == 0
