from django.db import models


class InteractionKind(models.TextChoices):
    READ = "read", "阅读"
    SEARCH = "search", "搜索"
    DOWNLOAD = "download", "下载"
    QUESTION = "question", "提问"


#: Interactions that name a page (the others name a text: the query or the question).
PAGE_KINDS = (InteractionKind.READ, InteractionKind.DOWNLOAD)
#: Interactions that make a page "already seen": never recommended again.
SEEN_KINDS = (InteractionKind.READ, InteractionKind.DOWNLOAD)


class InterestState(models.TextChoices):
    LEARNED = "learned", "自动学习"
    BOOSTED = "boosted", "已加强"
    BLOCKED = "blocked", "不再推荐"


class Correction(models.TextChoices):
    """What a citizen may do to one interest of their profile (我的兴趣与推荐)."""

    BOOST = "boost", "加强"
    UNBOOST = "unboost", "取消加强"
    REMOVE = "remove", "删除"
    BLOCK = "block", "不再推荐"
    UNBLOCK = "unblock", "恢复"
