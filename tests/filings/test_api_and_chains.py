"""The API viewset is scoped like the pages; chains load from YAML data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from govmedia.filings import services
from govmedia.filings.chains import DEMO_CHAINS, ChainFileError, load_chains
from govmedia.filings.models import ApprovalChain, FilingKind, FilingStatus

from .conftest import new_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(settings):
    settings.ROOT_URLCONF = "tests.filings.api_urls"


def test_the_api_lists_only_filings_in_scope_and_lets_the_approver_decide(chains, login, api):
    w = chains
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    step = filing.current_steps().get(status="pending")
    assert [f["number"] for f in login(w.supervisor_a).get("/filings-api/filings/").json()["results"]] == [
        filing.number
    ]
    outsider = login(w.supervisor_b)
    assert outsider.get("/filings-api/filings/").json()["count"] == 0
    assert outsider.get(f"/filings-api/filings/{filing.pk}/").status_code == 404
    url = f"/filings-api/filings/{filing.pk}/decide/"
    assert outsider.post(url, {"step": step.pk, "decision": "approve"}).status_code == 404
    assert login(w.city_supervisor).post(url, {"step": step.pk, "decision": "approve"}).status_code == 403
    response = login(w.reviewer_a).post(url, {"step": step.pk, "decision": "approve"})
    assert response.status_code == 200 and response.json()["current_step"] == 2
    assert login(w.supervisor_a).post(url, {"step": step.pk, "decision": "approve"}).status_code == 409
    next_step = filing.current_steps().get(status="pending")
    response = login(w.supervisor_a).post(url, {"step": next_step.pk, "decision": "return", "comment": ""})
    assert response.status_code == 409 and "理由" in response.json()["detail"]


def test_the_demo_chains_load_from_yaml_and_reloading_changes_nothing(chains):
    load_chains(DEMO_CHAINS)
    call_command("filing_chains")
    chain = ApprovalChain.objects.get(region__name="青山县")
    assert [s.approver_unit.name if s.approver_unit else "owner" for s in chain.steps.all()] == [
        "owner",
        "青山县人民政府办公室",
        "示例市人民政府办公室",
    ]
    assert chain.number_pattern == "青政媒备〔{year}〕{seq:04d}号"
    assert ApprovalChain.objects.get(region__name="临河区").steps.count() == 1
    assert ApprovalChain.objects.count() == 3


def test_a_chain_file_naming_an_unknown_unit_is_refused_in_chinese(chains, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- region: 青山县\n  name: x\n  steps:\n    - {name: 审核, approver: 不存在的办公室}\n", "utf-8"
    )
    with pytest.raises(ChainFileError, match="找不到审批单位“不存在的办公室”"):
        load_chains(path)
    assert ApprovalChain.objects.get(region__name="青山县").name == "青山县逐级审核"


def test_a_withdrawn_filing_cancels_its_open_steps(chains):
    w = chains
    filing = services.do_submit_filing(new_filing(w, FilingKind.OPEN, w.editor_a), acting_user=w.editor_a)
    filing = services.do_withdraw_filing(filing, acting_user=w.editor_a)
    assert filing.status == FilingStatus.WITHDRAWN
    assert not services.waiting_for(w.reviewer_a).exists()
