"""What follows an inspection: rectification, bulletins, assessments, cleanup candidates.

Split from supervision (which ARCHITECTURE.md says owns these features) to keep both apps
small; this app reads supervision's Findings and results and moves Findings only through
``supervision.services.do_set_finding_status``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.core.models import ScopeFields
from govmedia.registry.models import MediaAccount, Unit
from govmedia.supervision.models import Finding, Inspection

UNIT_SCOPE = ScopeFields(region_path="unit__region__path", unit="unit_id")


class RectificationStatus(models.TextChoices):
    SENT = "sent", "待整改"
    ANSWERED = "answered", "待验收"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


#: status → the statuses one may move to (STYLE.md: workflows as data)
RECTIFICATION_TRANSITIONS: dict[str, set[str]] = {
    RectificationStatus.SENT: {RectificationStatus.ANSWERED},
    RectificationStatus.ANSWERED: {RectificationStatus.ACCEPTED, RectificationStatus.RETURNED},
    RectificationStatus.RETURNED: {RectificationStatus.ANSWERED},
    RectificationStatus.ACCEPTED: set(),
}
OPEN_STATUSES = (RectificationStatus.SENT, RectificationStatus.RETURNED)


class Rectification(models.Model):
    """整改通知: Findings of one owner unit sent with a deadline in working days (003 "督促整改到位")."""

    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        Inspection,
        verbose_name="来源检查",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    findings = models.ManyToManyField(Finding, verbose_name="问题", related_name="rectifications")
    demand = models.TextField("整改要求", blank=True)
    exposed = models.BooleanField("公开晾晒", default=False)
    working_days = models.PositiveSmallIntegerField("整改时限（工作日）", default=5)
    deadline = models.DateField("整改期限", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.SENT
    )
    sent_at = models.DateTimeField("下发时间", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField("整改情况", blank=True)
    answer_link = models.URLField("佐证链接", max_length=500, blank=True)
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反馈人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("验收时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_comment = models.CharField("验收意见", max_length=500, blank=True)
    reminded_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)
    rounds = models.PositiveSmallIntegerField("反馈次数", default=0)

    scope_fields = UNIT_SCOPE

    class Meta:
        verbose_name = "整改"
        verbose_name_plural = "整改"
        ordering = ["deadline", "-id"]

    def __str__(self) -> str:
        return f"{self.unit.name}整改通知（{self.deadline:%Y-%m-%d}前）"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.unit.region.path, self.unit_id

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in OPEN_STATUSES and self.deadline < today


class Evidence(models.Model):
    """A screenshot or PDF proving a fix; checked by content, not by name (see ``uploads.py``)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("佐证材料", upload_to="rectification/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveIntegerField("大小")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_fields = ScopeFields(region_path="rectification__unit__region__path", unit="rectification__unit_id")

    class Meta:
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """An in-app notification to a unit (always written; other channels are optional)."""

    unit = models.ForeignKey(Unit, verbose_name="接收单位", on_delete=models.CASCADE, related_name="+")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    deliveries = models.JSONField("其他渠道发送结果", default=list, blank=True)

    scope_fields = UNIT_SCOPE

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已审定"
    PUBLISHED = "published", "已发布"


BULLETIN_TRANSITIONS: dict[str, set[str]] = {
    BulletinStatus.DRAFT: {BulletinStatus.APPROVED},
    BulletinStatus.APPROVED: {BulletinStatus.PUBLISHED, BulletinStatus.DRAFT},
    BulletinStatus.PUBLISHED: set(),
}


class Bulletin(models.Model):
    """通报: generated from a published inspection; ``content`` is frozen once published."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="来源检查", on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(Unit, verbose_name="发文单位", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField("范围区划路径", max_length=255, db_index=True)
    title = models.CharField("标题", max_length=200)
    number = models.CharField("发文字号", max_length=100, blank=True)
    intro = models.TextField("导语", blank=True)
    demands = models.TextField("整改要求", blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    content = models.JSONField("通报内容", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    scope_fields = ScopeFields(region_path="region_path", unit="issuer_id")

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> tuple[str, int | None]:
        return self.region_path, self.issuer_id

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED


class AssessmentPeriod(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class Assessment(models.Model):
    """考核: units over a period from the period's published inspections, normalised by group."""

    title = models.CharField("名称", max_length=200)
    period = models.CharField("周期", max_length=10, choices=AssessmentPeriod.choices)
    start = models.DateField("起")
    end = models.DateField("止")
    scope_unit = models.ForeignKey(Unit, verbose_name="考核范围", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True)
    method = models.CharField("计分方式", max_length=20, default="mean_of_inspections")
    result = models.JSONField("结果", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_fields = ScopeFields(region_path="region_path", unit="scope_unit_id")

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-end", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> tuple[str, int | None]:
        return self.region_path, self.scope_unit_id


class CandidateStatus(models.TextChoices):
    OPEN = "open", "待处理"
    DISMISSED = "dismissed", "已排除"
    FILED = "filed", "已通知发起注销备案"


class CleanupCandidate(models.Model):
    """An account meeting any of 004 §7.5's six conditions, with the evidence per condition."""

    account = models.OneToOneField(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="cleanup_candidate"
    )
    conditions = models.JSONField("符合情形", default=list)
    status = models.CharField("状态", max_length=10, choices=CandidateStatus.choices, default="open")
    refreshed_at = models.DateTimeField("刷新时间", default=timezone.now)
    reason = models.CharField("排除理由", max_length=500, blank=True)

    scope_fields = ScopeFields(region_path="account__owner__region__path", unit="account__owner_id")

    class Meta:
        verbose_name = "清理整合候选"
        verbose_name_plural = "清理整合候选"
        ordering = ["account__owner__region__path", "account__name"]

    def __str__(self) -> str:
        return self.account.name

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id
