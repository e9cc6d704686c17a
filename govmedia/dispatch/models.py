"""Dispatch (指挥调度 / 协同联动): directives to accounts and the per-account tasks that track them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.core.models import ScopeFields
from govmedia.registry.models import MediaAccount, Unit


class DirectiveKind(models.TextChoices):
    REPOST = "repost", "必须转发"
    ORIGINAL = "original", "发布原创报道"
    INFO = "info", "知悉"


class Directive(models.Model):
    """An item the supervising office tells accounts to repost, cover or note, by a deadline."""

    issuer = models.ForeignKey(
        Unit, verbose_name="下发单位", on_delete=models.PROTECT, related_name="directives"
    )
    title = models.CharField("标题", max_length=200)
    kind = models.CharField(
        "要求", max_length=10, choices=DirectiveKind.choices, default=DirectiveKind.REPOST
    )
    source_url = models.URLField("原文链接", max_length=1000, blank=True)
    source_name = models.CharField("来源", max_length=100, blank=True)
    text = models.TextField("正文或说明", blank=True)
    attachment = models.FileField("附件", upload_to="dispatch/%Y/%m/", blank=True)
    keywords = models.CharField(
        "比对关键词",
        max_length=200,
        blank=True,
        help_text="原创报道按关键词比对，全部出现即视为完成；以逗号分隔",
    )
    deadline = models.DateTimeField("完成时限")
    target_units = models.ManyToManyField(Unit, verbose_name="目标单位", blank=True, related_name="+")
    target_platforms = models.JSONField("目标平台", default=list, blank=True)
    target_accounts = models.ManyToManyField(
        MediaAccount, verbose_name="指定账号", blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("下发时间", default=timezone.now)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    scope_fields = ScopeFields(region_path="issuer__region__path", unit="issuer_id")

    class Meta:
        verbose_name = "调度指令"
        verbose_name_plural = "调度指令"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> tuple[str, int | None]:
        return self.issuer.region.path, self.issuer_id


class TaskStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    ACKNOWLEDGED = "acknowledged", "已签收"
    DONE = "done", "已完成"
    MISSED = "missed", "逾期未完成"


class MatchMethod(models.TextChoices):
    URL = "url", "链接一致"
    TITLE = "title", "标题相似"
    FINGERPRINT = "fingerprint", "正文指纹"
    KEYWORDS = "keywords", "关键词"
    MANUAL = "manual", "人工确认"
    ACKNOWLEDGED = "ack", "签收即完成（知悉类）"


OPEN_TASK = (TaskStatus.PENDING, TaskStatus.ACKNOWLEDGED)


class Task(models.Model):
    """One account's part of a directive."""

    directive = models.ForeignKey(
        Directive, verbose_name="调度指令", on_delete=models.CASCADE, related_name="tasks"
    )
    account = models.ForeignKey(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="dispatch_tasks"
    )
    status = models.CharField(
        "状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING, db_index=True
    )
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    post = models.ForeignKey(Post, verbose_name="对应内容", null=True, blank=True, on_delete=models.SET_NULL)
    match_method = models.CharField("认定方式", max_length=12, choices=MatchMethod.choices, blank=True)
    match_score = models.FloatField("相似度", null=True, blank=True)
    evidence_url = models.URLField("佐证链接", max_length=1000, blank=True)
    evidence_note = models.TextField("佐证说明", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_fields = ScopeFields(region_path="account__owner__region__path", unit="account__owner_id")

    class Meta:
        verbose_name = "调度任务"
        verbose_name_plural = "调度任务"
        ordering = ["directive", "account__owner__region__path", "account__name"]
        constraints = [models.UniqueConstraint(fields=["directive", "account"], name="task_once_per_account")]

    def __str__(self) -> str:
        return f"{self.directive} · {self.account.name}"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id

    @property
    def on_time(self) -> bool | None:
        return None if self.done_at is None else self.done_at <= self.directive.deadline


class TaskReminder(models.Model):
    """A reminder that fired for a task (once per kind): shown on the unit's task list."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "即将到期"
        MISSED = "missed", "已逾期"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField("提醒时间", default=timezone.now)

    class Meta:
        verbose_name = "调度提醒"
        verbose_name_plural = "调度提醒"
        constraints = [models.UniqueConstraint(fields=["task", "kind"], name="task_reminder_once")]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_kind_display()}"
