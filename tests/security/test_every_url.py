"""Every URL of the project × personas: nobody reads or changes what is outside its scope.

The URL list comes from the resolver, so a new view is covered automatically: a view that is
not declared below (public, a scoped list, or a scoped object with the object to try) fails
``test_every_url_has_a_declared_scope_rule``.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import make_user
from govmedia.core.models import AuditLog, Role
from govmedia.registry.models import Contact, MediaAccount, Unit
from tests.filings.factories import a2_filing, a2_step
from tests.review.factories import a2_attachment, a2_flag, a2_review
from tests.supervision.factories import account_a2_finding, account_a2_score, county_a_inspection

# Reachable without logging in, and showing nothing scoped.
PUBLIC = {"login", "logout", "schema", "api-root", "web:public_matrix", "web:public_qr", "web:healthz"}
# Called by platforms, not people: authenticated by a push token in the URL and the platform's signature.
PLATFORM_CALLBACKS = {"interaction:wechat_push", "content:ingest_posts", "content:ingest_messages"}
PUBLIC |= PLATFORM_CALLBACKS
# Published bulletins (an unpublished one is 404 to the public: tests/results/test_bulletins.py).
PUBLIC |= {"results:public_bulletins", "results:public_bulletin", "results:public_bulletin_pdf"}

# Pages and endpoints listing scoped data: an outsider must not find 青山县民政局's account in them.
LISTS = {
    "web:matrix": {},
    "results:rectifications": {},
    "results:rectification_new": {},
    "results:notices": {},
    "results:bulletins": {},
    "results:bulletin_new": {},
    "results:dashboard": {},
    "results:assessments": {},
    "results:cleanup": {},
    "results:indices": {},
    "web:units": {},
    "web:audit": {},
    "web:import": {},
    "web:export": {"kind": "accounts"},
    "web:template": {"kind": "accounts"},
    "web:account_new": {},
    "web:unit_new": {},
    "unit-list": {},
    "account-list": {},
    "riskcheck:check": {},
    "otp_setup": {},
    "otp_verify": {},
    "password_change": {},
    "interaction:inbox": {},
    "interaction:forwarded": {},
    "interaction:report": {},
    "interaction:notifications": {},
    "interaction:answers": {},
    "interaction:answer_new": {},
    "interaction:rules": {},
    "dispatch:directives": {},
    "dispatch:directive_new": {},
    "dispatch:tasks": {},
    "security:register": {},
    "security:duty": {},
    "security:incidents": {},
    "security:incident_new": {},
    "supervision:inspections": {},
    "supervision:inspection_new": {},
    "supervision:findings": {},
    "supervision:inspection-list": {},
    "supervision:score-list": {},
    "supervision:finding-list": {},
    "supervision:warnings": {},
    "review:drafts": {},
    "review:inbox": {},
    "review:notices_read": {},
    "review:new": {},
    "review:live_check": {},
    "review:register": {},
    "content:connections": {},
    "filings:list": {},
    "filings:waiting": {},
    "filings:report": {},
    "filings:new": {"kind": "open"},
    "filing-list": {},
}


def _results(name):
    """A factory of tests/results/factories.py, imported when called."""

    def make(world):
        from tests.results import factories

        return getattr(factories, name)(world)

    return make


# Pages and endpoints of one object: the target belongs to 青山县民政局 (county A).
OBJECTS = {
    "web:account": lambda w: w.account_a2,
    **{
        f"results:{n}": _results("a2_rectification")
        for n in ("rectification", "rectification_answer", "rectification_decide")
    },
    "results:evidence": _results("a2_evidence"),
    "results:assessment": _results("a2_assessment"),
    "results:assessment_export": _results("a2_assessment"),
    "results:cleanup_candidate": _results("a2_candidate"),
    **{
        f"results:{n}": _results("a2_bulletin")
        for n in ("bulletin", "bulletin_edit", "bulletin_approve", "bulletin_reopen", "bulletin_publish")
        + ("bulletin_docx", "bulletin_pdf", "bulletin_xlsx")
    },
    "web:account_edit": lambda w: w.account_a2,
    "web:account_qr": lambda w: w.account_a2,
    "web:unit": lambda w: w.dept_a2,
    "web:unit_edit": lambda w: w.dept_a2,
    "account-detail": lambda w: w.account_a2,
    "unit-detail": lambda w: w.dept_a2,
    "interaction:case": lambda w: _case_of(w.account_a2),
    "interaction:answer": lambda w: _answer_of(w.dept_a2),
    "dispatch:directive": lambda w: _directive_of(w, w.dept_a2),
    "dispatch:task": lambda w: _directive_of(w, w.dept_a2).tasks.get(),
    "dispatch:attachment": lambda w: _directive_of(w, w.dept_a2, attachment=True),
    "security:account": lambda w: w.account_a2,
    "security:incident": lambda w: _incident_of(w.account_a2),
    "supervision:inspection": county_a_inspection,
    "supervision:inspection_publish": county_a_inspection,
    "supervision:inspection_rerun": county_a_inspection,
    "supervision:inspection_export": county_a_inspection,
    "supervision:score_card": account_a2_score,
    "supervision:finding": account_a2_finding,
    "supervision:inspection-detail": county_a_inspection,
    "supervision:score-detail": account_a2_score,
    "supervision:finding-detail": account_a2_finding,
    "review:detail": a2_review,
    "review:edit": a2_review,
    "review:submit": a2_review,
    "review:decide": a2_review,
    "review:publish": a2_review,
    "review:upload": a2_review,
    "review:dismiss": a2_flag,
    "review:attachment": a2_attachment,
    "review:remove_attachment": a2_attachment,
    "content:account_posts": lambda w: w.account_a2,
    "content:account_messages": lambda w: w.account_a2,
    "content:credentials": lambda w: w.account_a2,
    **{
        f"filings:{n}": a2_filing
        for n in ("detail", "edit", "submit", "withdraw", "registered", "docx", "pdf", "notice")
    },
    "filings:decide": a2_step,
    "filing-detail": a2_filing,
    "filing-decide": a2_filing,
}


def _case_of(account):
    from tests.interaction.conftest import make_case

    return make_case(account, "青山民政的留言：请问低保怎么申请？")


def _directive_of(world, unit, attachment=False):
    """Issued by 青山县民政局 itself (as a supervising office would) to its own account."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from govmedia.dispatch.models import Directive, Task

    directive = Directive.objects.create(
        issuer=unit, title="青山民政转发任务", deadline=timezone.now() + dt.timedelta(days=1)
    )
    if attachment:
        directive.attachment.save("notice.pdf", ContentFile(b"%PDF-1.4 test"))
    Task.objects.create(directive=directive, account=world.account_a2)
    return directive


def _incident_of(account):
    from django.utils import timezone

    from govmedia.security.models import SecurityIncident

    return SecurityIncident.objects.create(
        account=account, kind="stolen", title="青山民政账号被盗", occurred_at=timezone.now()
    )


def _answer_of(unit):
    from govmedia.interaction.models import Answer

    return Answer.objects.create(owner=unit, question="低保怎么申请？", answer="到青山民政窗口办理。")


OUTSIDERS = ["supervisor_b", "editor_a", "reviewer_a", "other_county_editor"]


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if "format" in pattern.pattern.regex.groupindex:
                continue  # DRF's .json suffix twins of the same views
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def project_url_names() -> set[str]:
    names = set(_walk(get_resolver().url_patterns))
    return {n for n in names if not n.startswith("admin:")}


def _state() -> tuple:
    return (
        list(
            MediaAccount.objects.order_by("pk").values_list("pk", "name", "status", "owner_id", "followers")
        ),
        list(Unit.objects.order_by("pk").values_list("pk", "name", "parent_id", "region_id")),
        list(Contact.objects.order_by("pk").values_list("pk", "name", "mobile")),
        AuditLog.objects.count(),
    )


@pytest.fixture
def personas(world):
    world.other_county_editor = make_user("editor_b", Role.EDITOR, world.dept_b)
    return world


def test_every_url_has_a_declared_scope_rule():
    undeclared = project_url_names() - PUBLIC - set(LISTS) - set(OBJECTS)
    assert not undeclared, f"这些视图没有声明数据范围规则（在本文件中归类）：{sorted(undeclared)}"


@pytest.mark.parametrize("name", sorted(project_url_names() - PUBLIC))
def test_anonymous_visitors_get_nothing_from_any_scoped_url(client, world, name):
    url = _url(world, name)
    response = client.get(url)
    assert response.status_code in (302, 401, 403), (name, response.status_code)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_outsiders_cannot_read_or_change_another_units_object(client, personas, persona, name):
    url = _url(personas, name)
    client.force_login(personas.supervisor_a)
    insider = client.get(url).status_code
    assert insider in (200, 405), "the county's own supervisor must reach it (else the test proves nothing)"
    client.force_login(getattr(personas, persona))
    before = _state()
    assert client.get(url).status_code == (404 if insider == 200 else 405)  # 405: an action taking POST only
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(url, {"name": "越权修改", "status": "closed"})
        assert response.status_code in (403, 404, 405), (method, response.status_code)
    assert _state() == before


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("name", sorted(LISTS))
def test_outsiders_never_find_another_units_account_in_lists(client, personas, persona, name):
    client.force_login(getattr(personas, persona))
    before = _state()
    response = client.get(_url(personas, name))
    assert response.status_code in (200, 403), (name, response.status_code)
    body = _body(response)
    assert "青山民政" not in body and "a-mz-dy" not in body
    client.post(_url(personas, name), {"name": "越权修改", "text": "测试"})
    assert _state() == before


def _url(world, name: str) -> str:
    if name in OBJECTS:
        return reverse(name, kwargs={"pk": OBJECTS[name](world).pk})
    return reverse(name, kwargs=LISTS.get(name) or None)


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return re.sub(r"\s+", " ", content.decode("utf-8", errors="replace"))
