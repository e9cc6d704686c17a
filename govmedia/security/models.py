"""Account security (001 第二十五/二十六条): who holds the password and which terminals are used,
the duty roster (值班值守), security incidents graded by level, and impostor accounts.

The password itself is never stored here, only who holds it and when it was last changed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmedia.core.models import ScopeFields
from govmedia.registry.models import MediaAccount, Platform, Unit

ACCOUNT_SCOPE = ScopeFields(region_path="account__owner__region__path", unit="account__owner_id")
PASSWORD_DAYS = 90


class AccountSecurity(models.Model):
    account = models.OneToOneField(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="security"
    )
    password_holder = models.CharField("密码保管人", max_length=50, blank=True)
    holder_phone = models.CharField("保管人电话", max_length=20, blank=True)
    terminals = models.TextField("使用终端", blank=True, help_text="每行一台：设备名称、使用人、存放位置")
    password_changed_on = models.DateField("最近修改密码", null=True, blank=True)
    two_factor = models.BooleanField("已开启登录保护（扫码或短信验证）", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "账号安全登记"
        verbose_name_plural = "账号安全登记"

    def __str__(self) -> str:
        return f"{self.account} 安全登记"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id

    def password_due_on(self) -> dt.date | None:
        if self.password_changed_on is None:
            return None
        return self.password_changed_on + dt.timedelta(days=PASSWORD_DAYS)


class SecurityReminder(models.Model):
    """A reminder that fired (once per account and due date): change the password, fill the register."""

    class Kind(models.TextChoices):
        PASSWORD = "password", "密码已满 90 天未修改"
        UNREGISTERED = "unregistered", "未登记密码保管人和使用终端"

    account = models.ForeignKey(MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=14, choices=Kind.choices)
    due_on = models.DateField("到期日")
    sent_at = models.DateTimeField("提醒时间", default=timezone.now)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "安全提醒"
        verbose_name_plural = "安全提醒"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "due_on"], name="security_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.get_kind_display()}"


class DutyShift(models.Model):
    """One person on duty for a unit on a day (值班值守, 001 第二十五条)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="duty_shifts")
    date = models.DateField("日期", db_index=True)
    person = models.CharField("值班人", max_length=50)
    phone = models.CharField("联系电话", max_length=20)
    note = models.CharField("备注", max_length=100, blank=True)

    scope_fields = ScopeFields(region_path="unit__region__path", unit="unit_id")

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"
        ordering = ["date", "unit__name", "person"]
        constraints = [models.UniqueConstraint(fields=["unit", "date", "person"], name="duty_once_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.unit.name} {self.person}"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.unit.region.path, self.unit_id


class IncidentKind(models.TextChoices):
    STOLEN = "stolen", "账号被盗用"
    TAMPERED = "tampered", "内容被篡改"
    IMPOSTOR = "impostor", "仿冒账号"
    LEAK = "leak", "数据泄露"
    OTHER = "other", "其他"


class IncidentLevel(models.TextChoices):
    GENERAL = "general", "一般"
    LARGER = "larger", "较大"
    MAJOR = "major", "重大"
    GRAVE = "grave", "特别重大"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "已登记"
    HANDLING = "handling", "处置中"
    CLOSED = "closed", "已结案"


class Takedown(models.TextChoices):
    NONE = "", "—"
    REPORTED = "reported", "已向平台举报"
    PROCESSING = "processing", "平台处理中"
    REMOVED = "removed", "已注销或下线"
    REFUSED = "refused", "平台未予处理"


class SecurityIncident(models.Model):
    account = models.ForeignKey(
        MediaAccount, verbose_name="涉及账号", on_delete=models.PROTECT, related_name="security_incidents"
    )
    kind = models.CharField("类别", max_length=10, choices=IncidentKind.choices)
    level = models.CharField(
        "等级", max_length=8, choices=IncidentLevel.choices, default=IncidentLevel.GENERAL
    )
    title = models.CharField("事件概述", max_length=200)
    description = models.TextField("详细情况", blank=True)
    occurred_at = models.DateTimeField("发生时间")
    status = models.CharField(
        "状态", max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True
    )
    impostor_name = models.CharField("仿冒账号名称", max_length=100, blank=True)
    impostor_platform = models.CharField("仿冒账号平台", max_length=24, choices=Platform.choices, blank=True)
    impostor_url = models.URLField("仿冒账号链接", max_length=500, blank=True)
    takedown = models.CharField("平台处置", max_length=10, choices=Takedown.choices, blank=True, default="")
    closing_report = models.TextField("结案报告", blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id


class IncidentEvent(models.Model):
    """One line of an incident's timeline."""

    incident = models.ForeignKey(SecurityIncident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    text = models.TextField("处置情况")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "处置记录"
        verbose_name_plural = "处置记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:30]
