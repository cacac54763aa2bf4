"""Choices and named groups of the surveys app (征集调查)."""

from django.db import models


class SurveyKind(models.TextChoices):
    QUESTIONNAIRE = "questionnaire", "问卷调查"
    CONSULTATION = "consultation", "意见征集"


class SurveyState(models.TextChoices):
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"
    ANSWERED = "answered", "已反馈"


# The states in which the activity has ended (the rule's "结束后").
ENDED_STATES = (SurveyState.CLOSED, SurveyState.ANSWERED)


class QuestionKind(models.TextChoices):
    SINGLE = "single_choice", "单选题"
    MULTIPLE = "multiple_choice", "多选题"
    SCALE = "scale", "评分题"
    TEXT = "text", "填空题"


# Questions whose answers are options, which a later question's condition can name.
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Decision(models.TextChoices):
    PENDING = "pending", "待处理"
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"


# Decisions that must give the reason (the rule's "why others were not").
NEEDS_REASON = (Decision.PARTLY, Decision.NOT_ADOPTED)
DECIDED = (Decision.ADOPTED, Decision.PARTLY, Decision.NOT_ADOPTED)


class FeedbackStatus(models.TextChoices):
    """Where one activity stands against "feedback within one month after closing" at a moment."""

    NOT_ENDED = "not_ended", "尚未结束"
    AWAITING = "awaiting", "待反馈"
    OVERDUE = "overdue", "超期未反馈"
    ON_TIME = "on_time", "按时反馈"
    LATE = "late", "逾期反馈"


# The statuses that break the rule (no feedback within the month).
MISSED = (FeedbackStatus.OVERDUE, FeedbackStatus.LATE)
