"""Online interviews: state by time, the public question form, moderation and transcript permissions, the
polling sub-path, and the demo."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.core import human_check
from huimin.demo.interviews import PAST_SLUG, UPCOMING_SLUG, build_interview_demo
from huimin.interviews import services
from huimin.interviews.enums import InterviewState, QuestionStatus, SpeakerRole
from huimin.interviews.models import InterviewPage, InterviewQuestion, TranscriptLine

pytestmark = pytest.mark.django_db
JYJ = "jyj.localhost:8000"
PAST = f"/zxft/{PAST_SLUG}/"
UPCOMING = f"/zxft/{UPCOMING_SLUG}/"
XSS = "<script>alert(1)</script>"


def solved() -> dict:
    question = human_check.new_question()
    return {human_check.FIELD_TOKEN: question.token, human_check.FIELD_ANSWER: str(question.answer)}


@pytest.fixture(autouse=True)
def at_demo_time(demo, client):
    client.defaults["HTTP_HOST"] = JYJ
    with time_machine.travel(DEMO_NOW, tick=False):
        yield


def interview(slug) -> InterviewPage:
    return InterviewPage.objects.get(slug=slug)


def user(username):
    return get_user_model().objects.get(username=username)


def ask(client, **changes):
    return client.post(
        UPCOMING,
        {"name": "李四", "phone": "13811112222", "text": "课后服务几点结束？", **solved(), **changes},
    )


def test_the_state_follows_the_time_given():
    page = interview(UPCOMING_SLUG)
    assert page.state(page.start_at - timedelta(seconds=1)) == InterviewState.UPCOMING
    assert page.state(page.start_at) == InterviewState.LIVE
    assert page.state(page.end_at - timedelta(seconds=1)) == InterviewState.LIVE
    assert page.state(page.end_at) == InterviewState.ENDED
    assert page.accepts_questions(page.questions_close_at - timedelta(seconds=1))
    assert not page.accepts_questions(page.questions_close_at)


def test_a_valid_question_is_stored_pending_and_the_visitor_is_redirected_to_thanks(client):
    response = ask(client)
    assert response.status_code == 302 and response["Location"].endswith("thanks/#question-sent")
    question = InterviewQuestion.objects.get(text="课后服务几点结束？")
    assert question.status == QuestionStatus.PENDING and question.phone == "13811112222"
    thanks = client.get(response["Location"].split("#")[0])
    assert "提问已提交" in thanks.content.decode()


def test_a_question_without_text_comes_back_with_a_chinese_error_and_nothing_lost(client):
    response = ask(client, text="", name="保留的称呼")
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写您的问题" in body and "保留的称呼" in body and 'id="error-summary"' in body


def test_a_wrong_human_check_answer_is_refused(client):
    response = ask(client, **{human_check.FIELD_ANSWER: "9999"})
    assert response.status_code == 400 and "验证问题回答不正确" in response.content.decode()
    assert not InterviewQuestion.objects.filter(text="课后服务几点结束？").exists()


def test_a_600_character_question_is_refused(client):
    response = ask(client, text="问" * 600)
    assert response.status_code == 400 and "不能超过 500 字" in response.content.decode()
    assert not InterviewQuestion.objects.filter(text="问" * 600).exists()


def test_selected_questions_are_escaped_and_their_phone_is_never_shown(client):
    page = interview(UPCOMING_SLUG)
    question = services.submit_question(page, name=XSS, phone="13955556666", text=XSS, now=DEMO_NOW)
    services.moderate_question(user("admin"), question, QuestionStatus.SELECTED, now=DEMO_NOW)
    body = client.get(UPCOMING).content.decode()
    assert XSS not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "13955556666" not in body
    assert "13900000002" not in body  # the demo's selected question with a phone


def test_declined_questions_are_never_shown(client):
    body = client.get(PAST).content.decode()
    declined = InterviewQuestion.objects.get(interview__slug=PAST_SLUG, status=QuestionStatus.DECLINED)
    assert declined.text not in body


def test_questions_are_refused_after_collection_closes(client):
    page = interview(UPCOMING_SLUG)
    with time_machine.travel(page.questions_close_at, tick=False):
        response = ask(client)
    assert response.status_code == 400 and "征集已经截止" in response.content.decode()
    with pytest.raises(services.QuestionsClosed):
        services.submit_question(page, name="", phone="", text="开始后还能问吗？", now=page.start_at)


def test_questions_from_one_address_are_throttled():
    page = interview(UPCOMING_SLUG)
    for i in range(services.QUESTIONS_PER_IP_HOUR):
        services.submit_question(page, name="", phone="", text=f"问题{i}", now=DEMO_NOW, client_ip="10.0.0.9")
    with pytest.raises(services.Throttled):
        services.submit_question(page, name="", phone="", text="再问一个", now=DEMO_NOW, client_ip="10.0.0.9")


def test_another_departments_staff_cannot_moderate_or_post_lines():
    page = interview(UPCOMING_SLUG)
    question = page.questions.filter(status=QuestionStatus.PENDING).first()
    outsider = user("slj-editor")
    with pytest.raises(PermissionDenied):
        services.moderate_question(outsider, question, QuestionStatus.SELECTED, now=DEMO_NOW)
    with pytest.raises(PermissionDenied):
        services.post_line(outsider, page, role=SpeakerRole.HOST, speaker="x", text="y", now=DEMO_NOW)
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING and not page.transcript.exists()


def test_the_host_units_editor_posts_lines_shown_in_order_and_hidden_lines_disappear(client):
    page = interview(UPCOMING_SLUG)
    editor = user("jyj-editor")
    first = services.post_line(
        editor, page, role=SpeakerRole.HOST, speaker="主持人", text="第一句", now=DEMO_NOW
    )
    services.post_line(editor, page, role=SpeakerRole.GUEST, speaker="张明", text="第二句", now=DEMO_NOW)
    third = services.post_line(
        editor, page, role=SpeakerRole.GUEST, speaker="张明", text="第三句", now=DEMO_NOW
    )
    services.hide_line(editor, third)
    body = client.get(UPCOMING).content.decode()
    assert body.index("第一句") < body.index("第二句") and "第三句" not in body
    assert first.posted_by == editor


def test_the_transcript_sub_path_returns_only_lines_after_the_given_id():
    page = interview(PAST_SLUG)
    lines = list(page.transcript.order_by("pk"))
    from django.test import Client

    client = Client(HTTP_HOST=JYJ)
    data = client.get(f"{PAST}transcript/?after={lines[-3].pk}").json()
    assert data["count"] == 2 and data["last"] == lines[-1].pk
    assert f'id="line-{lines[-2].pk}"' in data["html"] and f'id="line-{lines[-1].pk}"' in data["html"]
    assert f'id="line-{lines[-3].pk}"' not in data["html"]


@pytest.mark.parametrize("after", ["abc", "-5", "1 OR 1=1", "", "<script>"])
def test_the_transcript_sub_path_ignores_a_hostile_after(client, after):
    response = client.get(f"{PAST}transcript/", {"after": after})
    assert response.status_code == 200
    assert (
        response.json()["count"]
        == TranscriptLine.objects.filter(interview__slug=PAST_SLUG, hidden=False).count()
    )


def test_the_demo_has_a_finished_interview_with_transcript_and_answers_and_an_upcoming_one():
    past, upcoming = interview(PAST_SLUG), interview(UPCOMING_SLUG)
    assert (
        past.state(DEMO_NOW) == InterviewState.ENDED and upcoming.state(DEMO_NOW) == InterviewState.UPCOMING
    )
    assert 8 <= past.transcript.count() <= 15 and past.transcript.exclude(question=None).exists()
    assert upcoming.questions.filter(status=QuestionStatus.PENDING).count() >= 2
    assert upcoming.questions.filter(status=QuestionStatus.SELECTED).count() == 1
    assert Site.objects.get(hostname="127.0.0.1").root_page.get_children().filter(slug="zxft").exists()


def test_the_demo_builder_adds_nothing_on_a_second_run():
    from huimin.demo.builder import load_spec

    admin = user("admin")
    counts = (
        InterviewPage.objects.count(),
        InterviewQuestion.objects.count(),
        TranscriptLine.objects.count(),
    )
    assert build_interview_demo(load_spec(), DEMO_NOW, admin) == 0
    assert (
        InterviewPage.objects.count(),
        InterviewQuestion.objects.count(),
        TranscriptLine.objects.count(),
    ) == counts


def test_the_live_desk_posts_a_line_at_once_and_another_units_editor_gets_404(client):
    page = interview(PAST_SLUG)
    desk = f"/admin/interviews/{page.pk}/"
    client.force_login(user("slj-editor"))
    assert client.get(desk).status_code == 404
    client.force_login(user("jyj-editor"))
    assert "文字直播" in client.get(desk).content.decode()
    response = client.post(
        desk, {"action": "post_line", "role": "host", "speaker": "主持人", "text": "补充说明"}
    )
    assert response.status_code == 302
    line = page.transcript.order_by("-pk").first()
    assert line.text == "补充说明" and line.posted_by == user("jyj-editor")
    client.post(desk, {"action": "hide", "line": line.pk})
    line.refresh_from_db()
    assert line.hidden
