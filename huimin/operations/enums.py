"""The words of 运维责任: a column's update state in the responsibility list, how a duty roster rotates, and
what a day of 值班读网 shows."""

from django.db import models


class ColumnState(models.TextChoices):
    NORMAL = "normal", "正常"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已超期"
    EMPTY = "empty", "无内容"


# The states a clerk has to act on, worst first.
ATTENTION_STATES = (ColumnState.OVERDUE, ColumnState.EMPTY, ColumnState.DUE_SOON)


class Rotation(models.TextChoices):
    DAILY = "daily", "每个工作日轮换"
    WEEKLY = "weekly", "每周轮换"


class DayState(models.TextChoices):
    RECORDED = "recorded", "已记录"
    MISSED = "missed", "未记录"
    TODAY = "today", "今日待记录"
    REST = "rest", "休息日"
    FUTURE = "future", "未到"
    NOT_STARTED = "not_started", "未开始值班读网"
