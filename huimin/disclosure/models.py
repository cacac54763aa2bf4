"""依申请公开: an application for government information, every step of its handling, its files; and the
年度报告 page of a site or unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from huimin.safety.publish import SafetyPageForm
from huimin.sites.models import NationalTagsMixin, OrgUnit
from huimin.sites.page_tags import PUB_DATE_FORMAT
from huimin.workdays.models import WorkCalendar

from .enums import ApplicantType, Delivery, FileRole, IdType, OrgKind, State


class Application(models.Model):
    """One application for government information (政府信息公开申请). The applicant's identity and contact
    details are personal data: shown only to the unit's staff, masked in lists, never published."""

    site = models.ForeignKey(Site, verbose_name="受理网站", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="申请的行政机关",
        on_delete=models.PROTECT,
        related_name="disclosure_applications",
    )
    calendar = models.ForeignKey(
        WorkCalendar, verbose_name="工作日历", on_delete=models.PROTECT, related_name="+"
    )

    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices)
    org_kind = models.CharField("组织类别", max_length=20, choices=OrgKind.choices, blank=True)
    name = models.CharField("姓名或名称", max_length=100)
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices)
    id_number = models.CharField("证件号码", max_length=30)
    contact_person = models.CharField("联系人", max_length=50, blank=True, help_text="法人或其他组织填写")
    phone = models.CharField("联系电话", max_length=20)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    description = models.TextField("所需政府信息的内容描述", max_length=3000)
    purpose = models.CharField("用途", max_length=500, blank=True)
    delivery = models.CharField("获取信息的方式", max_length=20, choices=Delivery.choices)

    query_code = models.CharField("查询码", max_length=12, unique=True)
    query_password = models.CharField("查询密码", max_length=128)
    # The citizen account that wrote it or later claimed it with its query code and password (我的申请).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="所属账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The token of the review page the application was confirmed from: two confirms of one review (a double
    # click, two tabs, a retry after a lost answer) store one application.
    intake_key = models.CharField("提交标识", max_length=64, blank=True, editable=False)
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True
    )

    submitted_at = models.DateTimeField("提交时间", db_index=True)
    received_on = models.DateField("收到申请日期", help_text="工作时间以外提交的，为下一个工作日")
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 补正: asked once; the clock stands still until the applicant answers, then the answer period counts
    # from the day the correction is received (第三十条).
    correction_request = models.TextField("需补正的事项", max_length=2000, blank=True)
    correction_asked_at = models.DateTimeField("告知补正时间", null=True, blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    correction_text = models.TextField("补正内容", max_length=3000, blank=True)
    corrected_at = models.DateTimeField("收到补正时间", null=True, blank=True)
    corrected_on = models.DateField("收到补正日期", null=True, blank=True)
    # 延期: once, up to 20 working days, with a reason and the applicant told.
    extension_days = models.PositiveSmallIntegerField("延长答复期限（工作日）", default=0)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    extended_at = models.DateTimeField("延期时间", null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="延期批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True, help_text="待补正期间为空")

    answer = models.CharField("答复类型", max_length=20, blank=True)
    answer_ground = models.CharField("具体情形", max_length=30, blank=True)
    answer_text = models.TextField("答复内容", max_length=10000, blank=True)
    referral = models.CharField("告知的公开机关及联系方式", max_length=300, blank=True)
    drafted_at = models.DateTimeField("拟办时间", null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="拟办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("审签时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审签人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    close_reason = models.CharField("说明", max_length=500, blank=True)
    reminded_level = models.CharField("已提醒的等级", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "依申请公开"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["intake_key"],
                condition=~models.Q(intake_key=""),
                name="one_application_per_intake_key",
            )
        ]
        permissions = [("view_disclosure_board", "查看依申请公开督办")]

    def __str__(self):
        return f"{self.query_code}"


def _disclosure_storage():
    from django.core.files.storage import storages

    return storages["disclosure"]


class ApplicationFile(models.Model):
    """A file of an application: what the applicant sent (an ID copy), the records released, and the reply
    letter. Kept in private storage and downloaded only through views that check who asks."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    role = models.CharField("用途", max_length=20, choices=FileRole.choices)
    file = models.FileField("文件", storage=_disclosure_storage, max_length=200)
    name = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    added_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "依申请公开文件"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ApplicationEvent(models.Model):
    """One step in an application's handling, as the applicant's follow-up page and the staff see it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField("操作方", max_length=100)
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)
    note = models.TextField("说明", max_length=3000, blank=True)
    public_note = models.TextField("告知申请人", max_length=3000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class AnnualReportPage(RoutablePageMixin, NationalTagsMixin, Page):
    """政府信息公开工作年度报告 of one site (all its units) or of one unit, for one year. The tables computed
    from the platform's data are kept in `figures` when the report is made or recomputed, so a published
    report does not change as data changes later; the rest is written by hand and published through review."""

    year = models.PositiveSmallIntegerField("年度")
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="报告单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="不选则为本网站全部单位的报告",
    )
    pub_date = models.DateTimeField("发布日期", null=True, blank=True)
    figures = models.JSONField("平台数据统计", default=dict, blank=True, editable=False)
    figures_at = models.DateTimeField("统计时间", null=True, blank=True, editable=False)
    overview = RichTextField("一、总体情况", blank=True, features=["bold", "ol", "ul", "link"])
    # 表二 (第二十条第（一）、（五）…项): what the platform does not hold is entered by hand.
    licences = models.PositiveIntegerField("行政许可 本年处理决定数量", default=0)
    penalties = models.PositiveIntegerField("行政处罚 本年处理决定数量", default=0)
    enforcements = models.PositiveIntegerField("行政强制 本年处理决定数量", default=0)
    fees = models.DecimalField(
        "行政事业性收费 本年收费金额（万元）", max_digits=12, decimal_places=2, default=0
    )
    # 表四: 行政复议 and 行政诉讼 (结果维持, 结果纠正, 其他结果, 尚未审结), entered by hand.
    review_upheld = models.PositiveIntegerField("行政复议 结果维持", default=0)
    review_corrected = models.PositiveIntegerField("行政复议 结果纠正", default=0)
    review_other = models.PositiveIntegerField("行政复议 其他结果", default=0)
    review_pending = models.PositiveIntegerField("行政复议 尚未审结", default=0)
    direct_upheld = models.PositiveIntegerField("未经复议直接起诉 结果维持", default=0)
    direct_corrected = models.PositiveIntegerField("未经复议直接起诉 结果纠正", default=0)
    direct_other = models.PositiveIntegerField("未经复议直接起诉 其他结果", default=0)
    direct_pending = models.PositiveIntegerField("未经复议直接起诉 尚未审结", default=0)
    after_upheld = models.PositiveIntegerField("复议后起诉 结果维持", default=0)
    after_corrected = models.PositiveIntegerField("复议后起诉 结果纠正", default=0)
    after_other = models.PositiveIntegerField("复议后起诉 其他结果", default=0)
    after_pending = models.PositiveIntegerField("复议后起诉 尚未审结", default=0)
    problems = models.TextField("五、存在的主要问题及改进情况", max_length=5000, blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", max_length=5000, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("year"), FieldPanel("unit"), FieldPanel("pub_date")]),
        FieldPanel("overview"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("licences"), FieldPanel("penalties")]),
                FieldRowPanel([FieldPanel("enforcements"), FieldPanel("fees")]),
            ],
            heading="二、主动公开政府信息情况（平台未掌握的数据，手工填报）",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("review_upheld"),
                        FieldPanel("review_corrected"),
                        FieldPanel("review_other"),
                        FieldPanel("review_pending"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("direct_upheld"),
                        FieldPanel("direct_corrected"),
                        FieldPanel("direct_other"),
                        FieldPanel("direct_pending"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("after_upheld"),
                        FieldPanel("after_corrected"),
                        FieldPanel("after_other"),
                        FieldPanel("after_pending"),
                    ]
                ),
            ],
            heading="四、政府信息公开行政复议、行政诉讼情况（手工填报）",
        ),
        FieldPanel("problems"),
        FieldPanel("other_matters"),
    ]
    parent_page_types = ["huimin_sites.ColumnPage", "huimin_sites.HomePage"]
    base_form_class = SafetyPageForm
    subpage_types = []
    template = "disclosure/annual_report_page.html"

    class Meta:
        verbose_name = "政府信息公开工作年度报告"

    def content_tags(self, request, identity):
        when = self.pub_date or self.first_published_at or self.latest_revision_created_at
        return [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(when).strftime(PUB_DATE_FORMAT) if when else ""),
            ("ContentSource", self.unit.name if self.unit else (identity.sponsor if identity else "")),
        ]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        from . import report

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        tables = report.tables(self)
        texts = {"overview": ("html", self.overview), "problems": ("text", self.problems)}
        texts["other_matters"] = ("text", self.other_matters)
        sections = []
        for part in report.parts():
            kind, value = texts.get(part["key"], ("tables", tables.get(part["key"])))
            sections.append({"key": part["key"], "title": part["title"], kind: value})
        context["report_sections"] = sections
        return context

    @path("docx/", name="docx")
    def docx(self, request):
        """The published report as a Word document (served only for the live page)."""
        from . import exports

        return exports.download(self, "docx")

    @path("xlsx/", name="xlsx")
    def xlsx(self, request):
        """The report's tables as a spreadsheet (served only for the live page)."""
        from . import exports

        return exports.download(self, "xlsx")
