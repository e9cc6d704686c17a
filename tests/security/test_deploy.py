import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "GOVMEDIA_HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "GOVMEDIA_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "gov.example.cn",
    }
    env.pop("GOVMEDIA_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, world):
    client.force_login(world.supervisor_a)
    policy = client.get(reverse("web:matrix"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert client.get(reverse("web:matrix"))["Cache-Control"] == "no-store"


def test_no_template_uses_inline_scripts_or_event_handlers():
    import re

    offenders = []
    for template in ROOT.glob("govmedia/**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert not offenders, f"内联脚本会被 CSP 拦截：{offenders}"


def test_a_nul_byte_in_a_parameter_is_refused_with_a_clear_message_not_a_server_error(client, world):
    client.force_login(world.supervisor_a)
    for url in ["/?q=%00abc", "/api/accounts/?q=a%00b", "/units/?x=%00"]:
        response = client.get(url)
        assert response.status_code == 400 and "空字符" in response.content.decode()
    assert client.get("/?q=青山").status_code == 200


def test_non_ascii_digits_and_huge_ids_in_filters_are_ignored_not_server_errors(client, world):
    client.force_login(world.city_supervisor)
    for url in ["/?region=%C2%B3", "/?unit=%D9%A3", "/api/accounts/?region=%C2%B3&unit=99999999999999999999999",
                "/supervision/findings/?unit=%C2%B3", "/interaction/?account=%C2%B3"]:
        assert client.get(url).status_code in (200, 302), url
