"""Shared models: users and their role, the working-day calendar's data, the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


@dataclass(frozen=True)
class ScopeFields:
    """Lookups from a scoped model to its region's path and its owner unit (see core.scoping)."""

    region_path: str  # e.g. "owner__region__path"
    unit: str  # e.g. "owner_id"


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    SUPERVISOR = "supervisor", "主管单位"
    EDITOR = "editor", "主办单位编辑"
    REVIEWER = "reviewer", "审核人"
    OBSERVER = "observer", "观察员（宣传、网信部门）"


class User(AbstractUser):
    """A person using govmedia; belongs to one unit and has one role there."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.OBSERVER)
    # A string reference: core imports no code of registry, only names its table.
    unit = models.ForeignKey(
        "registry.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password) -> None:
        from django.utils import timezone

        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class CalendarYear(models.Model):
    """A year whose holiday schedule an administrator entered by hand.

    ``chinesecalendar`` knows the State Council's schedules through 2026 only; for a later
    year the calendar refuses to guess until the year is declared here, with its overrides.
    """

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("依据", max_length=200, help_text="如：国办发明电〔2026〕X号")
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class HolidayOverride(models.Model):
    """One day whose working status differs from the default schedule (holiday or 调休 work day)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=100, blank=True, help_text="如：春节、国庆节调休上班")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_working_day else '休息'} {self.name}"


# Chinese names of audit actions; each app adds its own in AppConfig.ready().
ACTION_LABELS: dict[str, str] = {}


class AppendOnlyQuerySet(models.QuerySet):
    """The audit log is append-only: no bulk update or delete path (等保 2.0 安全审计)."""

    def update(self, **kwargs):
        raise PermissionError("操作日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("操作日志只能追加，不能删除；过期日志请用 purge_audit 命令按保留期清理")

    def _purge_before(self, cutoff):
        """The one deletion path: entries older than the retention period (see ``core.audit.purge``)."""
        return models.QuerySet.delete(self.filter(at__lt=cutoff))


class AuditLog(models.Model):
    """Who changed what, when, with the state before and after; written by every ``do_*`` service."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    comment = models.TextField("说明", blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    # Copied from the object at write time so the history is scoped like the object itself.
    region_path = models.CharField(max_length=255, blank=True, db_index=True)
    unit_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    scope_fields = ScopeFields(region_path="region_path", unit="unit_id")
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("操作日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("操作日志只能追加，不能删除")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field's Chinese name, before, after) for every field that changed."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(self._label(k), before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    def _label(self, key: str) -> str:
        from django.apps import apps

        try:
            model = apps.get_model(self.object_type)
            return str(model._meta.get_field(key).verbose_name)
        except (LookupError, ValueError, Exception):
            return key


class JobClaim(models.Model):
    """A short lease on one unit of background work, so two workers never do it at once.

    Taken by insert (the unique key decides between two newcomers) or by a conditional update
    of an expired lease; the owner is the Celery task id, so a redelivered task may retake its
    own lease after its worker died.
    """

    key = models.CharField(max_length=200, unique=True)
    owner = models.CharField(max_length=200)
    claimed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "任务占用"
        verbose_name_plural = "任务占用"

    def __str__(self) -> str:
        return f"{self.key} ← {self.owner}"
