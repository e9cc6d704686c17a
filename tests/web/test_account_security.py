import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from govmedia.core.models import AuditLog


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _login(client, username="sup_a"):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_supervisor_enrols_a_totp_device_and_must_enter_a_code_at_the_next_login(client, world):
    _login(client)
    page = client.get(reverse("otp_setup"))
    assert "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=world.supervisor_a)
    assert (
        "不正确"
        in client.post(
            reverse("otp_setup"), {"token": "000000" if _code(device) != "000000" else "111111"}
        ).content.decode()
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow the next attempt down
    device.throttle_reset()
    assert client.post(reverse("otp_setup"), {"token": _code(device)}).status_code == 302
    assert AuditLog.objects.filter(action="core.second_factor_enabled").exists()

    client.logout()
    _login(client)
    response = client.get(reverse("web:matrix"))
    assert response.status_code == 302 and response.url.startswith(reverse("otp_verify"))
    assert client.get("/api/accounts/").status_code == 302  # session API use needs the code too
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post(reverse("otp_verify"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("web:matrix")).status_code == 200


def test_supervisors_must_enrol_when_the_policy_requires_it_but_editors_need_not(client, world, settings):
    settings.REQUIRE_SECOND_FACTOR_FOR_SUPERVISORS = True
    _login(client)
    assert client.get(reverse("web:matrix")).url.startswith(reverse("otp_setup"))
    client.logout()
    _login(client, "editor_a")
    assert client.get(reverse("web:matrix")).status_code == 200


def test_an_expired_password_must_be_changed_first(client, world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    world.supervisor_a.password_changed_at = timezone.now() - dt.timedelta(days=91)
    world.supervisor_a.save()
    _login(client)
    assert client.get(reverse("web:matrix")).url.startswith(reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Qingshan-new-2026!",
            "new_password2": "Qingshan-new-2026!",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("web:matrix")).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_the_verify_page_never_redirects_off_site(client, world, target):
    _login(client)
    device = TOTPDevice.objects.create(user=world.supervisor_a, confirmed=True, name="t")
    response = client.post(reverse("otp_verify") + f"?next={target}", {"token": _code(device)})
    assert response.status_code == 302 and "evil" not in response.url
