"""Who sees which orders, what each person may do, what waits for them, the list's filters and order, the
levels in SQL against the levels in Python, and the platform team's board."""

from __future__ import annotations

from datetime import timedelta

import pytest

from huimin.workorders import deadlines, queries, services
from huimin.workorders.enums import Assignee, Level, State
from huimin.workorders.models import WorkOrder
from huimin.workorders.tests.factories import NOW, accepted, at, dispatched, fixed, submitted, world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return world()


@pytest.fixture
def orders(people):
    """One order of each site: 甲's dispatched to the vendor, 乙's only submitted."""
    return {
        "jia": dispatched(people, to_vendor=True),
        "yi": submitted(people, site=people.other_site, actor=people.stranger),
    }


def _seen(user) -> set[int]:
    return set(queries.visible_orders(user).values_list("pk", flat=True))


def test_each_person_sees_only_the_orders_of_their_scope(people, orders):
    jia, yi = orders["jia"].pk, orders["yi"].pk
    for who in ("requester", "colleague", "leader", "site_admin", "vendor"):
        assert _seen(getattr(people, who)) == {jia}, who
    for who in ("stranger", "other_admin"):
        assert _seen(getattr(people, who)) == {yi}, who
    assert {jia, yi} <= _seen(people.platform)
    for who in ("nobody", "idle_vendor"):
        assert _seen(getattr(people, who)) == set(), who


def test_an_assignee_loses_sight_of_an_order_dispatched_to_someone_else(people, orders):
    services.dispatch(
        orders["jia"], people.platform, assignee_kind=Assignee.PLATFORM, assignee=people.platform2, now=NOW
    )
    assert _seen(people.vendor) == set()
    assert orders["jia"].pk in _seen(people.platform2)


def test_who_uses_the_screens(people):
    for who in ("requester", "site_admin", "stranger", "vendor", "platform"):
        assert queries.uses_workorders(getattr(people, who)), who
    for who in ("nobody", "idle_vendor"):
        assert not queries.uses_workorders(getattr(people, who)), who


def test_the_sites_a_person_may_submit_for(people):
    assert list(queries.submit_sites(people.requester)) == [people.site]
    assert list(queries.submit_sites(people.stranger)) == [people.other_site]
    assert not queries.submit_sites(people.vendor).exists()
    assert {people.site, people.other_site} <= set(queries.submit_sites(people.platform))


def test_the_screens_offer_only_the_allowed_steps(people):
    order = submitted(people)
    # The site's administrator is also of the requester's unit here: they may withdraw it as well.
    assert queries.available_actions(people.site_admin, order) == ["accept", "return", "merge", "withdraw"]
    assert queries.available_actions(people.requester, order) == ["withdraw"]
    assert queries.available_actions(people.stranger, order) == []
    order = services.accept(order, people.site_admin, now=NOW)
    assert queries.available_actions(people.platform, order) == ["merge", "dispatch", "attach"]
    assert queries.available_actions(people.site_admin, order) == ["merge", "withdraw"]
    order = services.dispatch(
        order, people.platform, assignee_kind=Assignee.VENDOR, assignee=people.vendor, now=NOW
    )
    assert queries.available_actions(people.vendor, order) == ["start", "fix", "attach_fix"]
    assert queries.available_actions(people.requester, order) == ["attach"]
    order = services.fix(order, people.vendor, note="已处理", now=NOW)
    assert queries.available_actions(people.requester, order) == ["confirm", "reopen", "attach"]
    assert queries.available_actions(people.vendor, order) == ["attach_fix"]
    order = services.confirm(order, people.requester, now=NOW)
    for who in ("requester", "site_admin", "platform", "vendor"):
        assert queries.available_actions(getattr(people, who), order) == [], who


def test_what_waits_for_each_person(people):
    waiting = submitted(people)
    ready = accepted(people)
    handling = dispatched(people, to_vendor=True)
    done = fixed(people)
    returned = services.return_order(submitted(people), people.site_admin, reason="请补充", now=NOW)

    def awaiting(user):
        return set(WorkOrder.objects.filter(queries.awaiting_q(user)).values_list("pk", flat=True))

    assert awaiting(people.site_admin) >= {waiting.pk, done.pk, returned.pk}  # also of their own unit
    assert ready.pk not in awaiting(people.site_admin)
    assert awaiting(people.requester) == {done.pk, returned.pk}
    assert awaiting(people.colleague) == {done.pk, returned.pk}
    assert awaiting(people.vendor) == {handling.pk}
    assert {waiting.pk, ready.pk} <= awaiting(people.platform)
    assert awaiting(people.stranger) == set() and awaiting(people.other_admin) == set()


def test_levels_in_sql_agree_with_the_levels_in_python(people):
    made = [submitted(people, priority=p) for p in ("urgent", "high", "normal", "low")]
    made.append(fixed(people))
    ids = [order.pk for order in made]
    for moment in (
        NOW,
        at("2030-03-04 11:50"),
        at("2030-03-04 15:00"),
        at("2030-03-05 16:30"),
        at("2030-03-20 09:00"),
    ):
        for level in Level:
            in_sql = set(
                WorkOrder.objects.filter(pk__in=ids)
                .filter(queries.level_q(level, moment))
                .values_list("pk", flat=True)
            )
            in_python = {
                order.pk
                for order in WorkOrder.objects.filter(pk__in=ids)
                if deadlines.level(order, moment) == level
            }
            assert in_sql == in_python, (moment, level)


def _listed(user, now=NOW, **params) -> list[int]:
    return [order.pk for order in queries.listing(user, queries.Filters.from_query(params), now)]


def test_the_list_filters(people):
    urgent = submitted(people, priority="urgent", title="首页栏目打不开", kind=people.fault)
    normal = submitted(people, title="通知公告错别字")
    closed = services.withdraw(submitted(people, title="不需要了"), people.requester, reason="重复", now=NOW)
    later = at("2030-03-04 15:00")  # the urgent fault (2 h) is overdue, the correction (14 h) is not
    assert _listed(people.requester, later, level="overdue") == [urgent.pk]
    assert _listed(people.requester, later, level="normal") == [normal.pk, closed.pk]
    assert _listed(people.requester, state="withdrawn") == [closed.pk]
    assert _listed(people.requester, state="open") == [urgent.pk, normal.pk]
    assert _listed(people.requester, kind="fault") == [urgent.pk]
    assert _listed(people.requester, q="错别字") == [normal.pk]
    assert _listed(people.requester, q=normal.number.lower()) == [normal.pk]
    assert _listed(people.requester, site=str(people.site.pk), unit=str(people.unit.pk)) == _listed(
        people.requester
    )
    assert _listed(people.requester, site=str(people.other_site.pk)) == []
    assert _listed(people.site_admin, todo="1") == [urgent.pk, normal.pk]


def test_the_list_puts_open_orders_first_and_the_soonest_due_first(people):
    low = submitted(people, priority="low")
    urgent = submitted(people, priority="urgent", now=NOW + timedelta(minutes=5))
    closed = services.withdraw(submitted(people, priority="urgent"), people.requester, reason="重复", now=NOW)
    assert _listed(people.requester) == [urgent.pk, low.pk, closed.pk]


@pytest.mark.parametrize(
    "params",
    [
        {
            "state": "'; DROP TABLE x; --",
            "level": "<script>",
            "kind": "a' OR 1=1",
            "site": "1 OR 1",
            "unit": "-1",
        },
        {"q": "\x00" * 10 + "<b>错</b>" + "x" * 500, "site": "9" * 40, "todo": "yes"},
    ],
)
def test_hostile_filters_are_ignored_or_kept_as_plain_text(people, params):
    order = submitted(people)
    filters = queries.Filters.from_query(params)
    assert filters.state == "" and filters.level == "" and filters.site is None and filters.unit is None
    assert "\x00" not in filters.q and len(filters.q) <= queries.SEARCH_LIMIT
    assert not filters.todo
    listed = [o.pk for o in queries.listing(people.requester, filters, NOW)]
    assert listed in ([order.pk], [])


def test_the_board_counts_every_open_order_by_level(people):
    late = submitted(people, priority="urgent")
    near = submitted(people, priority="high", now=at("2030-03-04 09:00"))  # 7 h: warning after 5.6 h
    calm = submitted(people, priority="low")
    moment = at(
        "2030-03-04 16:40"
    )  # urgent: due 12:00 → overdue; high: 80 % of 7 h after 9:00 = 16:36 → warning
    board = queries.board(moment)
    overdue = [row.order.pk for row in board.overdue]
    warning = [row.order.pk for row in board.warning]
    assert late.pk in overdue and near.pk in warning and calm.pk not in overdue + warning
    assert board.counts[Level.OVERDUE] >= 1 and board.counts[Level.WARNING] >= 1
    assert dict(board.states)[State.SUBMITTED] >= 3
    row = next(row for row in board.overdue if row.order.pk == late.pk)
    assert row.left_label.startswith("已超期 ") and row.level == Level.OVERDUE
    unit_row = next(unit for unit in board.units if unit[0] == people.unit.name)
    assert unit_row[1] >= 1 and unit_row[3] >= 3


def test_rows_say_the_working_time_left_in_words(people):
    order = submitted(people)  # due Wednesday 10:00
    (row,) = queries.rows([order], NOW)
    assert row.running and row.left_label == "剩余 2 个工作日"
    (row,) = queries.rows([order], at("2030-03-06 09:30"))
    assert row.left_label == "剩余 30 分钟"
    (row,) = queries.rows([order], at("2030-03-06 14:30"))
    assert row.left_label == "已超期 2.5 小时" and row.level == Level.OVERDUE
    (row,) = queries.rows([fixed(people)], NOW)
    assert not row.running and row.left_label == ""
