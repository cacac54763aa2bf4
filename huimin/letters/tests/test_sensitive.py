"""A letter with a sensitive word is received and flagged for review; it is never dropped."""

import pytest
from django.test import override_settings
from wagtail.models import Site

from huimin.letters import sensitive, services
from huimin.letters.enums import Kind, State
from huimin.letters.services import LetterData

pytestmark = pytest.mark.django_db


def _letter(content: str):
    data = LetterData(
        site=Site.objects.get(hostname="127.0.0.1"), kind=Kind.OTHER, title="反映情况", content=content,
        contact_name="某某", contact_phone="13800000000",
    )  # fmt: skip
    return services.submit_letter(data)[0]


def test_a_sensitive_word_flags_the_letter_for_review_and_keeps_it(demo, client, django_user_model):
    flagged = _letter("有人在小区里搞传销，请查处。")
    plain = _letter("小区路灯坏了。")
    assert flagged.flagged and flagged.state == State.SUBMITTED
    assert not plain.flagged
    admin = django_user_model.objects.create_superuser("word-reviewer", password="not-used-here")
    client.force_login(admin)
    board = client.get("/admin/letters/?view=board", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert "含敏感词，请先审看" in board


def test_matching_ignores_width_and_case(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("# comment\nABC赌\n", encoding="utf-8")
    with override_settings(HUIMIN_SENSITIVE_WORDS_FILE=str(words)):
        assert sensitive.found_in("这里有ａｂｃ赌局") == ["abc赌"]
        assert sensitive.found_in("正常内容") == []
