"""Filing services: the only way filings move, each move audited in its own transaction.

The moves follow ``TRANSITIONS``; approving a step is a conditional update so that two
approvers clicking at once cannot both win. The final approval applies the filing to the
registry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govmedia.core import calendar
from govmedia.core.audit import audit, snapshot
from govmedia.core.models import Role
from govmedia.core.scoping import scoped
from govmedia.filings.models import (
    ACCOUNT_FIELDS,
    CONTACT_FIELDS,
    ApprovalChain,
    ApprovalStep,
    ChainStep,
    Filing,
    FilingCounter,
    FilingKind,
    FilingStatus,
    StepStatus,
)
from govmedia.registry.models import (
    AccountStatus,
    Contact,
    MediaAccount,
    Platform,
    Region,
    RegionLevel,
    Unit,
    UnitKind,
)

TRANSITIONS: dict[str, set[str]] = {
    FilingStatus.DRAFT: {FilingStatus.IN_REVIEW, FilingStatus.WITHDRAWN},
    FilingStatus.IN_REVIEW: {
        FilingStatus.IN_REVIEW,  # one step approved, the next one starts
        FilingStatus.RETURNED,
        FilingStatus.REJECTED,
        FilingStatus.APPROVED,
        FilingStatus.WITHDRAWN,
    },
    FilingStatus.RETURNED: {FilingStatus.IN_REVIEW, FilingStatus.WITHDRAWN},
    FilingStatus.REJECTED: set(),
    FilingStatus.APPROVED: set(),
    FilingStatus.WITHDRAWN: set(),
}

APPROVER_ROLES = {Role.SUPERVISOR, Role.REVIEWER}
GOVERNMENT_KINDS = {UnitKind.GOVERNMENT}
COUNTY_OR_HIGHER = {RegionLevel.NATIONAL, RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY}
TARGET_STATUS = {
    FilingKind.SUSPEND: AccountStatus.SUSPENDED,
    FilingKind.CLOSE: AccountStatus.CLOSED,
}


class FilingError(Exception):
    """A refused move, with a Chinese message for the person who tried it."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class IllegalTransition(FilingError):
    pass


class AlreadyDecided(FilingError):
    """Someone else decided this step first."""


class NotAnApprover(PermissionDenied):
    pass


# Reads ---------------------------------------------------------------------------------


def visible_filings(user) -> QuerySet[Filing]:
    return scoped(Filing.objects.select_related("owner", "owner__region", "account", "chain"), user)


def waiting_for(user) -> QuerySet[ApprovalStep]:
    """Pending steps the user may decide, oldest deadline first."""
    if not user.is_authenticated or user.unit_id is None or user.role not in APPROVER_ROLES:
        return ApprovalStep.objects.none()
    return (
        ApprovalStep.objects.filter(
            status=StepStatus.PENDING,
            approver_unit_id=user.unit_id,
            filing__status=FilingStatus.IN_REVIEW,
        )
        .select_related("filing", "filing__owner", "approver_unit")
        .order_by("due_on", "id")
    )


def steps_due_soon(today: dt.date | None = None, within: int = 1) -> QuerySet[ApprovalStep]:
    """Pending steps due within ``within`` working days: the reminder list (escalation is late_filings)."""
    today = today or timezone.localdate()
    last = calendar.add_working_days(today, within)
    return ApprovalStep.objects.filter(
        status=StepStatus.PENDING, due_on__gte=today, due_on__lte=last, filing__status=FilingStatus.IN_REVIEW
    ).select_related("filing", "approver_unit")


def chain_for(unit: Unit) -> ApprovalChain:
    """The chain of the unit's nearest region (itself, then up) that configured one."""
    regions = list(reversed(unit.region.ancestors()))
    chains = {c.region_id: c for c in ApprovalChain.objects.filter(region__in=regions)}
    for region in regions:
        if region.pk in chains:
            return chains[region.pk]
    raise FilingError(f"“{unit.region.name}”及其上级尚未配置账号备案审批流程，请联系系统管理员。")


def can_decide(user, step: ApprovalStep) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role in APPROVER_ROLES
        and user.unit_id == step.approver_unit_id
        and step.status == StepStatus.PENDING
    )


def is_county_government_account(account: MediaAccount) -> bool:
    """001_…txt 第十四条: accounts opened by a county-or-higher people's government."""
    owner = account.owner
    return owner.kind in GOVERNMENT_KINDS and owner.region.level in COUNTY_OR_HIGHER


def notice_ends_on(filing: Filing) -> dt.date | None:
    if not filing.notice_published_on:
        return None
    return calendar.add_working_days(filing.notice_published_on, filing.chain.notice_days)


def diff_with_account(filing: Filing) -> dict[str, list]:
    """{field: [old, new]} for every form field that differs from the account (as text)."""
    account = filing.account
    if account is None:
        return {}
    changes: dict[str, list] = {}
    for filing_field, account_field in ACCOUNT_FIELDS:
        old, new = getattr(account, account_field), getattr(filing, filing_field)
        if old != new:
            changes[filing_field] = [_text(filing, filing_field, old), _text(filing, filing_field, new)]
    contacts = {c.role: c for c in account.contacts.all()}
    for role, (name_f, office_f, mobile_f) in CONTACT_FIELDS.items():
        contact = contacts.get(role)
        olds = (contact.name, contact.office_phone, contact.mobile) if contact else ("", "", "")
        for field, old in zip((name_f, office_f, mobile_f), olds, strict=True):
            new = getattr(filing, field)
            if old != new:
                changes[field] = [old, new]
    return changes


def _text(filing: Filing, field: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if field == "platform":
        return Platform(value).label
    return str(value)


def prefill_from_account(filing: Filing, account: MediaAccount) -> Filing:
    """Copy the account's current data into a new change/suspend/close/merge form."""
    filing.account = account
    filing.owner = account.owner
    for filing_field, account_field in ACCOUNT_FIELDS:
        setattr(filing, filing_field, getattr(account, account_field))
    for contact in account.contacts.all():
        fields = CONTACT_FIELDS.get(contact.role)
        if fields:
            for field, value in zip(
                fields, (contact.name, contact.office_phone, contact.mobile), strict=True
            ):
                setattr(filing, field, value)
    return filing


# Writes --------------------------------------------------------------------------------


def _move(filing: Filing, new_status: str) -> None:
    if new_status not in TRANSITIONS[filing.status]:
        raise IllegalTransition(
            f"备案当前状态为“{filing.get_status_display()}”，不能变为“{FilingStatus(new_status).label}”。"
        )
    filing.status = new_status


def require_editor_of(filing: Filing, user) -> None:
    if user.role == Role.ADMIN or user.is_superuser:
        return
    if user.role != Role.EDITOR or user.unit_id != filing.owner_id:
        raise PermissionDenied("只有主办单位的编辑可以填报、提交或撤回本单位的备案。")


def do_save_filing(filing: Filing, *, acting_user) -> Filing:
    """Create or edit a draft (or a returned filing) of the user's own unit."""
    if filing.pk and filing.status not in {FilingStatus.DRAFT, FilingStatus.RETURNED}:
        raise IllegalTransition("备案已提交审批，不能再修改；如需修改请等待退回。")
    require_editor_of(filing, acting_user)
    with transaction.atomic():
        before = snapshot(Filing.objects.get(pk=filing.pk)) if filing.pk else None
        if not filing.chain_id:
            filing.chain = chain_for(filing.owner)
        if not filing.created_by_id:
            filing.created_by = acting_user
        filing.changes = diff_with_account(filing) if filing.kind == FilingKind.CHANGE else {}
        filing.save()
        audit(
            acting_user,
            "filings.updated" if before else "filings.created",
            filing,
            before=before,
            after=snapshot(filing),
        )
    return filing


def submission_problems(filing: Filing) -> list[str]:
    """Why the filing cannot be submitted yet (Chinese messages); empty when it can."""
    problems = []
    if not filing.undertaking_accepted:
        problems.append("请阅读并勾选接受承诺栏（002_…txt 备案表）。")
    if not filing.reason.strip():
        problems.append("请填写理由。")
    if filing.kind != FilingKind.OPEN and filing.account_id is None:
        problems.append("请选择要办理的账号。")
    if filing.kind == FilingKind.OPEN:
        if not filing.head_name:
            problems.append("请填写管理队伍中的单位主要负责人。")
        if (
            filing.platform_uid
            and MediaAccount.objects.filter(
                platform=filing.platform, platform_uid=filing.platform_uid
            ).exists()
        ):
            problems.append("该平台上已登记相同账号ID的账号，请改为变更备案。")
    if filing.kind == FilingKind.CHANGE and not diff_with_account(filing):
        problems.append("变更备案没有任何变更内容。")
    if filing.kind == FilingKind.MERGE and not filing.merged_accounts.exists():
        problems.append("请选择要整合（注销并并入保留账号）的账号。")
    if filing.kind == FilingKind.CLOSE and filing.account_id:
        if is_county_government_account(filing.account) and not filing.top_consent_ref.strip():
            problems.append(
                "县级以上人民政府开设的政务新媒体原则上不得注销（001_…txt 第十四条）；"
                "如已经自治区（省）级管理单位同意，请填写同意注销的文号。"
            )
        if filing.account.platform == Platform.APP and not filing.app_delisted:
            problems.append("注销的移动客户端须在各类应用商店下架后方可办理（001_…txt 第十四条）。")
    needs_notice = filing.kind in {FilingKind.SUSPEND, FilingKind.CLOSE, FilingKind.MERGE}
    if needs_notice and (
        not (filing.notice_url or filing.notice_screenshot) or not filing.notice_published_on
    ):
        problems.append("请先发布停更公告，并填写公告链接（或上传截图）和发布日期（003_…txt）。")
    return problems


def _next_number(chain: ApprovalChain, year: int) -> str:
    """Take the next number of the year; the counter row stays locked until the caller commits."""
    counter = FilingCounter.objects.select_for_update().filter(chain=chain, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                FilingCounter.objects.create(chain=chain, year=year)
        except IntegrityError:
            pass  # another submission created it first; lock theirs
        counter = FilingCounter.objects.select_for_update().get(chain=chain, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return chain.number_pattern.format(year=year, seq=counter.last)


def _open_round(filing: Filing, today: dt.date) -> None:
    filing.round += 1
    filing.current_step = 1
    steps = list(ChainStep.objects.filter(chain=filing.chain).order_by("order"))
    if not steps:
        raise FilingError("审批流程没有配置任何审批环节，请联系系统管理员。")
    ApprovalStep.objects.bulk_create(
        [
            ApprovalStep(
                filing=filing,
                round=filing.round,
                order=position,
                name=step.name,
                approver_unit=step.approver_unit or filing.owner,
                days=step.days,
                status=StepStatus.PENDING if position == 1 else StepStatus.WAITING,
                started_on=today if position == 1 else None,
                due_on=calendar.add_working_days(today, step.days) if position == 1 else None,
            )
            for position, step in enumerate(steps, start=1)
        ]
    )


def do_submit_filing(filing: Filing, *, acting_user, today: dt.date | None = None) -> Filing:
    """Submit (or resubmit after a return); the first submission takes the case's number."""
    require_editor_of(filing, acting_user)
    problems = submission_problems(filing)
    if problems:
        raise FilingError("；".join(problems))
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        if locked.status != filing.status:
            raise AlreadyDecided("备案状态已被他人更改，请刷新页面后重试。")
        before = snapshot(locked)
        _move(filing, FilingStatus.IN_REVIEW)
        if not filing.number:
            filing.number = _next_number(filing.chain, today.year)
        filing.submitted_at = timezone.now()
        if filing.kind == FilingKind.CHANGE:
            filing.changes = diff_with_account(filing)
        _open_round(filing, today)
        filing.save()
        audit(
            acting_user,
            "filings.resubmitted" if filing.round > 1 else "filings.submitted",
            filing,
            before=before,
            after=snapshot(filing),
        )
    return filing


def do_withdraw_filing(filing: Filing, *, acting_user, comment: str = "") -> Filing:
    require_editor_of(filing, acting_user)
    with transaction.atomic():
        old = filing.status
        _move(filing, FilingStatus.WITHDRAWN)
        if Filing.objects.filter(pk=filing.pk, status=old).update(status=FilingStatus.WITHDRAWN) != 1:
            raise AlreadyDecided("备案状态已被他人更改，请刷新页面后重试。")
        filing.current_steps().filter(status__in=[StepStatus.PENDING, StepStatus.WAITING]).update(
            status=StepStatus.CANCELLED
        )
        audit(acting_user, "filings.withdrawn", filing, comment=comment)
    return filing


def _claim(step: ApprovalStep, acting_user, new_status: str, comment: str) -> None:
    """The conditional update that decides which of two concurrent approvers wins."""
    if not can_decide(acting_user, step):
        if step.status != StepStatus.PENDING:
            raise AlreadyDecided("该审批环节已由他人办理，请刷新页面。")
        raise NotAnApprover(f"只有“{step.approver_unit.name}”的主管单位人员可以办理此环节。")
    won = ApprovalStep.objects.filter(pk=step.pk, status=StepStatus.PENDING).update(
        status=new_status, decided_by=acting_user, decided_at=timezone.now(), comment=comment
    )
    if won != 1:
        raise AlreadyDecided("该审批环节已由他人办理，请刷新页面。")
    step.refresh_from_db()


def do_approve_step(
    step: ApprovalStep, *, acting_user, comment: str = "", today: dt.date | None = None
) -> Filing:
    today = today or timezone.localdate()
    filing = step.filing
    with transaction.atomic():
        next_step = (
            ApprovalStep.objects.filter(filing=filing, round=step.round, order__gt=step.order)
            .order_by("order")
            .first()
        )
        if next_step is None:
            _check_final_approval(filing, today)
        _claim(step, acting_user, StepStatus.APPROVED, comment)
        filing = Filing.objects.select_for_update().get(pk=filing.pk)
        before = snapshot(filing)
        if next_step is not None:
            _move(filing, FilingStatus.IN_REVIEW)
            next_step.status = StepStatus.PENDING
            next_step.started_on = today
            next_step.due_on = calendar.add_working_days(today, next_step.days)
            next_step.save(update_fields=["status", "started_on", "due_on"])
            filing.current_step = next_step.order
            filing.save(update_fields=["status", "current_step", "updated_at"])
            audit(
                acting_user, "filings.step_approved", filing, comment=f"{step.name}：{comment}".rstrip("：")
            )
        else:
            _move(filing, FilingStatus.APPROVED)
            filing.decided_at = timezone.now()
            _apply_to_registry(filing, acting_user)
            filing.save()
            audit(
                acting_user,
                "filings.approved",
                filing,
                before=before,
                after=snapshot(filing),
                comment=f"{step.name}：{comment}".rstrip("："),
            )
    return filing


def _check_final_approval(filing: Filing, today: dt.date) -> None:
    """The close step waits for the notice period (003_…txt: 公告时间不少于15个工作日)."""
    if filing.kind in {FilingKind.SUSPEND, FilingKind.CLOSE, FilingKind.MERGE}:
        ends = notice_ends_on(filing)
        if ends is None:
            raise FilingError("尚未登记停更公告，不能办结。")
        if today < ends:
            raise FilingError(
                f"停更公告须公示不少于{filing.chain.notice_days}个工作日，"
                f"{ends.year}年{ends.month}月{ends.day}日起方可审批办结。"
            )
    if (
        filing.kind == FilingKind.CLOSE
        and filing.account
        and is_county_government_account(filing.account)
        and not filing.top_consent_ref.strip()
    ):
        raise FilingError("县级以上人民政府开设的政务新媒体原则上不得注销（001_…txt 第十四条）。")


def _decide_against(step: ApprovalStep, acting_user, comment: str, status: str, filing_status: str, action):
    if not comment.strip():
        raise FilingError("退回或不同意时必须填写理由。")
    with transaction.atomic():
        _claim(step, acting_user, status, comment)
        filing = Filing.objects.select_for_update().get(pk=step.filing_id)
        before = snapshot(filing)
        _move(filing, filing_status)
        ApprovalStep.objects.filter(filing=filing, round=step.round, status=StepStatus.WAITING).update(
            status=StepStatus.CANCELLED
        )
        if filing_status == FilingStatus.REJECTED:
            filing.decided_at = timezone.now()
        filing.save()
        audit(
            acting_user,
            action,
            filing,
            before=before,
            after=snapshot(filing),
            comment=f"{step.name}：{comment}",
        )
    return filing


def do_return_step(step: ApprovalStep, *, acting_user, comment: str) -> Filing:
    return _decide_against(
        step, acting_user, comment, StepStatus.RETURNED, FilingStatus.RETURNED, "filings.returned"
    )


def do_reject_step(step: ApprovalStep, *, acting_user, comment: str) -> Filing:
    return _decide_against(
        step, acting_user, comment, StepStatus.REJECTED, FilingStatus.REJECTED, "filings.rejected"
    )


def do_record_national_registration(filing: Filing, *, acting_user, on: dt.date) -> Filing:
    """003_…txt: registered with the national and provincial systems within 3 working days."""
    if filing.status != FilingStatus.APPROVED:
        raise IllegalTransition("备案尚未批准，不能登记国家、省系统备案。")
    with transaction.atomic():
        before = snapshot(filing)
        filing.registered_nationally_on = on
        filing.save(update_fields=["registered_nationally_on", "updated_at"])
        audit(acting_user, "filings.registered_nationally", filing, before=before, after=snapshot(filing))
    return filing


def _apply_to_registry(filing: Filing, acting_user) -> None:
    """Make the approved case true in the registry, with the registry's own audit rows."""
    contacts = {
        role: {"name": getattr(filing, n), "office_phone": getattr(filing, o), "mobile": getattr(filing, m)}
        for role, (n, o, m) in CONTACT_FIELDS.items()
    }
    label = f"依据备案{filing.number}"
    if filing.kind == FilingKind.OPEN:
        account = MediaAccount(owner=filing.owner, status=AccountStatus.ACTIVE)
        for filing_field, account_field in ACCOUNT_FIELDS:
            setattr(account, account_field, getattr(filing, filing_field))
        account.opened_on = filing.registered_on or filing.operation_start
        account.save()
        _save_contacts(account, contacts)
        filing.account = account
        audit(acting_user, "registry.account_created", account, after=snapshot(account), comment=label)
        return
    account = MediaAccount.objects.select_for_update().get(pk=filing.account_id)
    before = snapshot(account)
    if filing.kind == FilingKind.CHANGE:
        for filing_field, account_field in ACCOUNT_FIELDS:
            setattr(account, account_field, getattr(filing, filing_field))
        account.save()
        _save_contacts(account, contacts)
        audit(
            acting_user,
            "registry.account_updated",
            account,
            before=before,
            after=snapshot(account),
            comment=label,
        )
    elif filing.kind in TARGET_STATUS:
        account.status = TARGET_STATUS[filing.kind]
        account.save(update_fields=["status", "updated_at"])
        audit(
            acting_user,
            "registry.account_updated",
            account,
            before=before,
            after=snapshot(account),
            comment=label,
        )
    elif filing.kind == FilingKind.MERGE:
        for merged in filing.merged_accounts.select_for_update().exclude(pk=account.pk):
            merged_before = snapshot(merged)
            merged.status = AccountStatus.CLOSED
            merged.save(update_fields=["status", "updated_at"])
            audit(
                acting_user,
                "registry.account_updated",
                merged,
                before=merged_before,
                after=snapshot(merged),
                comment=f"{label}整合并入“{account.name}”（账号ID {account.pk}）",
            )


def _save_contacts(account: MediaAccount, contacts: dict[str, dict]) -> None:
    for role, values in contacts.items():
        if values["name"]:
            Contact.objects.update_or_create(account=account, role=role, defaults=values)
        else:
            Contact.objects.filter(account=account, role=role).delete()


def do_configure_chain(
    region: Region, *, acting_user, name: str, steps: list[dict], **rules
) -> ApprovalChain:
    """Create or replace a region's chain: ``steps`` are dicts of name, approver_unit (or None), days."""
    with transaction.atomic():
        chain, created = ApprovalChain.objects.update_or_create(
            region=region, defaults={"name": name, **rules}
        )
        chain.steps.all().delete()
        ChainStep.objects.bulk_create(
            [
                ChainStep(
                    chain=chain,
                    order=i,
                    name=s["name"],
                    approver_unit=s.get("approver_unit"),
                    days=s.get("days", 5),
                )
                for i, s in enumerate(steps, start=1)
            ]
        )
        audit(
            acting_user,
            "filings.chain_configured",
            None,
            after={"region": region.name, "chain": name, "steps": [s["name"] for s in steps]},
        )
    return chain


# Evidence for the inspection engine (issue 6 turns these into Findings) ------------------


@dataclass(frozen=True)
class LateFiling:
    """One missed deadline, as plain data: the inspection engine turns it into a Finding."""

    rule: str  # submit_late / step_overdue / registration_overdue / unfiled_preexisting / open_filing_late
    account_id: int | None
    filing_id: int | None
    unit_id: int
    region_path: str
    due_on: dt.date
    days_late: int  # working days past due_on
    source: str  # the policy the rule comes from
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def late_filings(region: Region | None = None, today: dt.date | None = None) -> list[LateFiling]:
    """Every missed filing deadline in the region's subtree (everywhere without a region)."""
    today = today or timezone.localdate()
    cal = calendar.current_calendar()
    path = region.path if region else ""
    records: list[LateFiling] = []

    def late(due: dt.date) -> int:
        return cal.working_days_between(due, today)

    filings = Filing.objects.select_related("owner__region", "chain").filter(
        owner__region__path__startswith=path
    )

    # 1. A submission more than N working days after the unit's decision (001 第十三条).
    for f in filings.filter(decided_on__isnull=False, submitted_at__isnull=False):
        due = cal.add_working_days(f.decided_on, f.chain.submit_days)
        submitted = timezone.localdate(f.submitted_at)
        if submitted > due:
            records.append(
                LateFiling(
                    "submit_late",
                    f.account_id,
                    f.pk,
                    f.owner_id,
                    f.owner.region.path,
                    due,
                    cal.working_days_between(due, submitted),
                    "001_…txt 第十三条",
                    f"备案{f.number}于{_cn(submitted)}报批，超过单位决定后{f.chain.submit_days}个工作日的时限（{_cn(due)}）。",
                )
            )
    # 2. An opening filed later than N working days after the account opened (002).
    for f in filings.filter(kind=FilingKind.OPEN, registered_on__isnull=False, submitted_at__isnull=False):
        due = cal.add_working_days(f.registered_on, f.chain.open_filing_days)
        submitted = timezone.localdate(f.submitted_at)
        if submitted > due:
            records.append(
                LateFiling(
                    "open_filing_late",
                    f.account_id,
                    f.pk,
                    f.owner_id,
                    f.owner.region.path,
                    due,
                    cal.working_days_between(due, submitted),
                    "002_…txt 开设后7个工作日内备案",
                    f"账号“{f.account_name}”开设后超过{f.chain.open_filing_days}个工作日才备案（应于{_cn(due)}前）。",
                )
            )
    # 3. A step past its deadline (escalation).
    steps = ApprovalStep.objects.select_related("filing__owner__region", "approver_unit").filter(
        status=StepStatus.PENDING, due_on__lt=today, filing__owner__region__path__startswith=path
    )
    for s in steps:
        f = s.filing
        records.append(
            LateFiling(
                "step_overdue",
                f.account_id,
                f.pk,
                f.owner_id,
                f.owner.region.path,
                s.due_on,
                late(s.due_on),
                "001_…txt 第十三条 逐级审核",
                f"备案{f.number}的“{s.name}”（{s.approver_unit.name}）已超过办理期限{_cn(s.due_on)}。",
            )
        )
    # 4. Approved but not registered with the national/provincial systems in time (003).
    for f in filings.filter(status=FilingStatus.APPROVED, decided_at__isnull=False):
        due = cal.add_working_days(timezone.localdate(f.decided_at), f.chain.register_days)
        done = f.registered_nationally_on
        if (done and done > due) or (not done and today > due):
            records.append(
                LateFiling(
                    "registration_overdue",
                    f.account_id,
                    f.pk,
                    f.owner_id,
                    f.owner.region.path,
                    due,
                    cal.working_days_between(due, done or today),
                    "003_…txt 3个工作日内登记备案",
                    f"备案{f.number}批准后未在{f.chain.register_days}个工作日内（{_cn(due)}前）登录国家、省系统登记。",
                )
            )
    # 5. Accounts from before the chain took effect, still without any filing (001 第三十四条).
    chains = ApprovalChain.objects.filter(effective_from__isnull=False).select_related("region")
    if region:
        chains = chains.filter(Q(region__path__startswith=path) | Q(region__in=region.ancestors()))
    for chain in chains:
        due = cal.add_working_days(chain.effective_from, chain.preexisting_days)
        if today <= due:
            continue
        scope = chain.region.path if not region or len(chain.region.path) > len(path) else path
        accounts = (
            MediaAccount.objects.filter(
                owner__region__path__startswith=scope,
                created_at__date__lt=chain.effective_from,
                status__in=[AccountStatus.ACTIVE, AccountStatus.PAUSED],
            )
            .exclude(filings__status__in=[FilingStatus.IN_REVIEW, FilingStatus.APPROVED])
            .select_related("owner__region")
        )
        for a in accounts:
            if chain_for(a.owner).pk != chain.pk:
                continue  # a nearer region's chain governs this account
            records.append(
                LateFiling(
                    "unfiled_preexisting",
                    a.pk,
                    None,
                    a.owner_id,
                    a.owner.region.path,
                    due,
                    late(due),
                    "001_…txt 第三十四条",
                    f"存量账号“{a.name}”未在{chain.preexisting_days}个工作日内（{_cn(due)}前）补办备案手续。",
                )
            )
    return records


# The annual special check (001_…txt 第三十条) -------------------------------------------------

LIFECYCLE_EVENTS = {
    "opened": "开设",
    "changed": "变更",
    AccountStatus.PAUSED: "暂停更新",
    AccountStatus.SUSPENDED: "关停",
    AccountStatus.CLOSED: "注销",
}
FILED_KIND = {
    "opened": {FilingKind.OPEN},
    "changed": {FilingKind.CHANGE},
    AccountStatus.PAUSED: {FilingKind.SUSPEND},
    AccountStatus.SUSPENDED: {FilingKind.SUSPEND},
    AccountStatus.CLOSED: {FilingKind.CLOSE, FilingKind.MERGE},
}
WATCHED_FIELDS = {"name", "platform", "platform_uid", "owner"}


@dataclass(frozen=True)
class LifecycleEvent:
    at: dt.datetime
    account_id: int
    account_name: str
    event: str  # key of LIFECYCLE_EVENTS
    label: str
    filing_number: str  # "" when no approved filing covers it
    actor: str


def lifecycle_check(user, year: int) -> list[LifecycleEvent]:
    """Every opening, change, suspension and closing in the registry this year, with its filing.

    An event without an approved filing of the matching kind is what 第三十条 asks the
    management units to find: opened, changed or closed "自行", without the procedure.
    """
    from govmedia.core.models import AuditLog

    logs = scoped(
        AuditLog.objects.filter(
            at__year=year,
            action__in=["registry.account_created", "registry.account_updated"],
            object_type="registry.mediaaccount",
        ).select_related("actor"),
        user,
    ).order_by("at", "id")
    approved = {}
    for account_id, kind, number in Filing.objects.filter(status=FilingStatus.APPROVED).values_list(
        "account_id", "kind", "number"
    ):
        approved.setdefault(account_id, []).append((kind, number))
    for account_id, number in Filing.objects.filter(
        status=FilingStatus.APPROVED, kind=FilingKind.MERGE
    ).values_list("merged_accounts", "number"):
        approved.setdefault(account_id, []).append((FilingKind.MERGE, number))
    events: list[LifecycleEvent] = []
    for log in logs:
        before, after = log.before or {}, log.after or {}
        if log.action == "registry.account_created":
            kinds = ["opened"]
        else:
            kinds = []
            status_label = after.get("status")
            code = {s.label: s.value for s in AccountStatus}.get(status_label)
            if before.get("status") != status_label and code in FILED_KIND:
                kinds.append(code)
            if any(before.get(f) != after.get(f) for f in WATCHED_FIELDS):
                kinds.append("changed")
        account_id = int(log.object_id)
        for event in kinds:
            numbers = [n for k, n in approved.get(account_id, []) if k in FILED_KIND[event]]
            events.append(
                LifecycleEvent(
                    at=log.at,
                    account_id=account_id,
                    account_name=log.object_repr,
                    event=event,
                    label=LIFECYCLE_EVENTS[event],
                    filing_number=numbers[0] if numbers else "",
                    actor=str(log.actor) if log.actor else "系统",
                )
            )
    return events
