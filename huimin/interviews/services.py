"""The one door for every write of the interviews app: permission, transaction, audit."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from huimin.core import throttle

from .enums import QuestionStatus, SpeakerRole
from .models import InterviewPage, InterviewQuestion, TranscriptLine

QUESTION_BUCKET = "interview-question"
QUESTIONS_PER_IP_HOUR = 5
HOUR = timedelta(hours=1)
MAX_QUESTION = 500


class QuestionsClosed(Exception):
    """The interview no longer takes questions."""


class Throttled(Exception):
    """Too many questions from one address."""


def can_manage(user, interview: InterviewPage) -> bool:
    """Whether `user` may moderate questions and post lines: the person can edit that interview page."""
    if user is None or not user.is_authenticated:
        return False
    return interview.permissions_for_user(user).can_edit()


def _require(user, interview: InterviewPage) -> None:
    if not can_manage(user, interview):
        raise PermissionDenied("您没有管理此访谈的权限。")


def submit_question(
    interview: InterviewPage, *, name: str, phone: str, text: str, now, client_ip: str = ""
) -> InterviewQuestion:
    """A question from the public; only while the interview collects questions, within the hourly limit."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写您的问题。"})
    if len(text) > MAX_QUESTION:
        raise ValidationError({"text": f"问题不能超过 {MAX_QUESTION} 字。"})
    if not interview.accepts_questions(now):
        raise QuestionsClosed("本次访谈的问题征集已经截止。")
    with transaction.atomic():
        if not throttle.hit(QUESTION_BUCKET, client_ip, limit=QUESTIONS_PER_IP_HOUR, window=HOUR, now=now):
            raise Throttled("您提交的问题过多，请一小时后再试。")
        question = InterviewQuestion.objects.create(
            interview=interview, name=name.strip(), phone=phone.strip(), text=text, submitted_at=now
        )
    return question


def moderate_question(user, question: InterviewQuestion, status: str, *, now) -> InterviewQuestion:
    if status not in QuestionStatus.values:
        raise ValidationError("未知的审核结果。")
    _require(user, question.interview)
    with transaction.atomic():
        question.status = status
        question.moderated_at = now
        question.moderated_by = user
        question.save(update_fields=["status", "moderated_at", "moderated_by"])
        log(
            instance=question.interview,
            action="huimin_interviews.moderate",
            user=user,
            data={"question": question.pk, "status": status},
        )
    return question


def post_line(
    user, interview: InterviewPage, *, role: str, speaker: str, text: str, now, question=None
) -> TranscriptLine:
    """Add a transcript line; it is public at once (no page revision)."""
    _require(user, interview)
    if role not in SpeakerRole.values:
        raise ValidationError({"role": "请选择发言身份。"})
    if not speaker.strip() or not text.strip():
        raise ValidationError("发言人和内容都须填写。")
    if question is not None and question.interview_id != interview.pk:
        raise ValidationError({"question": "只能回答本次访谈的网友提问。"})
    with transaction.atomic():
        line = TranscriptLine.objects.create(
            interview=interview,
            role=role,
            speaker=speaker.strip(),
            text=text.strip(),
            question=question,
            posted_at=now,
            posted_by=user,
        )
        log(instance=interview, action="huimin_interviews.post_line", user=user, data={"line": line.pk})
    return line


def correct_line(user, line: TranscriptLine, *, text: str) -> TranscriptLine:
    _require(user, line.interview)
    if not text.strip():
        raise ValidationError({"text": "内容不能为空。"})
    with transaction.atomic():
        old = line.text
        line.text = text.strip()
        line.save(update_fields=["text"])
        log(
            instance=line.interview,
            action="huimin_interviews.correct_line",
            user=user,
            data={"line": line.pk, "old": old, "new": line.text},
        )
    return line


def hide_line(user, line: TranscriptLine, *, hidden: bool = True) -> TranscriptLine:
    _require(user, line.interview)
    with transaction.atomic():
        line.hidden = hidden
        line.save(update_fields=["hidden"])
        log(
            instance=line.interview,
            action="huimin_interviews.hide_line",
            user=user,
            data={"line": line.pk, "hidden": hidden},
        )
    return line


def publish_page(parent, page, *, actor=None):
    """Add an interview list or an interview below `parent`, published (audit by `add_and_publish`)."""
    from huimin.core.pages import add_and_publish

    with transaction.atomic():
        return add_and_publish(parent, page, actor=actor)
