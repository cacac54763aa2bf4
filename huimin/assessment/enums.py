from django.db import models

from huimin.sites.enums import OrgUnitKind


class Basis(models.TextChoices):
    """How a row of the indicator table is scored."""

    AUTO = "auto", "自动计算"
    MANUAL = "manual", "人工抽查"
    OUTSIDE = "outside", "外部结果录入"


class RowKind(models.TextChoices):
    INDICATOR = "indicator", "评测指标"
    BONUS = "bonus", "加分情形"
    DEDUCTION = "deduction", "减分情形"
    VETO = "veto", "单项否决"


class UnitClass(models.TextChoices):
    """The classes of assessed units, as the `huimin assessment --json` contract names them."""

    COUNTY = "county", "县区"
    FUNCTION_AREA = "function_area", "市各功能区"
    CITY_DEPT_1 = "city_dept_1", "市级部门第一档"
    CITY_DEPT_2 = "city_dept_2", "市级部门第二档"


# Which units are assessed, and in which class.
CLASS_OF_KIND = {
    OrgUnitKind.COUNTY: UnitClass.COUNTY,
    OrgUnitKind.FUNCTION_AREA: UnitClass.FUNCTION_AREA,
    OrgUnitKind.DEPARTMENT_TIER1: UnitClass.CITY_DEPT_1,
    OrgUnitKind.DEPARTMENT_TIER2: UnitClass.CITY_DEPT_2,
}


class SheetState(models.TextChoices):
    OPEN = "open", "评分中"
    CLOSED = "closed", "已定稿"


class SubmissionKind(models.TextChoices):
    INFO = "info", "信息报送"
    TOPIC_PLAN = "topic_plan", "政务专题选题计划"
    ANSWER_CALIBER = "answer_caliber", "答复口径"


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", "待采用"
    ADOPTED = "adopted", "已采用"
    REJECTED = "rejected", "未采用"
    WITHDRAWN = "withdrawn", "已撤回"


class Adoption(models.TextChoices):
    """How the portal office adopted an item; each earns the points the year's table sets."""

    AS_IS = "as_is", "原文采用"
    REWRITTEN = "rewritten", "改写采用"
    TOPIC = "topic", "专题素材采用"


class BulletinSource(models.TextChoices):
    INSPECTION = "inspection", "本平台季度通报"
    ENTERED = "entered", "录入"
