"""Choices and named groups of 依申请公开 (applications for government information)."""

from django.db import models


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", "公民"
    ORGANISATION = "organisation", "法人或其他组织"


class OrgKind(models.TextChoices):
    """The columns of the national report's table 3 for applicants that are organisations."""

    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER = "other", "其他"


class IdType(models.TextChoices):
    ID_CARD = "id_card", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    CREDIT_CODE = "credit_code", "统一社会信用代码"


# Which identity documents each kind of applicant may give.
ID_TYPES_FOR = {
    ApplicantType.CITIZEN: (IdType.ID_CARD, IdType.PASSPORT, IdType.HK_MACAO, IdType.TAIWAN),
    ApplicantType.ORGANISATION: (IdType.CREDIT_CODE,),
}


class Delivery(models.TextChoices):
    PAPER = "paper", "纸质"
    EMAIL = "email", "电子邮件"
    ONLINE = "online", "在线查看"


class State(models.TextChoices):
    SUBMITTED = "submitted", "待登记"
    PROCESSING = "processing", "办理中"
    CORRECTION = "correction", "待补正"
    REVIEW = "review", "待审签"
    ANSWERED = "answered", "已答复"
    ABANDONED = "abandoned", "视为放弃"
    WITHDRAWN = "withdrawn", "已撤回"


# The states in which the unit owes the applicant an answer (the clock runs in all but CORRECTION).
OPEN_STATES = (State.SUBMITTED, State.PROCESSING, State.CORRECTION, State.REVIEW)
RUNNING_STATES = (State.SUBMITTED, State.PROCESSING, State.REVIEW)
FINAL_STATES = (State.ANSWERED, State.ABANDONED, State.WITHDRAWN)


class Level(models.TextChoices):
    NORMAL = "normal", "正常"
    WARNING = "warning", "临期"
    OVERDUE = "overdue", "超期"


class FileRole(models.TextChoices):
    APPLICANT = "applicant", "申请人提交的材料"
    RELEASED = "released", "公开的政府信息"
    REPLY = "reply", "答复告知书"


# The time limits of the 条例, in working days: the answer (第三十三条), one extension at most this long,
# and the notice asking for a correction (第三十条, within 7 working days of receipt).
ANSWER_DAYS = 20
MAX_EXTENSION_DAYS = 20
CORRECTION_NOTICE_DAYS = 7
# The applicant's time to send the correction, unless the unit gives another (a "reasonable period").
CORRECTION_DAYS = 15
# An application is shown as near its time limit when this many working days or fewer are left.
WARNING_DAYS = 5
