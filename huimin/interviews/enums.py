"""Choices of the interviews app."""

from django.db import models


class InterviewState(models.TextChoices):
    UPCOMING = "upcoming", "预告"
    LIVE = "live", "直播中"
    ENDED = "ended", "已结束"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    SELECTED = "selected", "已选用"
    DECLINED = "declined", "不予选用"


class SpeakerRole(models.TextChoices):
    HOST = "host", "主持人"
    GUEST = "guest", "嘉宾"
    NETIZEN = "netizen", "网友"
