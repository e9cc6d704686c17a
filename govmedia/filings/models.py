"""Account lifecycle filings (开设/变更/关停/注销/整合), their approval chains and numbers.

Sources: 001_…txt 第十三/十四/三十/三十四条 and 附件《审批表》; 002_…txt 备案表, 一案一号;
003_…txt 审核备案 and the ≥15 working-day notice; 004_…txt §7 and 附件1–3; 000_…txt 备案登记表.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govmedia.core.models import ScopeFields
from govmedia.registry.models import MediaAccount, Operator, Platform, Region, Unit

UNDERTAKING = (
    "本单位已知悉新媒体管理规定，承诺落实各项安全保护技术措施，确保系统安全；承诺信息来源真实可靠，"
    "不制作、复制、发布、传播涉密信息、有害信息，确保信息安全。因本单位管理不当造成网络信息安全和舆情事件，"
    "一切责任由本单位自行承担。"
)


class ApprovalChain(models.Model):
    """How one region approves filings: ordered steps plus the deadline rules, all data.

    A filing uses the chain of its owner unit's nearest region (itself or an ancestor) that has one.
    """

    region = models.OneToOneField(Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=100)
    number_pattern = models.CharField(
        "备案编号格式",
        max_length=60,
        default="备〔{year}〕{seq:04d}号",
        help_text="可用 {year}（年度）与 {seq}（当年序号），如：定备〔{year}〕{seq:04d}号",
    )
    submit_days = models.PositiveSmallIntegerField(
        "决定后报批时限（工作日）", default=5, help_text="001_…txt 第十三条：5个工作日内填写审批表报批"
    )
    open_filing_days = models.PositiveSmallIntegerField(
        "开设后备案时限（工作日）", default=7, help_text="002_…txt：开设后7个工作日内备案"
    )
    change_filing_days = models.PositiveSmallIntegerField(
        "变更、关停、注销备案时限（工作日）", default=5, help_text="004_…txt §7：5个工作日内"
    )
    register_days = models.PositiveSmallIntegerField(
        "审核通过后系统登记时限（工作日）",
        default=3,
        help_text="003_…txt：3个工作日内登录国家、省系统登记备案",
    )
    preexisting_days = models.PositiveSmallIntegerField(
        "存量账号补办时限（工作日）", default=30, help_text="001_…txt 第三十四条"
    )
    notice_days = models.PositiveSmallIntegerField(
        "停更公告最短期限（工作日）", default=15, help_text="003_…txt：公告时间不少于15个工作日"
    )
    effective_from = models.DateField("施行日期", null=True, blank=True)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "审批流程"
        verbose_name_plural = "审批流程"

    def __str__(self) -> str:
        return self.name


class ChainStep(models.Model):
    """One level of a chain. Without an approving unit the step is the owner unit's own opinion."""

    chain = models.ForeignKey(
        ApprovalChain, verbose_name="审批流程", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("环节名称", max_length=50, help_text="如：县级管理单位审核意见")
    approver_unit = models.ForeignKey(
        Unit,
        verbose_name="审批单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空表示由主办单位（其审核人）出具意见",
    )
    days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)

    class Meta:
        verbose_name = "审批环节"
        verbose_name_plural = "审批环节"
        ordering = ["chain", "order"]
        constraints = [models.UniqueConstraint(fields=["chain", "order"], name="chain_step_unique_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class FilingCounter(models.Model):
    """The last number given in a region and year; locked while a submission takes the next one."""

    chain = models.ForeignKey(ApprovalChain, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "备案编号计数"
        verbose_name_plural = "备案编号计数"
        constraints = [models.UniqueConstraint(fields=["chain", "year"], name="filing_counter_one_per_year")]

    def __str__(self) -> str:
        return f"{self.chain} {self.year}年 {self.last}"


class FilingKind(models.TextChoices):
    OPEN = "open", "开设"
    CHANGE = "change", "变更"
    SUSPEND = "suspend", "关停"
    CLOSE = "close", "注销"
    MERGE = "merge", "整合"


class FilingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审批中"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予同意"
    APPROVED = "approved", "已批准"
    WITHDRAWN = "withdrawn", "已撤回"


# Form fields a change filing compares with the account; (filing field, account field).
ACCOUNT_FIELDS = [
    ("account_name", "name"),
    ("platform", "platform"),
    ("platform_uid", "platform_uid"),
    ("url", "url"),
    ("verified", "verified"),
    ("news_licence", "news_licence"),
    ("purpose", "purpose"),
    ("sections", "sections"),
    ("registered_on", "opened_on"),
    ("followers", "followers"),
    ("operator", "operator"),
]
CONTACT_FIELDS = {
    "head": ("head_name", "head_office_phone", "head_mobile"),
    "deputy": ("deputy_name", "deputy_office_phone", "deputy_mobile"),
    "admin": ("admin_name", "admin_office_phone", "admin_mobile"),
}


class Filing(models.Model):
    """One case (一案一号): the union of the fields of the attached forms."""

    kind = models.CharField("备案类型", max_length=10, choices=FilingKind.choices)
    status = models.CharField(
        "状态", max_length=12, choices=FilingStatus.choices, default=FilingStatus.DRAFT, db_index=True
    )
    number = models.CharField("备案编号", max_length=60, unique=True, null=True, blank=True)
    chain = models.ForeignKey(
        ApprovalChain, verbose_name="审批流程", on_delete=models.PROTECT, related_name="filings"
    )
    owner = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="filings")
    account = models.ForeignKey(
        MediaAccount,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
        help_text="变更、关停、注销的账号；整合时为保留的账号；开设获批后为新账号",
    )
    merged_accounts = models.ManyToManyField(
        MediaAccount, verbose_name="被整合账号", blank=True, related_name="merge_filings"
    )

    # The account (审批表 / 备案表 / 开设申请表)
    account_name = models.CharField("账号名称", max_length=100)
    platform = models.CharField("发布平台", max_length=24, choices=Platform.choices)
    platform_uid = models.CharField("账号ID", max_length=100, blank=True)
    url = models.URLField("访问链接", max_length=500, blank=True)
    registered_on = models.DateField("创建/注册日期", null=True, blank=True)
    verified = models.BooleanField("是否通过认证", default=False)
    news_licence = models.BooleanField("是否取得互联网新闻信息服务资质", default=False)
    purpose = models.CharField("功能定位", max_length=200, blank=True)
    sections = models.CharField("栏目设置", max_length=200, blank=True)
    operation_start = models.DateField("正式运营时间", null=True, blank=True)
    followers = models.PositiveIntegerField("关注量/粉丝量", default=0)
    # The owner and the operator (主办单位 / 承办单位)
    owner_leader = models.CharField("主办单位分管领导及职务", max_length=100, blank=True)
    owner_leader_phone = models.CharField("主办单位联系电话", max_length=30, blank=True)
    operator = models.ForeignKey(
        Operator,
        verbose_name="承办（运维）单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator_leader = models.CharField("承办单位分管领导及职务", max_length=100, blank=True)
    operator_phone = models.CharField("承办单位联系电话", max_length=30, blank=True)
    # Management team (管理队伍)
    head_name = models.CharField("单位主要负责人", max_length=50, blank=True)
    head_office_phone = models.CharField("主要负责人办公电话", max_length=30, blank=True)
    head_mobile = models.CharField("主要负责人手机", max_length=20, blank=True)
    deputy_name = models.CharField("分管负责人", max_length=50, blank=True)
    deputy_office_phone = models.CharField("分管负责人办公电话", max_length=30, blank=True)
    deputy_mobile = models.CharField("分管负责人手机", max_length=20, blank=True)
    admin_name = models.CharField("具体负责人（管理员）", max_length=50, blank=True)
    admin_office_phone = models.CharField("具体负责人办公电话", max_length=30, blank=True)
    admin_mobile = models.CharField("具体负责人手机", max_length=20, blank=True)
    # The case
    reason = models.TextField("开设/变更/关停/注销理由")
    decided_on = models.DateField(
        "单位决定日期", null=True, blank=True, help_text="主办单位集体研究或主要领导同意的日期"
    )
    remarks = models.TextField("其他需要说明事项", blank=True)
    undertaking_accepted = models.BooleanField("已阅读并接受承诺", default=False)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    # Closing (003 notice; 001 第十四条)
    notice_url = models.URLField("停更公告链接", max_length=500, blank=True)
    notice_screenshot = models.FileField("停更公告截图", upload_to="filings/notices/", blank=True)
    notice_published_on = models.DateField("停更公告发布日期", null=True, blank=True)
    app_delisted = models.BooleanField("移动客户端已在各应用商店下架", default=False)
    top_consent_ref = models.CharField(
        "自治区（省）级管理单位同意注销文号",
        max_length=100,
        blank=True,
        help_text="县级以上人民政府账号注销必填",
    )
    # Progress
    current_step = models.PositiveSmallIntegerField("当前环节", default=0)
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    registered_nationally_on = models.DateField("国家、省系统登记日期", null=True, blank=True)

    scope_fields = ScopeFields(region_path="owner__region__path", unit="owner_id")

    class Meta:
        verbose_name = "账号备案"
        verbose_name_plural = "账号备案"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number or '（未编号）'} {self.get_kind_display()}：{self.account_name}"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.owner.region.path, self.owner_id

    @property
    def is_open(self) -> bool:
        return self.status in {FilingStatus.DRAFT, FilingStatus.IN_REVIEW, FilingStatus.RETURNED}

    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field's Chinese name, old, new) for a change filing's 变更内容."""
        return [
            (str(self._meta.get_field(name).verbose_name), old, new)
            for name, (old, new) in self.changes.items()
        ]

    def current_steps(self):
        return self.steps.filter(round=self.round)


class StepStatus(models.TextChoices):
    WAITING = "waiting", "待前序环节"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "同意"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不同意"
    CANCELLED = "cancelled", "已取消"


class ApprovalStep(models.Model):
    """One level's decision on one submission round of a filing."""

    filing = models.ForeignKey(Filing, verbose_name="备案", on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField("提交轮次")
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("环节名称", max_length=50)
    approver_unit = models.ForeignKey(
        Unit, verbose_name="审批单位", on_delete=models.PROTECT, related_name="approval_steps"
    )
    days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    status = models.CharField(
        "状态", max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING, db_index=True
    )
    started_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("办理期限", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    scope_fields = ScopeFields(region_path="filing__owner__region__path", unit="filing__owner_id")

    class Meta:
        verbose_name = "审批环节记录"
        verbose_name_plural = "审批环节记录"
        ordering = ["filing", "round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["filing", "round", "order"], name="approval_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}）"
