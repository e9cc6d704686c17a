"""Dispatch pages: issuing through the form, the live completion table, tasks in scope."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from govmedia.core.models import Role
from govmedia.dispatch.models import Directive, Task, TaskStatus

from .conftest import make_post


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_supervisor_issues_a_directive_through_the_form(world, login):
    client = login(world.supervisor_a)
    response = client.post(
        reverse("dispatch:directive_new"),
        {
            "title": "转发：关于做好冬季森林防火工作的通知",
            "kind": "repost",
            "source_url": "https://www.gov.cn/zhengce/content_1.htm",
            "deadline": "2099-12-01T18:00",
            "units": [world.dept_a2.pk],
        },
    )
    assert response.status_code == 302
    directive = Directive.objects.get()
    assert list(directive.tasks.values_list("account__name", flat=True)) == ["青山民政"]


def test_bad_form_input_gets_a_chinese_message_naming_the_field(world, login):
    page = _text(
        login(world.supervisor_a).post(
            reverse("dispatch:directive_new"),
            {
                "title": "x",
                "kind": "repost",
                "source_url": "不是网址",
                "deadline": "明天",
                "units": [world.dept_b.pk],
            },
        )
    )
    assert (
        "原文链接不是有效的网址" in page
        and "完成时限格式不正确" in page
        and "目标单位不在您的管理范围内" in page
    )
    assert not Directive.objects.exists()


def test_editors_cannot_open_the_issue_form(world, login):
    assert login(world.editor_a).get(reverse("dispatch:directive_new")).status_code == 403


def test_the_live_table_shows_who_did_it(world, login, directive_a):
    make_post(world.account_a, "【转载】关于做好冬季森林防火工作的通知")
    client = login(world.supervisor_a)
    client.post(reverse("dispatch:directive", args=[directive_a.pk]), {"action": "match"})
    page = _text(client.get(reverse("dispatch:directive", args=[directive_a.pk]), HTTP_HX_REQUEST="true"))
    assert 'id="completion"' in page and "<html" not in page
    assert "1/3" in page and "标题相似" in page


def test_an_editor_sees_its_own_units_tasks_only(world, login, directive_a):
    page = _text(login(world.editor_a).get(reverse("dispatch:tasks")))
    assert "青山教育" in page and "青山民政" not in page
    other = make_user("editor_b", Role.EDITOR, world.dept_b)
    task = Task.objects.get(directive=directive_a, account=world.account_a2)
    for user in (world.editor_a, world.supervisor_b, other):
        assert login(user).get(reverse("dispatch:task", args=[task.pk])).status_code == 404
        assert (
            login(user).post(reverse("dispatch:task", args=[task.pk]), {"action": "acknowledge"}).status_code
            == 404
        )
    assert login(world.editor_a).get(reverse("dispatch:directive", args=[directive_a.pk])).status_code == 404
    assert Task.objects.get(pk=task.pk).status == TaskStatus.PENDING


def test_acknowledging_on_the_task_page(world, login, directive_a):
    task = Task.objects.get(directive=directive_a, account=world.account_a)
    client = login(world.editor_a)
    client.post(reverse("dispatch:task", args=[task.pk]), {"action": "acknowledge"})
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACKNOWLEDGED
    page = _text(client.post(reverse("dispatch:task", args=[task.pk]), {"action": "confirm"}, follow=True))
    assert "请填写佐证链接或佐证说明" in page


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_attachment_is_checked_on_upload_and_downloaded_by_the_units_it_was_sent_to(world, login, media):
    client = login(world.supervisor_a)
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = _text(
        client.post(
            reverse("dispatch:directive_new"),
            {"title": "带附件", "kind": "info", "deadline": "2099-12-01T18:00", "attachment": fake},
        )
    )
    assert "附件内容与扩展名 .pdf 不符" in page and not Directive.objects.exists()
    real = SimpleUploadedFile("通知.pdf", b"%PDF-1.7 real", content_type="application/pdf")
    client.post(
        reverse("dispatch:directive_new"),
        {
            "title": "带附件",
            "kind": "info",
            "deadline": "2099-12-01T18:00",
            "units": [world.dept_a.pk],
            "attachment": real,
        },
    )
    directive = Directive.objects.get()
    url = reverse("dispatch:attachment", args=[directive.pk])
    assert b"".join(login(world.editor_a).get(url).streaming_content) == b"%PDF-1.7 real"
    other = make_user("editor_a2", Role.EDITOR, world.dept_a2)
    assert login(other).get(url).status_code == 404
    assert login(world.supervisor_b).get(url).status_code == 404
