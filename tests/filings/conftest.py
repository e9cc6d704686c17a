"""Chains for the test region: 青山县 walks owner → county office → city office (001 第十三条);
临河区 has one step at the district office (002, Dingtao-style); the city its own office."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_user
from govmedia.core.models import Role
from govmedia.filings import services
from govmedia.filings.models import UNDERTAKING, Filing, FilingKind  # noqa: F401

MONDAY = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    from govmedia.core import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def chains(world):
    w = world
    w.chain_a = services.do_configure_chain(
        w.county_a,
        acting_user=w.admin,
        name="青山县逐级审核",
        number_pattern="青备〔{year}〕{seq:04d}号",
        steps=[
            {"name": "主办单位意见", "approver_unit": None, "days": 3},
            {"name": "县级管理单位审核意见", "approver_unit": w.office_a, "days": 5},
            {"name": "市级管理单位审核意见", "approver_unit": w.city_office, "days": 5},
        ],
    )
    w.chain_b = services.do_configure_chain(
        w.county_b,
        acting_user=w.admin,
        name="临河区备案",
        number_pattern="临备〔{year}〕{seq:04d}号",
        steps=[{"name": "区政府办公室备案", "approver_unit": w.office_b, "days": 5}],
    )
    w.chain_city = services.do_configure_chain(
        w.city,
        acting_user=w.admin,
        name="示例市备案",
        number_pattern="示备〔{year}〕{seq:04d}号",
        steps=[{"name": "市政府办公室审核", "approver_unit": w.city_office, "days": 5}],
    )
    w.editor_b = make_user("editor_b", Role.EDITOR, w.dept_b)
    w.editor_city_gov = make_user("editor_gov", Role.EDITOR, w.city_gov)
    w.editor_gov_a = make_user("editor_gov_a", Role.EDITOR, w.gov_a)
    return w


def new_filing(w, kind, editor, *, account=None, **fields) -> Filing:
    filing = Filing(kind=kind, owner=editor.unit, reason="工作需要", undertaking_accepted=True)
    if account is not None:
        services.prefill_from_account(filing, account)
    else:
        filing.account_name = "青山县教育局"
        filing.platform = "douyin"
        filing.platform_uid = "qs-edu-dy"
        filing.head_name = "王五"
        filing.head_mobile = "13900000000"
    for k, v in fields.items():
        setattr(filing, k, v)
    return services.do_save_filing(filing, acting_user=editor)


def walk(filing, *approvers, today=MONDAY):
    """Approve the pending step once per approver, in order."""
    for user in approvers:
        step = filing.current_steps().get(status="pending")
        filing = services.do_approve_step(step, acting_user=user, comment="同意", today=today)
    return filing
