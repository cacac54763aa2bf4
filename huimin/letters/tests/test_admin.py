"""Staff work in the admin: the dispatcher's board with bulk dispatch, a unit's inbox, one letter's actions;
and a unit that tries another unit's letters gets nothing."""

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import Site

from huimin.letters import services
from huimin.letters.enums import Kind, State
from huimin.letters.models import Letter
from huimin.letters.services import LetterData
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.sites.services import assign_role

pytestmark = pytest.mark.django_db
BOARD = "/admin/letters/?view=board"
INBOX = "/admin/letters/?view=inbox"


@pytest.fixture
def staff(demo, django_user_model):
    portal = Site.objects.get(hostname="127.0.0.1")
    water = OrgUnit.objects.get(name="宿迁市水利局")
    education = OrgUnit.objects.get(name="宿迁市教育局")
    dispatcher = django_user_model.objects.create_superuser("board-keeper", password="not-used-here")
    people = {"dispatcher": dispatcher, "site": portal, "water": water, "education": education}
    for name, unit, role in (
        ("water-handler", water, Role.MESSAGE_HANDLER),
        ("water-leader", water, Role.UNIT_LEADER),
        ("education-handler", education, Role.MESSAGE_HANDLER),
    ):
        user = django_user_model.objects.create_user(name, password="not-used-here")
        assign_role(user, role=role, org_unit=unit, site=portal)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        people[name] = user
    return people


def _client(client, user):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


def _letter(staff, title="河道垃圾", kind=Kind.COMPLAINT) -> Letter:
    data = LetterData(
        site=staff["site"], kind=kind, title=title, content="请清理。", contact_name="张三",
        contact_phone="13800000000", may_publish=True,
    )  # fmt: skip
    return services.submit_letter(data)[0]


def test_the_dispatcher_sees_new_letters_and_dispatches_them_in_bulk(client, staff):
    letters = [_letter(staff, title=f"河道垃圾{i}") for i in range(3)]
    board = _client(client, staff["dispatcher"]).get(BOARD).content.decode()
    assert all(letter.title in board for letter in letters)
    response = client.post(
        BOARD, {"letters": [letters[0].pk, letters[1].pk], "unit": staff["water"].pk}, follow=True
    )
    assert "已将 2 条留言分办至宿迁市水利局" in response.content.decode()
    states = dict(Letter.objects.filter(pk__in=[x.pk for x in letters]).values_list("pk", "state"))
    assert [states[x.pk] for x in letters] == [State.DISPATCHED, State.DISPATCHED, State.SUBMITTED]


def test_a_unit_works_a_letter_from_its_inbox(client, staff):
    letter = _letter(staff)
    services.dispatch(letter, staff["water"], actor=staff["dispatcher"])
    handler = _client(client, staff["water-handler"])
    assert letter.title in handler.get(INBOX).content.decode()
    url = f"/admin/letters/{letter.pk}/"
    assert handler.post(url, {"action": "accept"}).status_code == 302
    empty = handler.post(url, {"action": "reply", "text": "  "})
    assert empty.status_code == 400 and "请填写答复内容" in empty.content.decode()
    handler.post(url, {"action": "reply", "text": "已安排清理。"})
    letter.refresh_from_db()
    assert letter.state == State.REPLIED and letter.reply == "已安排清理。"
    leader = _client(client, staff["water-leader"])
    leader.post(url, {"action": "approve", "publish": "on"})
    letter.refresh_from_db()
    assert letter.state == State.PUBLISHED


def test_another_unit_cannot_see_or_touch_any_of_the_units_letters(client, staff):
    letters = [_letter(staff, title=f"水利留言{i}") for i in range(4)]
    for letter in letters[:3]:
        services.dispatch(letter, staff["water"], actor=staff["dispatcher"])
    services.accept(letters[1], actor=staff["water-handler"])
    stranger = _client(client, staff["education-handler"])
    assert "水利留言" not in stranger.get(INBOX).content.decode()
    assert "水利留言" not in stranger.get(BOARD).content.decode()
    for letter in Letter.objects.exclude(unit=staff["education"]):
        url = f"/admin/letters/{letter.pk}/"
        assert stranger.get(url).status_code == 404
        for action in ("accept", "reply", "return", "dispatch", "approve"):
            assert stranger.post(url, {"action": action, "text": "x", "reason": "x"}).status_code == 404
    assert [x.state for x in Letter.objects.filter(pk__in=[x.pk for x in letters]).order_by("pk")] == [
        State.DISPATCHED, State.ACCEPTED, State.DISPATCHED, State.SUBMITTED,
    ]  # fmt: skip


def test_an_unknown_action_or_a_missing_unit_is_refused(client, staff):
    letter = _letter(staff)
    dispatcher = _client(client, staff["dispatcher"])
    assert dispatcher.post(f"/admin/letters/{letter.pk}/", {"action": "delete"}).status_code == 404
    for unit in ("' OR 1=1", "9" * 40):
        refused = dispatcher.post(f"/admin/letters/{letter.pk}/", {"action": "dispatch", "unit": unit})
        assert refused.status_code == 400
    assert refused.status_code == 400 and "请选择承办单位" in refused.content.decode()
