"""Indicator sets (data), Findings (one problem, one indicator, one account) and inspections.

Scoring reads only Findings (ARCHITECTURE.md): a check turns data into occurrences, each
occurrence becomes or re-finds a Finding, and an inspection scores the Findings it linked.
Published inspection results are frozen rows; a re-run makes a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govmedia.core.models import ScopeFields
from govmedia.registry.models import AssessmentGroup, MediaAccount, Region, Unit

ACCOUNT_SCOPE = ScopeFields(region_path="account__owner__region__path", unit="account__owner_id")


class IndicatorSet(models.Model):
    """One version of a set of indicators, loaded from a YAML file (see ``indicators.py``)."""

    code = models.CharField("代码", max_length=50, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=200)
    source = models.CharField("依据", max_length=500)
    bonus_threshold = models.FloatField("进入加分环节的分数线", default=70)
    yaml_text = models.TextField("YAML 原文")
    is_current = models.BooleanField("当前版本", default=True)
    loaded_at = models.DateTimeField("导入时间", auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="indicator_set_code_version")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class IndicatorKind(models.TextChoices):
    VETO = "veto", "单项否决"
    DEDUCTION = "deduction", "扣分"
    BONUS = "bonus", "加分"


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name="指标体系", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField("代码", max_length=50)
    name = models.CharField("指标", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=IndicatorKind.choices)
    check_name = models.CharField("检查方法", max_length=50)
    params = models.JSONField("参数", default=dict, blank=True)
    points = models.FloatField("每次分值", default=0)
    cap = models.FloatField("上限", null=True, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "检查指标"
        verbose_name_plural = "检查指标"
        ordering = ["indicator_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_code_in_set")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.name}"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFYING = "rectifying", "整改中"
    RESOLVED = "resolved", "已整改"
    DISMISSED = "dismissed", "已排除"
    NOTED = "noted", "加分记录"


#: status → the statuses one may move to (STYLE.md: workflows as data)
FINDING_TRANSITIONS: dict[str, set[str]] = {
    FindingStatus.OPEN: {FindingStatus.RECTIFYING, FindingStatus.RESOLVED, FindingStatus.DISMISSED},
    FindingStatus.RECTIFYING: {FindingStatus.RESOLVED, FindingStatus.DISMISSED, FindingStatus.OPEN},
    FindingStatus.RESOLVED: set(),
    FindingStatus.DISMISSED: set(),
    FindingStatus.NOTED: set(),
}
LIVE_STATUSES = (FindingStatus.OPEN, FindingStatus.RECTIFYING)


class Finding(models.Model):
    """One problem against one indicator on one account, with its evidence.

    ``key`` names the problem inside the indicator (a week, a post, a message): the same key
    found again while the Finding is open (or was dismissed) links to it instead of duplicating.
    A Finding that ``needs_confirmation`` (an automatic serious hit, "no update" while the
    collection is broken) is not scored until a supervisor confirms it.
    """

    account = models.ForeignKey(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="findings"
    )
    indicator_code = models.CharField("指标代码", max_length=50, db_index=True)
    indicator_name = models.CharField("指标", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=IndicatorKind.choices)
    check_name = models.CharField("检查方法", max_length=50)
    key = models.CharField("问题标识", max_length=200)
    summary = models.CharField("问题描述", max_length=500)
    evidence = models.JSONField("证据", default=dict, blank=True)
    source = models.CharField("来源", max_length=20, default="inspection")
    status = models.CharField(
        "状态", max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    needs_confirmation = models.BooleanField("待人工确认", default=False)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_found_at = models.DateTimeField("首次发现", auto_now_add=True)
    last_found_at = models.DateTimeField("最近发现")
    times_found = models.PositiveIntegerField("发现次数", default=1)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="状态变更人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_reason = models.CharField("说明", max_length=500, blank=True)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["-last_found_at", "-id"]
        indexes = [models.Index(fields=["account", "indicator_code", "key"], name="finding_problem")]

    def __str__(self) -> str:
        return f"{self.account.name}：{self.summary}"

    @property
    def counts(self) -> bool:
        """Whether a score may rest on it: not dismissed and, if it needs a person, confirmed."""
        return self.status != FindingStatus.DISMISSED and (
            not self.needs_confirmation or self.confirmed_at is not None
        )

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id


class InspectionKind(models.TextChoices):
    FULL = "full", "全覆盖检查"
    SPOT = "spot", "抽查"


class InspectionStatus(models.TextChoices):
    RUNNING = "running", "计算中"  # a fanned-out inspection whose workers have not finished
    FAILED = "failed", "计算失败"
    DRAFT = "draft", "未发布"
    PUBLISHED = "published", "已发布"


class Inspection(models.Model):
    """Scoring the accounts of a unit's subtree (or everything) over a period against a set."""

    title = models.CharField("名称", max_length=200, blank=True)
    period_start = models.DateField("检查期间起")
    period_end = models.DateField("检查期间止")
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name="指标体系", on_delete=models.PROTECT, related_name="inspections"
    )
    scope_unit = models.ForeignKey(
        Unit, verbose_name="检查范围", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("范围区划路径", max_length=255, db_index=True, default="")
    kind = models.CharField("方式", max_length=8, choices=InspectionKind.choices, default=InspectionKind.FULL)
    sample_ratio = models.FloatField("抽查比例", null=True, blank=True)
    sample_count = models.PositiveIntegerField("抽查数量", null=True, blank=True)
    seed = models.BigIntegerField("随机种子", null=True, blank=True)
    count_unconfirmed = models.BooleanField("计入未确认问题（试算）", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    version = models.PositiveIntegerField("版本", default=1)
    previous = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField("结果", default=dict, blank=True)
    pass_rate = models.FloatField("合格率", null=True, blank=True)
    account_count = models.PositiveIntegerField("检查账号数", default=0)
    failed_count = models.PositiveIntegerField("不合格账号数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    findings = models.ManyToManyField(Finding, through="InspectionFinding", related_name="inspections")

    scope_fields = ScopeFields(region_path="region_path", unit="scope_unit_id")

    class Meta:
        verbose_name = "检查"
        verbose_name_plural = "检查"
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title or f"{self.period_start:%Y年%m月%d日}至{self.period_end:%Y年%m月%d日}检查"

    @property
    def pass_rate_display(self) -> str:
        return "—" if self.pass_rate is None else f"{self.pass_rate:.2%}"

    @property
    def is_published(self) -> bool:
        return self.status == InspectionStatus.PUBLISHED

    def audit_scope(self) -> tuple[str, int | None]:
        return self.region_path, self.scope_unit_id


class InspectionFinding(models.Model):
    """A Finding as seen by one inspection; ``counted`` is frozen with the inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="links")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="links")
    counted = models.BooleanField("计分", default=True)

    class Meta:
        verbose_name = "检查发现的问题"
        verbose_name_plural = "检查发现的问题"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "finding"], name="inspection_finding_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}·{self.finding_id}"


class AccountResult(models.Model):
    """An account's frozen score in one inspection; ``detail`` explains every point."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="account_results")
    account = models.ForeignKey(MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField("平台", max_length=24)
    vetoed = models.BooleanField("单项否决", default=False)
    deduction_score = models.FloatField("扣分环节得分")
    bonus_points = models.FloatField("加分", default=0)
    score = models.FloatField("得分")
    no_data = models.BooleanField("采集异常", default=False)
    detail = models.JSONField("明细", default=dict)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "账号得分"
        verbose_name_plural = "账号得分"
        ordering = ["inspection", "-score", "account_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "account"], name="account_result_once")]
        # the result page lists the lowest scores first, 50 at a time, out of 50,000
        indexes = [models.Index(fields=["inspection", "score", "account"], name="account_result_by_score")]

    def __str__(self) -> str:
        return f"{self.account.name} {self.score:.2f}"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id


class UnitResult(models.Model):
    """An assessed unit's score (mean of its accounts) and final score (÷ group best × 100)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="unit_results")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    group = models.CharField("考核类别", max_length=20, choices=AssessmentGroup.choices)
    vetoed = models.BooleanField("单项否决", default=False)
    score = models.FloatField("单位得分")
    final = models.FloatField("最终得分")
    rank = models.PositiveIntegerField("排名")
    account_count = models.PositiveIntegerField("账号数")

    scope_fields = ScopeFields(region_path="unit__region__path", unit="unit_id")

    class Meta:
        verbose_name = "单位得分"
        verbose_name_plural = "单位得分"
        ordering = ["inspection", "group", "rank"]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.final:.2f}"


class ApprovedSource(models.Model):
    """稿源单位: a body whose content the region's accounts may repost (003 §一 "原则上只转载…稿源单位信息")."""

    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("稿源单位", max_length=200)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "稿源单位"
        verbose_name_plural = "稿源单位"
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="approved_source_once")]

    def __str__(self) -> str:
        return self.name


class RegionPopulation(models.Model):
    """常住人口 of a region, for 004 §7.5 (粉丝数长期低于基层常住人口数1%)."""

    region = models.OneToOneField(Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+")
    population = models.PositiveIntegerField("常住人口")
    year = models.PositiveSmallIntegerField("统计年度", null=True, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = "常住人口"
        verbose_name_plural = "常住人口"

    def __str__(self) -> str:
        return f"{self.region.name} {self.population}"


class WarningLog(models.Model):
    """An early warning sent before the veto (no post for N days); one per account, rung and last post."""

    account = models.ForeignKey(MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="+")
    days = models.PositiveIntegerField("未更新天数阈值")
    recipient_role = models.CharField("提醒对象", max_length=20)
    recipient = models.CharField("接收人", max_length=100, blank=True)
    last_post_at = models.DateTimeField("最近发布时间", null=True, blank=True)
    message = models.CharField("提醒内容", max_length=500)
    sent_at = models.DateTimeField("提醒时间", auto_now_add=True)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "更新预警"
        verbose_name_plural = "更新预警"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "days", "last_post_at"], name="warning_once_per_rung_and_post"
            )
        ]

    def __str__(self) -> str:
        return self.message
