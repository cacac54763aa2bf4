"""Choices of search: the kinds of published things in the index and their validity."""

from django.db import models


class DocumentKind(models.TextChoices):
    ARTICLE = "article", "文章"
    POLICY = "policy", "政策文件"
    INTERPRETATION = "interpretation", "政策解读"
    GUIDE = "guide", "办事指南"
    TOPIC = "topic", "专题"
    INTERVIEW = "interview", "在线访谈"
    DATASET = "dataset", "数据集"
    LETTER = "letter", "网民留言"
    QA = "qa", "问答"


class Validity(models.TextChoices):
    """Whether what a document says still holds (policies); ranked lower and labelled when not."""

    NONE = "", "—"
    VALID = "valid", "有效"
    NOT_YET = "not_yet", "尚未生效"
    EXPIRED = "expired", "已失效"
    REPEALED = "repealed", "已废止"


class KnowledgeStatus(models.TextChoices):
    """The life of a Q&A knowledge entry: only published entries answer questions."""

    DRAFT = "draft", "草稿（待审核）"
    PUBLISHED = "published", "已发布"
    RETIRED = "retired", "已停用"


class KnowledgeOrigin(models.TextChoices):
    MANUAL = "manual", "人工录入"
    LETTER = "letter", "网民留言答复"
    GUIDE = "guide", "办事指南"
