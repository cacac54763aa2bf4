from django.db import models


class DocKind(models.TextChoices):
    """文种: the 15 kinds of 党政机关公文 (GB/T 9704) and the common normative-document kinds."""

    NOTICE = "通知", "通知"
    OPINION = "意见", "意见"
    MEASURES = "办法", "办法"
    PROVISIONS = "规定", "规定"
    PLAN = "方案", "方案"
    PROGRAMME = "规划", "规划"
    RULES = "细则", "细则"
    DECISION = "决定", "决定"
    RESOLUTION = "决议", "决议"
    ORDER = "命令", "命令"
    COMMUNIQUE = "公报", "公报"
    ANNOUNCEMENT = "公告", "公告"
    PUBLIC_NOTICE = "通告", "通告"
    CIRCULAR = "通报", "通报"
    REPORT = "报告", "报告"
    REQUEST = "请示", "请示"
    REPLY = "批复", "批复"
    MOTION = "议案", "议案"
    LETTER = "函", "函"
    MINUTES = "纪要", "纪要"
    OTHER = "其他", "其他"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"
    REVISED = "revised", "已修订"


NOT_VALID = (Validity.EXPIRED, Validity.REPEALED, Validity.REVISED)


class RelationKind(models.TextChoices):
    AMENDS = "amends", "修订"
    REPLACES = "replaces", "替代"


class InterpretationForm(models.TextChoices):
    TEXT = "text", "文字解读"
    GRAPHIC = "graphic", "图表图解"
    MEDIA = "media", "音视频"
    PRESS = "press", "新闻发布会"
    ANIMATION = "animation", "动漫"


# Forms whose content is visual or spoken and so needs a full text alternative or transcript.
NEEDS_TEXT_ALTERNATIVE = (
    InterpretationForm.GRAPHIC,
    InterpretationForm.MEDIA,
    InterpretationForm.PRESS,
    InterpretationForm.ANIMATION,
)


class InterpreterKind(models.TextChoices):
    DRAFTING_DEPARTMENT = "drafting_dept", "起草部门"
    EXPERT = "expert", "专家"
    MEDIA = "media", "媒体"


class SortOrder(models.TextChoices):
    NEWEST = "-date", "发布日期（新→旧）"
    OLDEST = "date", "发布日期（旧→新）"
    TITLE = "title", "标题"
