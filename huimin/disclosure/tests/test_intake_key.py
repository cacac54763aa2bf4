"""Two confirms of one review page store one application: the second, whether it comes after the first
(a reload) or at the same moment (two tabs), is answered with the first and no second password."""

import pytest

from huimin.disclosure import services
from huimin.disclosure.models import Application

from .factories import at, citizen_data, unit_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(demo, django_user_model):
    return unit_people(django_user_model)


def test_a_second_submit_with_the_same_key_is_the_first_application(people):
    data = citizen_data(people["site"], people["unit"], intake_key="review-token-1")
    first, password = services.submit(data, now=at("2026-11-23 09:00"))
    again, second_password = services.submit(data, now=at("2026-11-23 09:00"))
    assert password and second_password == ""
    assert again.pk == first.pk and again.repeated is True
    assert Application.objects.filter(intake_key="review-token-1").count() == 1


def test_two_confirms_at_the_same_moment_store_one_application(people, monkeypatch):
    data = citizen_data(people["site"], people["unit"], intake_key="review-token-2")
    first, _ = services.submit(data, now=at("2026-11-23 09:00"))
    # The second request looked before the first had committed: it found nothing and inserts.
    looked = []
    real = services._by_intake_key

    def not_yet(key):
        looked.append(key)
        return None if len(looked) == 1 else real(key)

    monkeypatch.setattr(services, "_by_intake_key", not_yet)
    again, password = services.submit(data, now=at("2026-11-23 09:00"))
    assert (again.pk, password) == (first.pk, "")
    assert Application.objects.filter(intake_key="review-token-2").count() == 1


def test_applications_without_a_key_are_never_merged(people):
    one, _ = services.submit(citizen_data(people["site"], people["unit"]), now=at("2026-11-23 09:00"))
    two, _ = services.submit(citizen_data(people["site"], people["unit"]), now=at("2026-11-23 09:00"))
    assert one.pk != two.pk and one.intake_key == two.intake_key == ""


def test_a_given_password_opens_the_application_and_a_malformed_one_is_refused(people):
    data = citizen_data(people["site"], people["unit"])
    application, password = services.submit(data, now=at("2026-11-23 09:00"), password="261102")
    assert password == "261102"
    assert services.check_query(application.query_code, "261102").pk == application.pk
    with pytest.raises(ValueError, match="6位数字"):
        services.submit(
            citizen_data(people["site"], people["unit"]), now=at("2026-11-23 09:00"), password="12ab"
        )
