"""What the content-safety checks find and how serious it is."""

from django.db import models


class CheckKind(models.TextChoices):
    """The three checks of the engine; a dictionary term belongs to one of the first two."""

    EXPRESSION = "expression", "错误表述"
    HARMFUL = "harmful", "有害信息"
    PRIVACY = "privacy", "个人信息"


# The checks a dictionary term can belong to (privacy is found by patterns, not by terms).
TERM_CHECKS = (CheckKind.EXPRESSION, CheckKind.HARMFUL)
ALL_CHECKS = tuple(c.value for c in CheckKind)


class Severity(models.TextChoices):
    VETO = "veto", "禁止发布"
    WARN = "warn", "提醒确认"
