"""The kinds, severities and states of a security alert (安全预警), the kinds of a register entry (应急演练,
渗透测试), who is told, and the outcome of a scan's check."""

from django.db import models


class AlertKind(models.TextChoices):
    UNREACHABLE = "unreachable", "网站无法访问"
    SLOW = "slow", "网站访问缓慢"
    DEFACED = "defaced", "首页疑似被篡改"
    EXPOSED = "exposed", "敏感内容暴露"


class Severity(models.TextChoices):
    CRITICAL = "critical", "紧急"
    HIGH = "high", "重要"
    NORMAL = "normal", "一般"


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.NORMAL: 2}


class AlertState(models.TextChoices):
    OPEN = "open", "待确认"
    ACKNOWLEDGED = "acknowledged", "处置中"
    RESOLVED = "resolved", "已解除"


# Alerts someone still has to act on; only the unacknowledged ones escalate.
ACTIVE_STATES = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


class Audience(models.TextChoices):
    """Who an alert's e-mail goes to (named in data/thresholds.json)."""

    SITE_ADMIN = "site_admin", "站点管理员"
    PLATFORM_ADMIN = "platform_admin", "平台管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"


class ExerciseKind(models.TextChoices):
    DRILL = "drill", "应急演练"
    PENTEST = "pentest", "渗透测试"


class CheckStatus(models.TextChoices):
    """The outcome of one check of a security scan."""

    PASS = "pass", "通过"
    WARN = "warn", "提示"
    FAIL = "fail", "不通过"
    SKIP = "skip", "不适用"


class Risk(models.TextChoices):
    """How much a failed check of a scan matters."""

    HIGH = "high", "高危"
    MEDIUM = "medium", "中危"
    LOW = "low", "低危"


class Action(models.TextChoices):
    """What an audit entry of the security app records; the log's action is `huimin_security.<value>`."""

    RAISE = "raise", "发出安全预警"
    UPDATE = "update", "安全预警更新"
    ACKNOWLEDGE = "acknowledge", "确认安全预警"
    RESOLVE = "resolve", "解除安全预警"
    ESCALATE = "escalate", "安全预警升级"
    RECORD_EXERCISE = "record_exercise", "登记演练或测试"
    ADD_EXERCISE_FILE = "add_exercise_file", "上传演练或测试材料"
    SCAN = "scan", "安全扫描"
