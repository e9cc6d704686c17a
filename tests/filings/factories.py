"""Objects for the every-URL scope test (tests/security/test_every_url.py): a filing of 青山县民政局."""

from __future__ import annotations

from govmedia.filings.models import ApprovalChain, ApprovalStep, ChainStep, Filing, FilingStatus, StepStatus


def a2_filing(w) -> Filing:
    """A submitted close filing of 青山县民政局's account, pending at 青山县's county office."""
    existing = Filing.objects.filter(owner=w.dept_a2).first()
    if existing:
        return existing
    chain, _ = ApprovalChain.objects.get_or_create(region=w.county_a, defaults={"name": "青山县逐级审核"})
    ChainStep.objects.get_or_create(
        chain=chain, order=1, defaults={"name": "县级管理单位审核意见", "approver_unit": w.office_a}
    )
    filing = Filing.objects.create(
        kind="close",
        status=FilingStatus.IN_REVIEW,
        number="青备〔2026〕0099号",
        chain=chain,
        owner=w.dept_a2,
        account=w.account_a2,
        account_name="青山民政",
        platform="douyin",
        platform_uid="a-mz-dy",
        reason="整合",
        created_by=w.admin,
        round=1,
        current_step=1,
    )
    ApprovalStep.objects.create(
        filing=filing,
        round=1,
        order=1,
        name="县级管理单位审核意见",
        approver_unit=w.office_a,
        status=StepStatus.PENDING,
    )
    return filing


def a2_step(w) -> ApprovalStep:
    return a2_filing(w).steps.get()
