"""The states, priorities, sources and levels of a work order (网站工单), and the named groups of states."""

from django.db import models


class State(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    MERGED = "merged", "已合并"
    ACCEPTED = "accepted", "待派发"
    DISPATCHED = "dispatched", "已派发"
    IN_PROGRESS = "in_progress", "处理中"
    FIXED = "fixed", "待确认"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤销"


# Orders someone still has to act on, and among them the ones whose time limit runs.
OPEN_STATES = (
    State.SUBMITTED,
    State.RETURNED,
    State.ACCEPTED,
    State.DISPATCHED,
    State.IN_PROGRESS,
    State.FIXED,
)
CLOCK_STATES = (State.SUBMITTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS)
DONE_STATES = (State.MERGED, State.CLOSED, State.WITHDRAWN)
# 修改 by the requester is allowed until the order is dispatched.
EDITABLE_STATES = (State.SUBMITTED, State.RETURNED, State.ACCEPTED)


class Priority(models.TextChoices):
    URGENT = "urgent", "紧急"
    HIGH = "high", "较急"
    NORMAL = "normal", "一般"
    LOW = "low", "不急"


class Source(models.TextChoices):
    MANUAL = "manual", "人工提交"
    PATROL = "patrol", "日常巡查"
    GUIDES = "guides", "办事指南检查"
    SAFETY = "safety", "内容安全排查"
    SECURITY = "security", "安全预警"
    DUTY = "duty", "值班读网"


class Assignee(models.TextChoices):
    PLATFORM = "platform", "平台运维团队"
    VENDOR = "vendor", "外包服务商"


class Closure(models.TextChoices):
    CONFIRMED = "confirmed", "提交人确认"
    VERIFIED = "verified", "复查确认已修复"


class Level(models.TextChoices):
    NORMAL = "normal", "正常"
    WARNING = "warning", "临期"
    OVERDUE = "overdue", "超期"


class Action(models.TextChoices):
    """What one step of an order's history did; the audit log's action is `huimin_workorders.<value>`."""

    SUBMIT = "submit", "提交工单"
    EDIT = "edit", "修改工单"
    ACCEPT = "accept", "审核通过"
    RETURN = "return", "退回"
    MERGE = "merge", "合并为重复工单"
    DISPATCH = "dispatch", "派发"
    START = "start", "开始处理"
    FIX = "fix", "处理完成"
    CONFIRM = "confirm", "确认办结"
    REOPEN = "reopen", "重新打开"
    WITHDRAW = "withdraw", "撤销"
    OPEN = "open", "自动生成"
    UPDATE = "update", "问题更新"
    VERIFY = "verify", "复查确认已修复"
    REMIND = "remind", "超时提醒"
    ATTACH = "attach", "上传附件"
