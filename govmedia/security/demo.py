"""Demo security register, a week of duty roster and one impostor incident for 示例市. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from govmedia.registry.models import AccountStatus, MediaAccount, Unit
from govmedia.security.models import AccountSecurity, DutyShift, SecurityIncident


def build_demo_security() -> str:
    if not Unit.objects.filter(name="示例市人民政府办公室").exists():
        return "安全管理：演示地区不存在，跳过。"
    today = timezone.localdate()
    accounts = list(
        MediaAccount.objects.filter(status=AccountStatus.ACTIVE).select_related("owner").order_by("pk")
    )
    with transaction.atomic():
        for i, account in enumerate(accounts):
            if i % 5 == 4:
                continue  # some accounts never registered: the reminders find them
            AccountSecurity.objects.get_or_create(
                account=account,
                defaults={
                    "password_holder": account.owner.contact_name or "新媒体管理员",
                    "terminals": f"{account.owner.name}办公室电脑一台",
                    "password_changed_on": today - dt.timedelta(days=(i * 13) % 150),
                    "two_factor": i % 3 == 0,
                },
            )
        office = Unit.objects.get(name="示例市人民政府办公室")
        people = [("周文华", "0571-87000001"), ("李明", "0571-87000002"), ("王芳", "0571-87000003")]
        for offset in range(7):
            person, phone = people[(today + dt.timedelta(days=offset)).toordinal() % 3]
            DutyShift.objects.get_or_create(
                unit=office, date=today + dt.timedelta(days=offset), person=person, defaults={"phone": phone}
            )
        if accounts and not SecurityIncident.objects.exists():
            SecurityIncident.objects.create(
                account=accounts[0],
                kind="impostor",
                level="general",
                title=f"发现仿冒“{accounts[0].name}”的账号",
                occurred_at=timezone.now() - dt.timedelta(days=5),
                impostor_name=f"{accounts[0].name}服务",
                takedown="reported",
                status="handling",
            )
    return f"安全管理：{AccountSecurity.objects.count()} 个账号已登记，今日值班 {DutyShift.objects.filter(date=today).count()} 人。"
