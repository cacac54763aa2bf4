from django.db import models


class Kind(models.TextChoices):
    CONSULT = "consult", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    HELP = "help", "求助"
    OTHER = "other", "其他"
    ERROR_REPORT = "error_report", "找错"


class State(models.TextChoices):
    SUBMITTED = "submitted", "待分办"
    DISPATCHED = "dispatched", "待签收"
    ACCEPTED = "accepted", "办理中"
    RETURNED = "returned", "已退回"
    AWAITING_INFO = "awaiting_info", "待补充材料"
    REPLIED = "replied", "待审核"
    PUBLISHED = "published", "已公开"
    CLOSED = "closed", "已办结"
    INVALID = "invalid", "无效留言"
    DUPLICATE = "duplicate", "重复留言"


class Channel(models.TextChoices):
    WEB = "web", "网站"
    APP = "app", "移动应用"
    MINI_PROGRAM = "mini_program", "小程序"
    HOTLINE = "hotline", "12345热线"
    OTHER = "other", "其他渠道"


class Level(models.TextChoices):
    NORMAL = "normal", "正常"
    WARNING = "warning", "临期"
    OVERDUE = "overdue", "超期"
    SERIOUS = "serious", "严重超期"


class Referral(models.TextChoices):
    """Where a letter outside the website's remit belongs (附件1: 告知留言人依法通过其他渠道反映)."""

    PETITION = "petition", "信访"
    LITIGATION = "litigation", "诉讼"
    ARBITRATION = "arbitration", "仲裁"
    AUTHORITY = "authority", "其他有权机关"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


OPEN_STATES = (
    State.SUBMITTED,
    State.DISPATCHED,
    State.ACCEPTED,
    State.RETURNED,
    State.AWAITING_INFO,
    State.REPLIED,
)
ANSWERED_STATES = (State.REPLIED, State.PUBLISHED, State.CLOSED)
FINAL_STATES = (State.PUBLISHED, State.CLOSED, State.INVALID, State.DUPLICATE)
# The share of a time limit after which a letter is shown as about to be late.
WARNING_SHARE = 0.8
# The national veto line: a consultation unanswered for longer than this many days is seriously overdue.
VETO_DAYS = 90
