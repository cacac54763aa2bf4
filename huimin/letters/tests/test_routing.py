"""Routing suggestions from the rules table: shown on the board and the letter, used for bulk dispatch,
never dispatching by themselves."""

import pytest

from huimin.letters import routing, services
from huimin.letters.enums import Kind, State
from huimin.letters.models import Letter, RoutingRule
from huimin.letters.services import LetterData
from huimin.letters.tests.test_admin import BOARD, _client, staff  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _letter(staff, title, kind=Kind.COMPLAINT, chosen=None, content="请处理。"):  # noqa: F811
    data = LetterData(
        site=staff["site"], kind=kind, title=title, content=content, contact_name="张三",
        contact_phone="13800000000", chosen_unit=chosen,
    )  # fmt: skip
    return services.submit_letter(data)[0]


@pytest.fixture
def rules(staff):  # noqa: F811
    RoutingRule.objects.all().delete()
    rule = RoutingRule.objects.create
    return [
        rule(
            name="教育投诉", kind=Kind.COMPLAINT, keywords="学校，招生", unit=staff["education"], priority=1
        ),
        rule(name="水务", keywords="河道\n排涝, Water", unit=staff["water"], priority=2),
        rule(name="停用的", keywords="河道", unit=staff["education"], priority=0, active=False),
    ]


def test_the_first_matching_rule_by_priority_is_suggested_with_its_reason(staff, rules):  # noqa: F811
    letter = _letter(staff, "学校门口河道脏乱")
    suggestion = routing.suggest(letter, routing.active_rules())
    assert suggestion.unit_id == staff["education"].pk and suggestion.reason == "规则“教育投诉”（含“学校”）"
    consult = _letter(staff, "学校门口河道脏乱", kind=Kind.CONSULT)  # the first rule is for complaints only
    assert routing.suggest(consult, routing.active_rules()).unit_id == staff["water"].pk


def test_keywords_match_in_the_content_and_ignore_latin_case(staff, rules):  # noqa: F811
    letter = _letter(staff, "反映问题", content="WATER supply is cut")
    assert routing.suggest(letter, routing.active_rules()).unit_id == staff["water"].pk


def test_without_a_rule_the_unit_the_citizen_chose_is_suggested(staff, rules):  # noqa: F811
    letter = _letter(staff, "路灯不亮", chosen=staff["education"])
    suggestion = routing.suggest(letter, routing.active_rules())
    assert suggestion.unit_id == staff["education"].pk and suggestion.reason == "留言人选择的留言对象"
    assert routing.suggest(_letter(staff, "路灯不亮"), routing.active_rules()) is None


def test_a_returned_letter_is_not_suggested_back_to_the_unit_that_returned_it(staff, rules):  # noqa: F811
    letter = _letter(staff, "河道垃圾", chosen=staff["water"])
    services.dispatch(letter, staff["water"], actor=staff["dispatcher"])
    services.return_letter(letter, "不属于本单位。", actor=staff["water-handler"])
    letter.refresh_from_db()
    assert routing.suggest(letter, routing.active_rules()) is None


def test_the_board_shows_suggestions_and_dispatches_each_to_its_own(client, staff, rules):  # noqa: F811
    school, river, lamp = _letter(staff, "学校收费"), _letter(staff, "河道垃圾"), _letter(staff, "路灯不亮")
    board = _client(client, staff["dispatcher"]).get(BOARD).content.decode()
    assert "建议：宿迁市教育局（规则“教育投诉”（含“学校”））" in board and "建议：宿迁市水利局" in board
    response = client.post(
        BOARD, {"letters": [school.pk, river.pk, lamp.pk], "by_suggestion": "1"}, follow=True
    )
    text = response.content.decode()
    assert "已将 2 条留言分办至各自的建议承办单位" in text and "没有分办建议，请选择承办单位" in text
    units = dict(Letter.objects.filter(pk__in=[school.pk, river.pk, lamp.pk]).values_list("pk", "unit"))
    assert units == {school.pk: staff["education"].pk, river.pk: staff["water"].pk, lamp.pk: None}
    assert Letter.objects.get(pk=lamp.pk).state == State.SUBMITTED


def test_the_letter_page_preselects_the_suggested_unit(client, staff, rules):  # noqa: F811
    letter = _letter(staff, "排涝求助")
    page = _client(client, staff["dispatcher"]).get(f"/admin/letters/{letter.pk}/").content.decode()
    assert f'<option value="{staff["water"].pk}" selected>' in page and "分办建议：宿迁市水利局" in page


def test_the_rules_are_edited_in_the_admin_by_administrators_only(client, staff, rules):  # noqa: F811
    listing = _client(client, staff["dispatcher"]).get("/admin/letter-routing-rules/")
    assert listing.status_code == 200 and "教育投诉" in listing.content.decode()
    assert _client(client, staff["water-handler"]).get("/admin/letter-routing-rules/").status_code in (
        302,
        403,
    )
