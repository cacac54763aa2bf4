"""The one door for every write of the surveys app: what the public sends (answers, comments) and what the
owning unit does (decide on comments, publish the 结果反馈, export the answers). Each checks its rule and, for
staff, the permission; runs in a transaction; and writes the audit log where staff act.

Who manages an activity: the platform administrators (superusers) and the people whose role is in the
activity's owning unit (`SurveyPage.unit`, through `huimin.sites.models.Membership`). Everyone else is told
the activity does not exist (the admin views answer 404).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from huimin.core import throttle

from .enums import NEEDS_REASON, Decision, SurveyKind, SurveyState
from .models import Comment, Feedback, Response, SurveyPage
from .questions import CONTROL_CHARACTERS, check_answers, questions_of
from .rules import rules

ANSWER_BUCKET = "survey-answer"
COMMENT_BUCKET = "survey-comment"
HOUR = timedelta(hours=1)
MAX_NAME, MAX_CONTACT, MAX_FEEDBACK, MAX_REASON = 50, 100, 20000, 2000
LOG_ACTIONS = {
    "huimin_surveys.decide": ("处理征集意见", "处理了一条征集意见"),
    "huimin_surveys.feedback": ("发布结果反馈", "发布了征集调查的结果反馈"),
    "huimin_surveys.feedback_update": ("更正结果反馈", "更正了征集调查的结果反馈"),
}


class Refused(Exception):
    """An answer or comment the activity does not take now; the message is a Chinese sentence for the page."""


class NotOpen(Refused):
    pass


class SignInRequired(Refused):
    pass


class AlreadyAnswered(Refused):
    pass


class Throttled(Refused):
    pass


def _day(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def closed_message(survey: SurveyPage, now) -> str:
    """Why the activity takes nothing at `now`, in a sentence."""
    noun = "问卷调查" if survey.is_questionnaire else "意见征集"
    if survey.state(now) == SurveyState.UPCOMING:
        return f"本次{noun}将于 {_day(survey.opens_at)} 开始，届时欢迎参与。"
    what = "答卷" if survey.is_questionnaire else "意见"
    return f"本次{noun}已于 {_day(survey.closes_at)} 截止，不再接受{what}。"


def _check_open(survey: SurveyPage, account, now) -> None:
    if not survey.accepts_answers(now):
        raise NotOpen(closed_message(survey, now))
    if survey.sign_in_required and account is None:
        raise SignInRequired("本次征集须以注册用户身份登录后参与。")


def has_answered(survey: SurveyPage, account) -> Response | None:
    if account is None:
        return None
    return Response.objects.filter(survey=survey, account=account).first()


def submit_response(survey: SurveyPage, *, answers: dict, account=None, now, client_ip: str = "") -> Response:
    """Record a questionnaire's answers: only while it is open, only signed in where it says so, once per
    account; anonymous answers are limited per address and hour. `answers` are by question key and are
    checked here again (`questions.check_answers`), so every caller gets the same rules."""
    if survey.kind != SurveyKind.QUESTIONNAIRE:
        raise Refused("这是意见征集，请在页面下方提交意见。")
    _check_open(survey, account, now)
    if has_answered(survey, account):
        raise AlreadyAnswered("您已提交过本问卷的答卷，每个账号只能提交一次。")
    kept, problems = check_answers(questions_of(survey), answers, max_text=rules().text_answer_max_length)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            if account is None and not throttle.hit(
                ANSWER_BUCKET,
                f"{survey.pk}:{client_ip}" if client_ip else "",
                limit=rules().anonymous_answers_per_address_hour,
                window=HOUR,
                now=now,
            ):
                raise Throttled("同一网络地址提交的答卷过多，请一小时后再试。")
            return Response.objects.create(survey=survey, account=account, answers=kept, submitted_at=now)
    except IntegrityError:  # the same account's second answer, sent at the same moment
        raise AlreadyAnswered("您已提交过本问卷的答卷，每个账号只能提交一次。") from None


def _text(value: str, field: str, limit: int, *, required: bool = False, label: str = "") -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: CONTROL_CHARACTERS})
    if required and not value:
        raise ValidationError({field: f"请填写{label}。"})
    if len(value) > limit:
        raise ValidationError({field: f"{label}最多 {limit} 个字（现在 {len(value)} 字）。"})
    return value


def submit_comment(
    survey: SurveyPage,
    *,
    text: str,
    name: str = "",
    contact: str = "",
    account=None,
    now,
    client_ip: str = "",
) -> Comment:
    """Record a comment on a consultation's draft while it is open; limited per address (anonymous) or per
    account and hour."""
    if survey.kind != SurveyKind.CONSULTATION:
        raise Refused("这是问卷调查，请填写问卷。")
    _check_open(survey, account, now)
    text = _text(text, "text", rules().comment_max_length, required=True, label="您的意见")
    name = _text(name, "name", MAX_NAME, label="称呼")
    contact = _text(contact, "contact", MAX_CONTACT, label="联系方式")
    if account is not None:
        bucket, key, limit = COMMENT_BUCKET, f"account:{account.pk}", rules().comments_per_account_hour
    else:
        bucket, key = COMMENT_BUCKET, f"{survey.pk}:{client_ip}" if client_ip else ""
        limit = rules().comments_per_address_hour
    with transaction.atomic():
        if not throttle.hit(bucket, key, limit=limit, window=HOUR, now=now):
            raise Throttled("提交的意见过多，请一小时后再试。")
        return Comment.objects.create(
            survey=survey, account=account, name=name, contact=contact, text=text, submitted_at=now
        )


# --- the owning unit -------------------------------------------------------------------------------------


def can_manage(user, survey: SurveyPage) -> bool:
    """Whether `user` manages the activity: a platform administrator, or a role in its owning unit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    from huimin.sites.models import Membership

    return Membership.objects.filter(user=user, org_unit_id=survey.unit_id).exists()


def _require(user, survey: SurveyPage) -> None:
    """`user` None is the system (the demo builder, commands); a person must manage the activity."""
    if user is not None and not can_manage(user, survey):
        raise PermissionDenied("您没有管理此征集调查的权限。")


def decide_comment(
    user, comment: Comment, *, decision: str, reason: str = "", public_text: str = "", now
) -> Comment:
    """The owning unit's decision on a comment: adopted, partly adopted (with the reason) or not adopted (with
    the reason); `public_text` replaces the comment's words in the public feedback (to leave out personal
    details)."""
    _require(user, comment.survey)
    if decision not in Decision.values or decision == Decision.PENDING:
        raise ValidationError({"decision": "请选择处理结果。"})
    reason = _text(reason, "reason", MAX_REASON, label="理由")
    public_text = _text(public_text, "public_text", rules().comment_max_length, label="公开的意见摘要")
    if decision in NEEDS_REASON and not reason:
        raise ValidationError({"reason": "部分采纳或未采纳的意见须说明理由。"})
    with transaction.atomic():
        comment.decision, comment.reason, comment.public_text = decision, reason, public_text
        comment.decided_at, comment.decided_by = now, user
        comment.save(update_fields=["decision", "reason", "public_text", "decided_at", "decided_by"])
        log(
            instance=comment.survey,
            action="huimin_surveys.decide",
            user=user,
            data={"comment": comment.pk, "decision": decision},
        )
    return comment


def publish_feedback(user, survey: SurveyPage, *, text: str, show_statistics: bool = True, now) -> Feedback:
    """Publish (or correct) the activity's 结果反馈, after it has closed. A consultation's comments must all
    be decided first. The first publication time stays: the one-month rule judges it."""
    _require(user, survey)
    if now < survey.closes_at:
        raise ValidationError("征集尚未结束，结束后才能发布结果反馈。")
    text = _text(text, "text", MAX_FEEDBACK, required=True, label="结果反馈")
    pending = survey.comments.filter(decision=Decision.PENDING).count()
    if pending:
        raise ValidationError(f"还有 {pending} 条意见未处理，请先逐条处理（采纳或说明不采纳的理由）。")
    with transaction.atomic():
        feedback = Feedback.objects.select_for_update().filter(survey=survey).first()
        if feedback is None:
            feedback = Feedback.objects.create(
                survey=survey,
                text=text,
                show_statistics=show_statistics,
                published_at=now,
                updated_at=now,
                published_by=user,
            )
            action = "huimin_surveys.feedback"
        else:
            feedback.text, feedback.show_statistics, feedback.updated_at = text, show_statistics, now
            feedback.save(update_fields=["text", "show_statistics", "updated_at"])
            action = "huimin_surveys.feedback_update"
        log(instance=survey, action=action, user=user, data={"feedback": feedback.pk})
    survey.feedback = feedback
    return feedback


def export_workbook(user, survey: SurveyPage) -> tuple[bytes, int]:
    """The activity's answers (or comments) as an XLSX file, and how many records it holds; only for those who
    manage it. The caller records the export in the audit log (`huimin.core.audit.record_export`)."""
    if not can_manage(user, survey):
        raise PermissionDenied("您没有导出此征集调查的权限。")
    from .exports import workbook

    return workbook(survey)


def publish_page(parent, page: SurveyPage, *, actor=None) -> SurveyPage:
    """Add an activity below its 征集调查 column, published (audit by `add_and_publish`)."""
    from huimin.core.pages import add_and_publish

    with transaction.atomic():
        return add_and_publish(parent, page, actor=actor)


# --- personal data (我的数据) ------------------------------------------------------------------------


def erase_account(account) -> str:
    """Detach the account's answers and comments: they stay, anonymous, part of the activities' results
    (what the public was told and the units decided on); the name and contact given with a comment go."""
    with transaction.atomic():
        answers = Response.objects.filter(account=account).update(account=None)
        comments = Comment.objects.filter(account=account).update(account=None, name="", contact="")
    if not answers and not comments:
        return ""
    return (
        f"您参与征集调查的 {answers} 份答卷和 {comments} 条意见已与账号解除关联，"
        "以匿名形式保留在调查结果中（称呼和联系方式已删除）。"
    )
