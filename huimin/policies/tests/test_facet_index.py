"""The facet index answers exactly what the SQL would, and never outlives a change to the policies."""

import random
from datetime import datetime
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from wagtail.models import PageViewRestriction, Site

from huimin.policies import facet_index
from huimin.policies.enums import SortOrder
from huimin.policies.models import PolicyLibraryPage, PolicyPage
from huimin.policies.queries import PolicyFilters, library_scope, scope_prefixes, search
from huimin.policies.services import PolicyData, upsert_policy
from huimin.policies.tests.reference import filter_policies, ordered
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _combinations(scope) -> list[dict[str, str]]:
    """Every single facet value present, and pairs of them across facets."""
    singles = []
    _, facets = search(PolicyFilters())
    for name, options in facets.items():
        singles += [{name: option.value} for option in options]
    pairs = [a | b for a, b in combinations(singles, 2) if set(a) != set(b)]
    return [{}, *singles, *random.Random(7).sample(pairs, min(60, len(pairs)))]  # noqa: S311


def test_counts_and_facets_agree_with_sql_for_every_value_and_many_pairs(demo):
    scope = library_scope()
    for params in _combinations(scope):
        filters = PolicyFilters.from_params(params)
        listing, facets = search(filters)
        assert listing.count == filter_policies(scope, filters).distinct().count(), params
        for name, options in facets.items():
            sql = (
                filter_policies(scope, PolicyFilters.from_params({**params, name: option.value}))
                .distinct()
                .count()
                for option in options
            )
            assert [o.count for o in options] == list(sql), (params, name)
            assert all(o.count > 0 for o in options)


@pytest.mark.parametrize("sort", SortOrder.values)
def test_pages_come_in_the_same_order_as_sql(demo, sort):
    scope = library_scope()
    for params in ({}, {"validity": "valid"}, {"doc_kind": "通知"}):
        filters = PolicyFilters.from_params({**params, "sort": sort})
        listing, _ = search(filters)
        expected = ordered(filter_policies(scope, filters).distinct(), filters).values_list("pk", flat=True)
        expected = list(expected)
        for start in (0, 3, 20, len(expected) - 2):
            assert [p.pk for p in listing[start : start + 7]] == expected[start : start + 7], (params, start)


def test_a_site_or_a_library_sees_only_its_own_tree(demo):
    site = Site.objects.get(hostname="slj.localhost")
    own = PolicyPage.objects.live().public().descendant_of(site.root_page)
    listing, facets = search(PolicyFilters(), scope_prefixes(sites=[site]))
    assert listing.count == own.count() > 0
    library = PolicyLibraryPage.objects.descendant_of(site.root_page).get()
    assert search(PolicyFilters(), scope_prefixes(library))[0].count == own.count()
    nowhere, facets = search(PolicyFilters(), scope_prefixes(sites=[]))
    assert nowhere.count == 0 and all(options == [] for options in facets.values())


@pytest.mark.parametrize("count", [1, 63, 64, 65, 200])
def test_bit_paging_matches_a_plain_scan_across_word_boundaries(count):
    rng = random.Random(count)  # noqa: S311
    for _ in range(20):
        positions = sorted(rng.sample(range(count * 3), count))
        mask = sum(1 << p for p in positions)
        words = memoryview(mask.to_bytes(-(-(count * 3) // 64) * 8 + 8, "little")).cast("Q")
        for skip, limit in ((0, 5), (count // 2, 7), (count - 1, 5), (count + 3, 5)):
            assert facet_index._positions(words, skip, limit) == positions[skip : skip + limit]
            backwards = facet_index._positions(words, skip, limit, descending=True)
            assert backwards == positions[::-1][skip : skip + limit]


def _water_library():
    return PolicyLibraryPage.objects.in_site(Site.objects.get(hostname="slj.localhost")).get()


def _publish(number: str) -> PolicyPage:
    data = PolicyData(
        title=f"索引测试文件{number}",
        index_number=f"INDEXTEST/{number}",
        body="<p>正文</p>",
        pub_date=datetime(2031, 1, 1, 9, 0, tzinfo=SHANGHAI),
        issuer=OrgUnit.objects.get(name="宿迁市水利局"),
    )
    return upsert_policy(_water_library(), data)[0]


def _newest_pks(n: int = 3, **params) -> list[int]:
    listing, _ = search(PolicyFilters.from_params(params))
    return [p.pk for p in listing[:n]]


def test_publishing_unpublishing_and_deleting_show_at_once(demo):
    before = search(PolicyFilters())[0].count
    page = _publish("1")
    assert _newest_pks()[0] == page.pk and search(PolicyFilters())[0].count == before + 1
    page.unpublish()
    assert page.pk not in _newest_pks()
    page.save_revision().publish()
    assert page.pk in _newest_pks()
    page.delete()
    assert page.pk not in _newest_pks() and search(PolicyFilters())[0].count == before


def test_a_view_restriction_or_a_move_changes_the_lists(demo):
    page = _publish("2")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert page.pk not in _newest_pks()
    restriction.delete()
    assert page.pk in _newest_pks()
    water = scope_prefixes(_water_library())
    portal_library = PolicyLibraryPage.objects.get(aggregate_group=True)
    assert page.pk in [p.pk for p in search(PolicyFilters(), water)[0][:1]]
    page.move(portal_library, pos="last-child")
    assert page.pk not in [p.pk for p in search(PolicyFilters(), water)[0][:5]]
    assert page.pk in [p.pk for p in search(PolicyFilters(), scope_prefixes(portal_library))[0][:1]]


def test_an_index_built_inside_a_rolled_back_change_is_not_trusted(demo):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        page = _publish("3")
        assert _newest_pks()[0] == page.pk  # this process's index now holds the page
        raise Rollback
    assert not PolicyPage.objects.filter(pk=page.pk).exists()
    assert page.pk not in _newest_pks()
    assert facet_index.current().token == facet_index.stored_token()


@pytest.mark.parametrize("distinct", [3, 255, 300])
def test_column_bitsets_match_a_plain_scan_whatever_the_number_of_values(distinct):
    rng = random.Random(distinct)  # noqa: S311
    column = [rng.choice([*range(distinct), None, ""]) for _ in range(2000)]
    bits = facet_index._column_bits(column, 250)
    expected = {str(v) for v in column if v not in (None, "")}
    assert set(bits) == expected
    for value, mask in bits.items():
        assert mask == sum(1 << i for i, v in enumerate(column) if str(v) == value and v not in (None, ""))
