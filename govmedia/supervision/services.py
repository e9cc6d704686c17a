"""Inspections: run the checks, turn occurrences into Findings, score, freeze, publish.

Every write is a ``do_`` verb or ``run_inspection``; views, the API and the commands call these.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from govmedia.core.audit import audit
from govmedia.registry.models import AccountStatus, MediaAccount, Region, Unit
from govmedia.supervision import sampling
from govmedia.supervision.checks import CHECKS, CheckContext, Occurrence
from govmedia.supervision.models import (
    FINDING_TRANSITIONS,
    AccountResult,
    Finding,
    FindingStatus,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    Inspection,
    InspectionFinding,
    InspectionKind,
    InspectionStatus,
    UnitResult,
)
from govmedia.supervision.scoring import AccountScore, Item, pass_rate, score_account, score_units

CHUNK = 5000


class InspectionError(Exception):
    """A refused inspection action; the message is Chinese, for people."""


class IllegalTransition(InspectionError):
    pass


# --- units and accounts ----------------------------------------------------------------------


def unit_tree() -> tuple[dict[int, list[int]], dict[int, str]]:
    """(children per unit id, 考核类别 per unit id) for the whole registry, in two columns."""
    children: dict[int, list[int]] = defaultdict(list)
    groups: dict[int, str] = {}
    for pk, parent_id, group in Unit.objects.values_list("id", "parent_id", "assessment_group"):
        if parent_id:
            children[parent_id].append(pk)
        groups[pk] = group
    return children, groups


def subtree_ids(root: int, children: dict[int, list[int]]) -> set[int]:
    seen, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def accounts_in_scope(scope_unit: Unit | None) -> list[MediaAccount]:
    """Active accounts owned by the scope unit or units below it (everything without a scope)."""
    accounts = MediaAccount.objects.filter(status=AccountStatus.ACTIVE).select_related("owner__region")
    if scope_unit is not None:
        children, _ = unit_tree()
        ids = subtree_ids(scope_unit.pk, children)
        accounts = accounts.filter(owner_id__in=ids)
    return list(accounts.order_by("id"))


def _common_path(paths: Iterable[str]) -> str:
    paths = list(paths)
    if not paths:
        return ""
    parts = [p.strip("/").split("/") for p in paths]
    common = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return "".join(f"{c}/" for c in common)


# --- running ---------------------------------------------------------------------------------


def run_inspection(*, source: str = "inspection", **params) -> Inspection:
    """Check and score the accounts in scope over ``start``–``end`` (both days included), in this
    process and in one transaction; ``params`` are ``open_inspection``'s. ``supervision.tasks.inspect``
    runs the same three steps (open, inspect chunks of accounts, close) spread over workers."""
    with transaction.atomic():
        inspection, accounts = open_inspection(**params)
        indicators = list(inspection.indicator_set.indicators.order_by("order"))
        scores = inspect_accounts(inspection, indicators, accounts, source=source)
        close_inspection(inspection, accounts, scores, acting_user=params.get("acting_user"))
    return inspection


def open_inspection(
    *,
    start: dt.date,
    end: dt.date,
    indicator_set: IndicatorSet,
    scope_unit: Unit | None = None,
    sample_ratio: float | None = None,
    sample_count: int | None = None,
    seed: int | None = None,
    count_unconfirmed: bool = False,
    acting_user=None,
    title: str = "",
    previous: Inspection | None = None,
    status: str = InspectionStatus.DRAFT,
) -> tuple[Inspection, list[MediaAccount]]:
    """The Inspection row and the accounts it covers (fixed now: ``account_count`` of them)."""
    if end < start:
        raise InspectionError("检查期间的结束日期不能早于开始日期")
    spot = sample_ratio is not None or sample_count is not None
    if spot:
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    accounts = inspected_accounts(scope_unit, sample_ratio=sample_ratio, sample_count=sample_count, seed=seed)
    inspection = Inspection.objects.create(
        title=title,
        period_start=start,
        period_end=end,
        indicator_set=indicator_set,
        scope_unit=scope_unit,
        region_path=scope_unit.region.path
        if scope_unit
        else _common_path({a.owner.region.path for a in accounts}),
        kind=InspectionKind.SPOT if spot else InspectionKind.FULL,
        sample_ratio=sample_ratio,
        sample_count=sample_count,
        seed=seed if spot else None,
        count_unconfirmed=count_unconfirmed,
        version=(previous.version + 1) if previous else 1,
        previous=previous,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        account_count=len(accounts),
        status=status,
    )
    return inspection, accounts


def inspect_accounts(
    inspection: Inspection, indicators: list[Indicator], accounts: list[MediaAccount], *, source: str
) -> dict[int, AccountScore]:
    """Check some of the inspection's accounts: their Findings, links and AccountResults.

    Accounts are independent of each other here, so chunks of them may run on different
    workers at once; only ``close_inspection`` looks across accounts.
    """
    found = evaluate(inspection.period_start, inspection.period_end, indicators, accounts)
    findings = _record_findings(inspection, indicators, found, source=source)
    return _score_accounts(inspection, indicators, accounts, findings)


def close_inspection(
    inspection: Inspection,
    accounts: list[MediaAccount],
    scores: dict[int, AccountScore],
    *,
    acting_user=None,
) -> Inspection:
    """Score the units, freeze the JSON and totals; the inspection becomes a draft to publish."""
    units = _score_units(inspection, accounts, scores)
    failed = sum(1 for s in scores.values() if s.vetoed)
    inspection.account_count = len(accounts)
    inspection.failed_count = failed
    inspection.pass_rate = pass_rate(len(accounts), failed)
    inspection.result = build_json(inspection, accounts, scores, units)
    inspection.status = InspectionStatus.DRAFT
    inspection.save(update_fields=["account_count", "failed_count", "pass_rate", "result", "status"])
    audit(
        acting_user,
        "inspection.run",
        inspection,
        after={"accounts": inspection.account_count, "failed": inspection.failed_count},
    )
    return inspection


def stored_scores(inspection: Inspection) -> tuple[list, dict[int, AccountScore]]:
    """The accounts and scores the chunks of a fanned-out inspection wrote, as ``close_inspection``
    takes them (the same numbers ``inspect_accounts`` returned: JSON keeps floats exact).

    One query, and light stand-ins for the accounts (what unit scoring and the JSON read):
    building 50,000 model instances took most of the final step.
    """
    scores: dict[int, AccountScore] = {}
    accounts = []
    rows = (
        AccountResult.objects.filter(inspection=inspection)
        .order_by("account_id")
        .values_list(
            "account_id",
            "account__platform",
            "account__name",
            "account__owner_id",
            "account__owner__name",
            "deduction_score",
            "bonus_points",
            "score",
            "detail",
        )
    )
    for (
        pk,
        platform,
        name,
        owner_id,
        owner_name,
        deduction_score,
        bonus_points,
        score,
        detail,
    ) in rows.iterator(chunk_size=5000):
        accounts.append(_Scored(pk, platform, name, owner_id, _Owner(owner_name)))
        scores[pk] = AccountScore(
            vetoes=detail["vetoes"],
            deductions=detail["deductions"],
            bonus=detail["bonus"],
            deduction_score=deduction_score,
            bonus_points=bonus_points,
            score=score,
            entered_bonus=detail["entered_bonus"],
        )
    return accounts, scores


@dataclass(frozen=True, slots=True)
class _Owner:
    name: str


@dataclass(frozen=True, slots=True)
class _Scored:
    """An inspected account as the final step reads it."""

    pk: int
    platform: str
    name: str
    owner_id: int
    owner: _Owner


def inspected_accounts(
    scope_unit: Unit | None,
    *,
    sample_ratio: float | None = None,
    sample_count: int | None = None,
    seed: int | None = None,
) -> list[MediaAccount]:
    """The accounts an inspection covers: the scope, or its reproducible sample."""
    accounts = accounts_in_scope(scope_unit)
    if sample_ratio is not None or sample_count is not None:
        accounts = sampling.draw(accounts, seed=seed, ratio=sample_ratio, count=sample_count)
    return accounts


def evaluate(
    start: dt.date, end: dt.date, indicators: list[Indicator], accounts: list[MediaAccount]
) -> dict[tuple[int, str], list[Occurrence]]:
    """Run every indicator's check on every account; a pure read, so chunks may run anywhere."""
    ctx = CheckContext(start, end, accounts)
    found: dict[tuple[int, str], list[Occurrence]] = {}
    for indicator in indicators:
        check = CHECKS[indicator.check_name]
        for account in accounts:
            occurrences = check.run(ctx, account, indicator.params)
            if occurrences:
                found[(account.pk, indicator.code)] = occurrences
    return found


def _record_findings(
    inspection: Inspection,
    indicators: list[Indicator],
    found: dict[tuple[int, str], list[Occurrence]],
    *,
    source: str,
) -> dict[tuple[int, str], list[tuple[Finding, bool]]]:
    """Create or re-find a Finding per occurrence; link each to the inspection with ``counted``.

    The same (account, indicator code, key) already open, in rectification, dismissed or
    noted is the same problem: it is linked, not duplicated. A resolved one that comes
    back is a new problem.
    """
    by_code = {i.code: i for i in indicators}
    now = timezone.now()
    # Only the keys found now are looked up, so old weeks' open Findings do not slow next year's checks.
    keys_by_account: dict[int, set[str]] = defaultdict(set)
    for (account_id, _), occurrences in found.items():
        keys_by_account[account_id].update(o.key[:200] for o in occurrences)
    account_ids = sorted(keys_by_account)
    existing: dict[tuple[int, str, str], Finding] = {}
    step = 500
    for i in range(0, len(account_ids), step):
        chunk = account_ids[i : i + step]
        keys = set().union(*(keys_by_account[a] for a in chunk))
        # ``key`` goes through an expression so the database walks the (account, code) index and
        # filters keys as it goes, instead of probing every account × code × key combination.
        for f in (
            Finding.objects.filter(account_id__in=chunk, indicator_code__in=list(by_code))
            .alias(plain_key=Concat(F("key"), Value("")))
            .filter(plain_key__in=list(keys))
            .exclude(status=FindingStatus.RESOLVED)
            .order_by("id")
        ):
            existing[(f.account_id, f.indicator_code, f.key)] = f
    new: list[Finding] = []
    seen: dict[int, Finding] = {}
    changed: dict[int, Finding] = {}
    placed: dict[tuple[int, str], list[Finding]] = defaultdict(list)
    for (account_id, code), occurrences in found.items():
        indicator = by_code[code]
        for occ in occurrences:
            f = existing.get((account_id, code, occ.key))
            if f is not None and f.pk is not None:
                if f.pk not in seen:
                    seen[f.pk] = f
                    f.last_found_at = now
                    f.times_found += 1
                summary = occ.summary[:500]
                if f.evidence != occ.evidence or f.summary != summary:
                    f.evidence, f.summary = occ.evidence, summary
                    changed[f.pk] = f
                if f.needs_confirmation and not occ.needs_confirmation and f.confirmed_at is None:
                    f.needs_confirmation = False  # the data came back: it no longer waits for a person
                    changed[f.pk] = f
            elif f is None:
                f = Finding(
                    account_id=account_id,
                    indicator_code=code,
                    indicator_name=indicator.name,
                    kind=indicator.kind,
                    check_name=indicator.check_name,
                    key=occ.key[:200],
                    summary=occ.summary[:500],
                    evidence=occ.evidence,
                    source=source,
                    status=FindingStatus.NOTED
                    if indicator.kind == IndicatorKind.BONUS
                    else FindingStatus.OPEN,
                    needs_confirmation=occ.needs_confirmation,
                    last_found_at=now,
                )
                new.append(f)
                existing[(account_id, code, occ.key)] = f
            placed[(account_id, code)].append(f)
    Finding.objects.bulk_create(new, batch_size=1000)
    _touch(list(seen), now)
    _save_changed(list(changed.values()))
    result: dict[tuple[int, str], list[tuple[Finding, bool]]] = {}
    links = []
    for key, items in placed.items():
        unique = list({id(f): f for f in items}.values())
        result[key] = []
        for f in unique:
            counted = f.counts or (inspection.count_unconfirmed and f.status != FindingStatus.DISMISSED)
            result[key].append((f, counted))
            links.append(InspectionFinding(inspection=inspection, finding=f, counted=counted))
    InspectionFinding.objects.bulk_create(links, batch_size=1000)
    return result


def _touch(pks: list[int], now: dt.datetime) -> None:
    """Re-found Findings: one UPDATE per chunk (``bulk_update``'s CASE WHEN is far too slow here)."""
    for i in range(0, len(pks), 900):
        Finding.objects.filter(pk__in=pks[i : i + 900]).update(
            last_found_at=now, times_found=F("times_found") + 1
        )


def _save_changed(findings: list[Finding]) -> None:
    """Findings whose evidence changed (an idle account's day count grows): one executemany."""
    if not findings:
        return
    table = connection.ops.quote_name(Finding._meta.db_table)
    evidence = Finding._meta.get_field("evidence")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET evidence = %s, summary = %s, needs_confirmation = %s WHERE id = %s",
            [
                (evidence.get_db_prep_save(f.evidence, connection), f.summary, f.needs_confirmation, f.pk)
                for f in findings
            ],
        )


def _score_accounts(
    inspection: Inspection,
    indicators: list[Indicator],
    accounts: list[MediaAccount],
    findings: dict[tuple[int, str], list[tuple[Finding, bool]]],
) -> dict[int, AccountScore]:
    threshold = inspection.indicator_set.bonus_threshold
    items = [Item(i.code, i.kind, i.points, i.cap) for i in indicators]
    scores: dict[int, AccountScore] = {}
    rows = []
    for account in accounts:
        counts = {
            i.code: sum(1 for _, counted in findings.get((account.pk, i.code), ()) if counted)
            for i in indicators
        }
        s = score_account(items, counts, threshold)
        scores[account.pk] = s
        detail_items = []
        no_data = False
        for i in indicators:
            linked = findings.get((account.pk, i.code), ())
            if not linked:
                continue
            no_data = no_data or any("no_data" in f.evidence for f, _ in linked)
            points = (
                s.deductions.get(i.code, 0)
                if i.kind == IndicatorKind.DEDUCTION
                else s.bonus.get(i.code, 0)
                if i.kind == IndicatorKind.BONUS
                else None
            )
            detail_items.append(
                {
                    "code": i.code,
                    "name": i.name,
                    "kind": i.kind,
                    "points_each": i.points,
                    "cap": i.cap,
                    "occurrences": counts[i.code],
                    "points": points,
                    "vetoed": i.code in s.vetoes,
                    "findings": [f.pk for f, counted in linked if counted],
                    "uncounted": [f.pk for f, counted in linked if not counted],
                }
            )
        rows.append(
            AccountResult(
                inspection=inspection,
                account=account,
                unit_id=account.owner_id,
                platform=account.platform,
                vetoed=s.vetoed,
                deduction_score=s.deduction_score,
                bonus_points=s.bonus_points,
                score=s.score,
                no_data=no_data,
                detail={
                    "vetoes": s.vetoes,
                    "deductions": s.deductions,
                    "bonus": s.bonus,
                    "entered_bonus": s.entered_bonus,
                    "bonus_threshold": threshold,
                    "items": detail_items,
                },
            )
        )
    AccountResult.objects.bulk_create(rows, batch_size=1000)
    return scores


def _score_units(inspection: Inspection, accounts: list[MediaAccount], scores: dict[int, AccountScore]):
    children, groups = unit_tree()
    owned: dict[int, list[int]] = defaultdict(list)
    for account in accounts:
        owned[account.owner_id].append(account.pk)
    members = {}
    for unit_id, group in groups.items():
        if group:
            ids = [a for u in subtree_ids(unit_id, children) for a in owned.get(u, ())]
            if ids:
                members[unit_id] = (group, ids)
    units = score_units(members, scores)
    UnitResult.objects.bulk_create(
        [
            UnitResult(
                inspection=inspection,
                unit_id=u.unit_id,
                group=u.group,
                vetoed=u.vetoed,
                score=u.score,
                final=u.final,
                rank=u.rank,
                account_count=len(u.account_ids),
            )
            for u in units
        ]
    )
    return units


def build_json(inspection: Inspection, accounts, scores, units) -> dict:
    """The exact JSON of ``run_inspection --json`` (issue 6); scores unrounded."""
    unit_names = dict(Unit.objects.filter(id__in={u.unit_id for u in units}).values_list("id", "name"))
    return {
        "period": {"start": inspection.period_start.isoformat(), "end": inspection.period_end.isoformat()},
        "indicator_set": inspection.indicator_set.code,
        "accounts": [
            {
                "platform": a.platform,
                "account_id": a.pk,
                "name": a.name,
                "unit": a.owner.name,
                "vetoes": scores[a.pk].vetoes,
                "deductions": scores[a.pk].deductions,
                "bonus": scores[a.pk].bonus,
                "score": scores[a.pk].score,
            }
            for a in accounts
        ],
        "units": [
            {
                "name": unit_names[u.unit_id],
                "group": u.group,
                "vetoed": u.vetoed,
                "score": u.score,
                "final": u.final,
                "accounts": len(u.account_ids),
            }
            for u in sorted(units, key=lambda u: (u.group, u.rank, u.unit_id))
        ],
        "pass_rate": inspection.pass_rate,
    }


def pass_rates(inspection: Inspection, account_results: QuerySet | None = None) -> dict[str, list[dict]]:
    """合格率 per region (the county the owner unit sits in, or its own region) and per platform."""
    regions = {r.pk: r for r in Region.objects.all()}
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_platform: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    from govmedia.registry.models import Platform

    labels = dict(Platform.choices)
    results = account_results if account_results is not None else inspection.account_results.all()
    for region_id, platform, vetoed in results.values_list("unit__region_id", "platform", "vetoed"):
        region = regions[region_id]
        while region.level == "township" and region.parent_id:
            region = regions[region.parent_id]
        for bucket in (by_region[region.name], by_platform[labels.get(platform, platform)]):
            bucket[0] += 1
            bucket[1] += vetoed
    return {
        name: [
            {
                "name": k,
                "checked": v[0],
                "failed": v[1],
                "pass_rate": pass_rate(v[0], v[1]),
                "display": f"{pass_rate(v[0], v[1]):.2%}",
            }
            for k, v in sorted(table.items())
        ]
        for name, table in (("regions", by_region), ("platforms", by_platform))
    }


# --- lifecycle -------------------------------------------------------------------------------


def do_publish_inspection(inspection: Inspection, *, acting_user) -> Inspection:
    """Publishing freezes the result: later data changes never alter it (a re-run is a new version)."""
    with transaction.atomic():
        changed = Inspection.objects.filter(pk=inspection.pk, status=InspectionStatus.DRAFT).update(
            status=InspectionStatus.PUBLISHED, published_at=timezone.now()
        )
        if changed != 1:
            status = Inspection.objects.filter(pk=inspection.pk).values_list("status", flat=True).first()
            raise InspectionError(
                "该检查已发布，不能重复发布"
                if status == InspectionStatus.PUBLISHED
                else "该检查尚未计算完成（或计算失败），不能发布"
            )
        inspection.refresh_from_db()
        audit(acting_user, "inspection.published", inspection)
    return inspection


def rerun_inspection(inspection: Inspection, *, acting_user=None, run=None) -> Inspection:
    """A new version of the inspection over the same period, set, scope and sample
    (``run``: ``run_inspection`` by default, or ``supervision.tasks.inspect``)."""
    return (run or run_inspection)(
        start=inspection.period_start,
        end=inspection.period_end,
        indicator_set=inspection.indicator_set,
        scope_unit=inspection.scope_unit,
        sample_ratio=inspection.sample_ratio,
        sample_count=inspection.sample_count,
        seed=inspection.seed,
        count_unconfirmed=inspection.count_unconfirmed,
        acting_user=acting_user,
        title=inspection.title,
        previous=inspection,
    )


def do_set_finding_status(finding: Finding, new_status: str, *, acting_user, reason: str = "") -> Finding:
    """Move a Finding along ``FINDING_TRANSITIONS``; dismissing needs a reason."""
    old = finding.status
    if new_status not in FINDING_TRANSITIONS.get(old, set()):
        raise IllegalTransition(
            f"问题当前为“{FindingStatus(old).label}”，不能改为“{FindingStatus(new_status).label}”"
            if new_status in FindingStatus.values
            else "未知的问题状态"
        )
    if new_status == FindingStatus.DISMISSED and not reason.strip():
        raise InspectionError("排除问题须填写理由")
    with transaction.atomic():
        changed = Finding.objects.filter(pk=finding.pk, status=old).update(
            status=new_status,
            status_changed_at=timezone.now(),
            status_changed_by=acting_user,
            status_reason=reason.strip()[:500],
        )
        if changed != 1:
            raise InspectionError("该问题已被他人处理，请刷新后重试")
        finding.refresh_from_db()
        audit(
            acting_user,
            "finding.status",
            finding,
            before={"status": old},
            after={"status": new_status},
            comment=reason,
        )
    return finding


def do_confirm_finding(finding: Finding, *, acting_user, comment: str = "") -> Finding:
    """A supervisor confirms an automatic serious hit or a "no data" no-update: it counts from now on."""
    if not finding.needs_confirmation:
        raise InspectionError("该问题无需人工确认")
    with transaction.atomic():
        changed = Finding.objects.filter(pk=finding.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), confirmed_by=acting_user
        )
        if changed != 1:
            raise InspectionError("该问题已确认")
        finding.refresh_from_db()
        audit(acting_user, "finding.confirmed", finding, comment=comment)
    return finding


def findings_of(inspection: Inspection) -> QuerySet[Finding]:
    return Finding.objects.filter(links__inspection=inspection)
