"""Admin viewsets whose writes go through a service offer no "copy": Wagtail's copy view saves through its
own generic create view, which would skip the service (its checks, its audit entry)."""

import pytest
from django.urls import NoReverseMatch, reverse

SERVICE_BACKED = [
    "calendars",  # workdays: services.save_calendar
    "calendar-days",  # workdays: services.save_day
    "memberships",  # sites: services.assign_role
    "wagtailsnippets_huimin_opendata_datachart",  # opendata: chart services
    "search-words",  # search: services.add_word
    "search-synonyms",  # search: services.save_synonym_group
]


@pytest.mark.parametrize("namespace", SERVICE_BACKED)
def test_a_service_backed_viewset_has_no_copy_view_but_keeps_its_add_view(namespace):
    assert reverse(f"{namespace}:add")
    with pytest.raises(NoReverseMatch):
        reverse(f"{namespace}:copy", args=[1])
