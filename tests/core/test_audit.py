import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from govmedia.core.audit import audit, purge
from govmedia.core.models import AuditLog


def test_audit_rows_cannot_be_changed_or_deleted(world):
    entry = audit(world.admin, "registry.account_updated", world.account_a, before={"a": 1}, after={"a": 2})
    entry.comment = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(comment="篡改")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).comment == ""


def test_purging_keeps_at_least_six_months(world):
    audit(world.admin, "registry.account_updated", world.account_a)
    with pytest.raises(ValueError, match="至少保留 180 天"):
        purge(older_than_days=90)
    assert purge(older_than_days=180) == 0
    assert purge(older_than_days=180, now=timezone.now() + dt.timedelta(days=200)) == 1


def test_a_change_through_a_page_records_the_clients_address(world, client):
    client.force_login(world.editor_a)
    client.post(
        reverse("web:account_edit", args=[world.account_a.pk]),
        {
            "name": "青山教育",
            "platform": "wechat_subscription",
            "platform_uid": "a-edu-wx",
            "owner": world.dept_a.pk,
            "content_type": "text_image",
            "status": "active",
            "followers": 99,
        },
        REMOTE_ADDR="10.1.2.3",
    )
    entry = AuditLog.objects.get()
    assert entry.ip == "10.1.2.3" and entry.actor == world.editor_a
    assert entry.before["followers"] == 0 and entry.after["followers"] == 99
