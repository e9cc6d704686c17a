"""The demo builders are idempotent and say what they did in Chinese."""

from govmedia.dispatch.demo import build_demo_dispatch
from govmedia.dispatch.models import Directive
from govmedia.interaction.demo import build_demo_interaction
from govmedia.interaction.models import Answer, Case
from govmedia.security.demo import build_demo_security
from govmedia.security.models import AccountSecurity, DutyShift

from .conftest import make_message


def test_the_demo_builders_run_twice_without_duplicates(world):
    make_message(world.account_a)
    first = [build_demo_interaction(), build_demo_dispatch(), build_demo_security()]
    counts = (
        Answer.objects.count(),
        Case.objects.count(),
        Directive.objects.count(),
        AccountSecurity.objects.count(),
    )
    second = [build_demo_interaction(), build_demo_dispatch(), build_demo_security()]
    assert counts == (
        Answer.objects.count(),
        Case.objects.count(),
        Directive.objects.count(),
        AccountSecurity.objects.count(),
    )
    assert counts[1] == 1 and counts[2] == 1 and DutyShift.objects.count() == 7
    assert first[0].startswith("留言办理") and "本次新建 0 条" in second[0]
    assert first[1].startswith("指挥调度") and first[2].startswith("安全管理")
