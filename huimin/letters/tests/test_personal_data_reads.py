"""Reads of a citizen's personal data are in the audit log (docs/decisions/0013): opening a letter in the
admin and downloading its attachment each write `huimin.personal_data.read` on the letter, with who, from
where and what; a refused look writes nothing, and working a letter is logged by its own actions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from wagtail.models import ModelLogEntry

from huimin.letters import services
from huimin.letters.tests.test_admin import _client, staff  # noqa: F401  (fixture)
from huimin.letters.tests.test_attachments import png, upload

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
READ = "huimin.personal_data.read"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def letter(staff):  # noqa: F811
    data = services.LetterData(
        site=staff["site"], kind="complaint", title="井盖缺失", content="请尽快处理。", contact_name="赵六",
        contact_phone="13700000000", attachments=[upload("现场.png", png())],
    )  # fmt: skip
    found, _ = services.submit_letter(data)
    services.dispatch(found, staff["water"], actor=staff["dispatcher"])
    return found


def _reads(letter):
    return ModelLogEntry.objects.filter(action=READ, object_id=str(letter.pk)).order_by("timestamp")


def test_opening_a_letter_is_recorded(client, staff, letter):  # noqa: F811
    response = _client(client, staff["water-handler"]).get(
        f"/admin/letters/{letter.pk}/", REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 200 and "赵六" in response.content.decode()
    entry = _reads(letter).get()
    assert entry.user_id == staff["water-handler"].pk
    assert entry.data == {"what": "留言详情", "address": "192.0.2.9"}
    assert entry.content_type.model == "letter"


def test_downloading_an_attachment_is_recorded(client, staff, letter):  # noqa: F811
    attachment = letter.attachments.get()
    url = f"/admin/letters/{letter.pk}/fujian/{attachment.pk}/"
    assert _client(client, staff["dispatcher"]).get(url).status_code == 200
    entry = _reads(letter).get()
    assert entry.user_id == staff["dispatcher"].pk
    assert (entry.data["what"], entry.data["attachment"]) == ("留言附件", attachment.pk)


def test_a_refused_look_writes_no_read(client, staff, letter):  # noqa: F811
    outsider = _client(client, staff["education-handler"])
    assert outsider.get(f"/admin/letters/{letter.pk}/").status_code == 404
    assert (
        outsider.get(f"/admin/letters/{letter.pk}/fujian/{letter.attachments.get().pk}/").status_code == 404
    )
    assert not _reads(letter).exists()


def test_a_failed_action_shows_the_letter_again_without_a_second_read(client, staff, letter):  # noqa: F811
    handler = _client(client, staff["water-handler"])
    handler.get(f"/admin/letters/{letter.pk}/")
    assert handler.post(f"/admin/letters/{letter.pk}/", {"action": "reply", "text": ""}).status_code == 400
    assert _reads(letter).count() == 1
