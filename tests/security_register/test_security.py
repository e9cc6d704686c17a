"""The security register, password reminders, the duty roster and incidents, and their scope."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from govmedia.core.models import AuditLog, Role
from govmedia.registry.models import AccountStatus
from govmedia.security import services
from govmedia.security.models import (
    AccountSecurity,
    DutyShift,
    IncidentStatus,
    SecurityIncident,
    SecurityReminder,
)

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _register(world, account, changed_on):
    return services.do_save_register(
        account,
        acting_user=world.supervisor_a,
        password_holder="王五",
        terminals="办公室电脑一台（王五）",
        password_changed_on=changed_on,
    )


def test_the_register_keeps_holder_and_terminals_and_refuses_a_password(world):
    register = _register(world, world.account_a, dt.date(2026, 10, 1))
    assert register.password_due_on() == dt.date(2026, 12, 30)
    with pytest.raises(services.SecurityError) as secret:
        services.do_save_register(
            world.account_a,
            acting_user=world.editor_a,
            password_holder="王五",
            terminals="手机一台，密码：Abc12345",
        )
    assert secret.value.field == "terminals" and "密码本身" in secret.value.message
    assert AuditLog.objects.filter(action="security.password_changed").count() == 1


def test_password_reminders_fire_at_90_days_once_and_for_unregistered_accounts(world):
    _register(world, world.account_a, dt.date(2026, 8, 1))
    _register(world, world.account_a2, dt.date(2026, 11, 1))
    world.town_account.status = AccountStatus.SUSPENDED
    world.town_account.save()
    with time_machine.travel(NOW, tick=False):
        first = services.send_password_reminders()
        assert services.send_password_reminders() == {"password": 0, "unregistered": 0}
    assert first == {"password": 1, "unregistered": 2}  # account_a; city_account and account_b unregistered
    assert SecurityReminder.objects.get(kind="password").account == world.account_a
    with time_machine.travel(NOW + dt.timedelta(days=66), tick=False):  # 2027-02-01: account_a2 due too
        assert services.send_password_reminders()["password"] == 1


def test_outsiders_cannot_edit_another_units_register(world, login):
    url = reverse("security:account", args=[world.account_a2.pk])
    assert login(world.supervisor_a).get(url).status_code == 200
    for user in (world.editor_a, world.supervisor_b):
        assert login(user).post(url, {"password_holder": "越权"}).status_code == 404
    assert not AccountSecurity.objects.exists()


def test_the_register_page_flags_accounts_needing_a_password_change(world, login):
    _register(world, world.account_a, dt.date(2026, 1, 1))
    _register(world, world.account_a2, timezone.localdate())
    page = _text(login(world.supervisor_a).get(reverse("security:register")))
    assert "需修改" in page and "临河教育" not in page


def test_the_duty_roster_shows_todays_person_and_refuses_duplicates(world, login):
    today = timezone.localdate()
    services.do_add_duty(
        acting_user=world.supervisor_a, unit=world.dept_a, date=today, person="赵六", phone="0571-88886666"
    )
    with pytest.raises(services.SecurityError) as dup:
        services.do_add_duty(
            acting_user=world.supervisor_a, unit=world.dept_a, date=today, person="赵六", phone="13800000000"
        )
    assert dup.value.field == "person"
    with pytest.raises(services.SecurityError) as phone:
        services.do_add_duty(
            acting_user=world.supervisor_a, unit=world.dept_a, date=today, person="钱七", phone="打电话"
        )
    assert phone.value.field == "phone"
    with pytest.raises(PermissionDenied):
        services.do_add_duty(
            acting_user=world.supervisor_b, unit=world.dept_a, date=today, person="越权", phone="13800000000"
        )
    assert [s.person for s in services.on_duty(world.supervisor_a)] == ["赵六"]
    assert list(services.on_duty(world.supervisor_b)) == []
    assert "赵六" in _text(login(world.editor_a).get(reverse("security:register")))
    gaps = services.duty_gaps(world.dept_a.__class__.objects.filter(pk=world.dept_a.pk), today, days=2)
    assert [(u.pk, d) for u, d in gaps] == [(world.dept_a.pk, today + dt.timedelta(days=1))]


def test_the_duty_page_adds_a_shift_and_names_a_bad_field(world, login):
    client = login(world.supervisor_a)
    client.post(
        reverse("security:duty"),
        {"unit": world.dept_a2.pk, "date": "2026-12-01", "person": "孙八", "phone": "13900001111"},
    )
    assert DutyShift.objects.get().person == "孙八"
    page = _text(
        client.post(
            reverse("security:duty"),
            {"unit": world.dept_a2.pk, "date": "十二月", "person": "x", "phone": "139"},
            follow=True,
        )
    )
    assert "日期：日期格式不正确" in page


def _incident(world, **extra):
    values = {
        "kind": "stolen",
        "level": "larger",
        "title": "账号被盗发布无关广告",
        "occurred_at": timezone.now() - dt.timedelta(hours=2),
        **extra,
    }
    return services.do_report_incident(world.account_a2, acting_user=world.supervisor_a, **values)


def test_an_incident_has_a_timeline_and_closes_with_a_report(world):
    incident = _incident(world)
    services.do_add_event(incident, acting_user=world.supervisor_a, text="已修改密码并删除广告")
    assert incident.status == IncidentStatus.HANDLING
    with pytest.raises(services.SecurityError) as short:
        services.do_close_incident(incident, acting_user=world.supervisor_a, report="已处理")
    assert short.value.field == "report"
    services.do_close_incident(
        incident,
        acting_user=world.supervisor_a,
        report="原因：弱密码被撞库。处置：改密、删帖、开启扫码登录。整改：每90天改密。",
    )
    assert incident.status == IncidentStatus.CLOSED
    assert list(incident.events.values_list("text", flat=True))[-1] == "结案"
    assert services.accounts_with_incidents() == {world.account_a2.pk}


def test_an_impostor_account_closes_only_after_the_platform_acts(world):
    with pytest.raises(services.SecurityError) as missing:
        _incident(world, kind="impostor", title="发现仿冒账号")
    assert missing.value.field == "impostor_name"
    incident = _incident(
        world, kind="impostor", title="发现仿冒“青山民政”抖音号", impostor_name="青山民政服务"
    )
    services.do_update_takedown(incident, acting_user=world.supervisor_a, takedown="reported")
    with pytest.raises(services.SecurityError) as early:
        services.do_close_incident(
            incident,
            acting_user=world.supervisor_a,
            report="平台已受理举报，等待处理结果，持续关注后续情况。",
        )
    assert early.value.field == "takedown"
    services.do_update_takedown(incident, acting_user=world.supervisor_a, takedown="removed")
    services.do_close_incident(
        incident, acting_user=world.supervisor_a, report="平台已注销仿冒账号，已在本账号发布声明提醒群众。"
    )
    assert SecurityIncident.objects.get(pk=incident.pk).status == IncidentStatus.CLOSED


def test_bad_incident_input_names_the_field(world, login):
    page = _text(
        login(world.supervisor_a).post(
            reverse("security:incident_new"),
            {
                "account": world.account_b.pk,
                "kind": "stolen",
                "level": "严重",
                "title": "",
                "occurred_at": "昨天",
            },
        )
    )
    assert "涉及账号不在您的管理范围内" in page and "请填写事件概述" in page and "发生时间格式不正确" in page
    assert not SecurityIncident.objects.exists()


def test_incidents_are_scoped(world, login):
    incident = _incident(world)
    other_editor = make_user("editor_b", Role.EDITOR, world.dept_b)
    url = reverse("security:incident", args=[incident.pk])
    assert login(world.supervisor_a).get(url).status_code == 200
    for user in (world.editor_a, world.supervisor_b, other_editor):
        assert login(user).get(url).status_code == 404
        assert login(user).post(url, {"action": "event", "text": "越权"}).status_code == 404
        assert "账号被盗" not in _text(login(user).get(reverse("security:incidents")))
    assert incident.events.count() == 1
