"""The messages inbox: how each message from the public is handled, the answer bank and the rules.

``content.Message`` holds what the platform told us; ``Case`` holds what we do about it
(status, deadline, assignee, forward, offline answer), one case per message.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.content.models import Message
from govmedia.core.models import ScopeFields
from govmedia.registry.models import Region, Unit


class Status(models.TextChoices):
    NEW = "new", "待分派"
    ASSIGNED = "assigned", "办理中"
    FORWARDED = "forwarded", "已转办"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"


class Kind(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    SUGGESTION = "suggestion", "建议"
    COMPLAINT = "complaint", "投诉"
    COMMENT = "comment", "评论"
    OTHER = "other", "其他"


class ReplyChannel(models.TextChoices):
    PLATFORM = "platform", "通过平台发送"
    MANUAL = "manual", "人工在平台发送后登记"
    OFFLINE = "offline", "线下答复"
    PLATFORM_SEEN = "seen", "平台已有回复（采集所得）"


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.FORWARDED)


class ReplyPolicy(models.Model):
    """A region's reply clock (003_…txt: 24 小时，节假日不晚于 48 小时); the nearest region up the tree applies."""

    region = models.OneToOneField(Region, verbose_name="地区", on_delete=models.CASCADE)
    hours = models.PositiveSmallIntegerField("工作日答复时限（小时）", default=24)
    holiday_hours = models.PositiveSmallIntegerField("节假日答复时限（小时）", default=48)

    class Meta:
        verbose_name = "答复时限设置"
        verbose_name_plural = "答复时限设置"

    def __str__(self) -> str:
        return f"{self.region}：{self.hours}/{self.holiday_hours} 小时"


class Topic(models.Model):
    """A topic of messages with the keywords that suggest it; ``region`` empty means everywhere."""

    region = models.ForeignKey(Region, verbose_name="地区", null=True, blank=True, on_delete=models.CASCADE)
    name = models.CharField("主题", max_length=40)
    keywords = models.TextField("关键词", blank=True, help_text="以逗号、顿号或换行分隔")

    class Meta:
        verbose_name = "留言主题"
        verbose_name_plural = "留言主题"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="topic_unique_per_region")]

    def __str__(self) -> str:
        return self.name


class KindRule(models.Model):
    """Keywords that suggest a message kind in a region (data a supervisor edits)."""

    region = models.ForeignKey(Region, verbose_name="地区", on_delete=models.CASCADE)
    kind = models.CharField("留言类别", max_length=14, choices=Kind.choices)
    keywords = models.TextField("关键词", help_text="以逗号、顿号或换行分隔")

    class Meta:
        verbose_name = "类别规则"
        verbose_name_plural = "类别规则"
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="kind_rule_unique")]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_kind_display()}"


class Case(models.Model):
    """The handling of one message (留言办理)."""

    message = models.OneToOneField(
        Message, verbose_name="留言", on_delete=models.CASCADE, related_name="case"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    kind = models.CharField("类别", max_length=14, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    topic = models.ForeignKey(Topic, verbose_name="主题", null=True, blank=True, on_delete=models.SET_NULL)
    deadline = models.DateTimeField("答复时限", db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    reply_text = models.TextField("答复内容", blank=True)
    reply_channel = models.CharField("答复方式", max_length=10, choices=ReplyChannel.choices, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_cases",
    )
    answer_used = models.ForeignKey(
        "Answer", verbose_name="引用问答", null=True, blank=True, on_delete=models.SET_NULL
    )
    risk_hits = models.JSONField("答复风险提示", default=list, blank=True)
    forwarded_to = models.ForeignKey(
        Unit,
        verbose_name="转办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_cases",
    )
    forwarded_at = models.DateTimeField("转办时间", null=True, blank=True)
    forward_note = models.TextField("转办说明", blank=True)
    forward_answer = models.TextField("承办单位答复意见", blank=True)
    forward_answered_at = models.DateTimeField("承办单位答复时间", null=True, blank=True)
    offline_reason = models.TextField("线下答复原因", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_fields = ScopeFields(
        region_path="message__account__owner__region__path", unit="message__account__owner_id"
    )

    class Meta:
        verbose_name = "留言办理"
        verbose_name_plural = "留言办理"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="case_status_deadline")]

    def __str__(self) -> str:
        return f"留言办理 #{self.pk}：{self.message.text[:20]}"

    def audit_scope(self) -> tuple[str, int | None]:
        owner = self.message.account.owner
        return owner.region.path, owner.pk

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        if self.answered_at is not None:
            return self.answered_at > self.deadline
        return (now or timezone.now()) > self.deadline

    @property
    def on_time(self) -> bool | None:
        return None if self.answered_at is None else self.answered_at <= self.deadline

    def remaining(self, now: dt.datetime | None = None) -> dt.timedelta:
        return self.deadline - (now or timezone.now())


class Answer(models.Model):
    """One entry of the answer bank (咨询问答库, 004_…txt §8.3.1/§8.3.3), kept current."""

    owner = models.ForeignKey(Unit, verbose_name="答复单位", on_delete=models.PROTECT, related_name="answers")
    topic = models.ForeignKey(Topic, verbose_name="主题", null=True, blank=True, on_delete=models.SET_NULL)
    question = models.TextField("问题")
    answer = models.TextField("答复口径")
    valid_from = models.DateField("生效日期", default=timezone.localdate)
    valid_until = models.DateField("失效日期", null=True, blank=True)
    reviewed_on = models.DateField("最近复核", default=timezone.localdate)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    times_used = models.PositiveIntegerField("引用次数", default=0)

    scope_fields = ScopeFields(region_path="owner__region__path", unit="owner_id")

    REVIEW_EVERY_DAYS = 180

    class Meta:
        verbose_name = "问答库条目"
        verbose_name_plural = "咨询问答库"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.question[:40]

    def audit_scope(self) -> tuple[str, int | None]:
        return self.owner.region.path, self.owner_id

    def is_stale(self, today: dt.date | None = None) -> bool:
        """Expired, or not reviewed for half a year: flagged for review before reuse."""
        today = today or timezone.localdate()
        if self.valid_until and self.valid_until < today:
            return True
        return (today - self.reviewed_on).days > self.REVIEW_EVERY_DAYS

    def stale_reason(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.valid_until and self.valid_until < today:
            return f"已于 {self.valid_until:%Y年%m月%d日} 失效"
        if (today - self.reviewed_on).days > self.REVIEW_EVERY_DAYS:
            return f"超过 {self.REVIEW_EVERY_DAYS} 天未复核"
        return ""


class Notification(models.Model):
    """An in-app notice to one person; ``key`` makes every reminder fire once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("去重键", max_length=120)
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]

    def __str__(self) -> str:
        return self.text
