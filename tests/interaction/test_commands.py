"""The scheduled jobs run as commands and Celery tasks, and running them twice changes nothing."""

from io import StringIO

from django.core.management import call_command

from govmedia.dispatch import tasks as dispatch_tasks
from govmedia.interaction import tasks as interaction_tasks
from govmedia.interaction.models import Case
from govmedia.security import tasks as security_tasks

from .conftest import make_message


def test_the_reply_reminders_command_opens_cases_once(world):
    make_message(world.account_a)
    out = StringIO()
    call_command("reply_reminders", stdout=out)
    assert "新建办理记录 1 条" in out.getvalue()
    call_command("reply_reminders", stdout=out)
    assert Case.objects.count() == 1


def test_the_celery_tasks_run_in_process(world):
    make_message(world.account_a)
    assert interaction_tasks.reply_reminders()["opened"] == 1
    assert dispatch_tasks.run() == {"completed": 0, "reminded": 0, "missed": 0}
    assert security_tasks.password_reminders()["unregistered"] == 5


def test_the_dispatch_and_password_commands_print_a_chinese_summary(world):
    out = StringIO()
    call_command("dispatch_run", stdout=out)
    call_command("password_reminders", stdout=out)
    assert "认定完成 0 个任务" in out.getvalue() and "未登记提醒 5 条" in out.getvalue()
