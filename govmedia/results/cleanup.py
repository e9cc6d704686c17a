"""Cleanup candidates: accounts meeting any of 004_…txt §7.5's six conditions, with evidence.

"政务新媒体账号开设1年以上，出现以下6种情况之一时，应当予以清理注销". Each condition is one
function over the whole region in a few queries; thresholds are data (``RULES``, overridable by
the ``RESULTS_CLEANUP_RULES`` setting). A supervisor then asks the owner unit to start a close
or merge filing, or dismisses the candidate with a reason. Refreshing is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.core.audit import audit
from govmedia.registry.models import AccountStatus, FollowerCount, MediaAccount, Region
from govmedia.results.models import (
    Assessment,
    Bulletin,
    BulletinStatus,
    CandidateStatus,
    CleanupCandidate,
    Rectification,
)
from govmedia.results.notify import notify
from govmedia.supervision.models import Finding, FindingStatus, RegionPopulation
from govmedia.supervision.selectors import may_supervise

RULES = {
    "min_age_days": 365,  # 开设1年以上
    "low_score": 80.0,  # (1) 连续2次考核低于80分
    "bulletins_per_year": 2,  # (2) 上一年度2次被通报
    "gap_days": 14,  # (3) 14天未更新 …
    "gaps": 2,  # … 连续2次
    "exposed_fix_days": 3,  # (3) 晾晒后3天内未整改
    "follower_ratio": 0.01,  # (5) 粉丝数低于常住人口1% …
    "follower_months": 6,  # … "长期": configurable months
    "law_indicators": ["law_violation"],  # (6) a supervisor's Finding against one of these indicators
}
SERIOUS_INCIDENTS = {"stolen", "tampered", "leak"}
SERIOUS_LEVELS = {"larger", "major", "grave"}

LABELS = {
    1: "运营效果连续2次考核低于80分",
    2: "上一年度2次被通报",
    3: "连续2次14天未更新或晾晒后3天内未整改",
    4: "出现安全、泄密事故等严重问题",
    5: "粉丝数长期低于基层常住人口数1%",
    6: "存在违反有关法律法规的行为",
}


class CleanupError(Exception):
    pass


def rules() -> dict:
    return {**RULES, **getattr(settings, "RESULTS_CLEANUP_RULES", {})}


def _low_scores(accounts: dict[int, MediaAccount], r: dict) -> dict[int, str]:
    by_unit: dict[int, list[tuple]] = defaultdict(list)
    for a in Assessment.objects.order_by("end", "id"):
        for u in a.result.get("units", []):
            by_unit[u["unit_id"]].append((a.title, u["final"]))
    out = {}
    for pk, account in accounts.items():
        history = by_unit.get(account.owner_id, [])[-2:]
        if len(history) == 2 and all(score < r["low_score"] for _, score in history):
            out[pk] = "；".join(f"{t}最终得分{s:.2f}" for t, s in history)
    return out


def _bulletined(accounts, r: dict, today: dt.date) -> dict[int, str]:
    year = today.year - 1
    named: dict[int, list[str]] = defaultdict(list)
    for b in Bulletin.objects.filter(status=BulletinStatus.PUBLISHED, published_at__year=year):
        for item in b.content.get("failed_accounts", []):
            if item.get("account_id") in accounts:
                named[item["account_id"]].append(b.number or b.title)
    return {
        pk: f"{year}年被通报：{'、'.join(n)}" for pk, n in named.items() if len(n) >= r["bulletins_per_year"]
    }


def _gaps_or_unfixed(accounts, r: dict, today: dt.date) -> dict[int, str]:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=365), dt.time()))
    posts: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = Post.objects.filter(account_id__in=accounts, published_at__gte=since).order_by(
        "account_id", "published_at"
    )
    for account_id, moment in rows.values_list("account_id", "published_at"):
        posts[account_id].append(moment)
    out = {}
    end = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    for pk in accounts:
        moments = [since, *posts.get(pk, []), end]
        gaps = [(a, b) for a, b in zip(moments, moments[1:], strict=False) if (b - a).days >= r["gap_days"]]
        if len(gaps) >= r["gaps"]:
            shown = "、".join(f"{timezone.localdate(a):%m-%d}起{(b - a).days}天" for a, b in gaps[:3])
            out[pk] = f"近一年{len(gaps)}次{r['gap_days']}天以上未更新（{shown}）"
    late = Rectification.objects.filter(exposed=True, findings__account_id__in=accounts)
    for rect in late.values("findings__account_id", "sent_at", "answered_at", "deadline").distinct():
        limit = rect["sent_at"] + dt.timedelta(days=r["exposed_fix_days"])
        fixed_at = rect["answered_at"]
        if (fixed_at and fixed_at > limit) or (fixed_at is None and timezone.now() > limit):
            pk = rect["findings__account_id"]
            out.setdefault(pk, f"{rect['sent_at']:%Y-%m-%d}被晾晒后{r['exposed_fix_days']}天内未整改")
    return out


def _incidents(accounts) -> dict[int, str]:
    from govmedia.security.models import SecurityIncident

    out = {}
    rows = SecurityIncident.objects.filter(account_id__in=accounts).order_by("occurred_at")
    for i in rows:
        if i.kind in SERIOUS_INCIDENTS or i.level in SERIOUS_LEVELS:
            out[i.account_id] = (
                f"{timezone.localdate(i.occurred_at):%Y-%m-%d} {i.get_kind_display()}：{i.title}"
            )
    return out


def _few_followers(accounts, r: dict, today: dt.date) -> dict[int, str]:
    populations = dict(RegionPopulation.objects.values_list("region_id", "population"))
    if not populations:
        return {}
    parents = dict(Region.objects.values_list("id", "parent_id"))
    since = today - dt.timedelta(days=30 * r["follower_months"])
    best: dict[int, int] = {}
    for account_id, followers in FollowerCount.objects.filter(
        account_id__in=accounts, date__gte=since
    ).values_list("account_id", "followers"):
        best[account_id] = max(best.get(account_id, 0), followers)
    out = {}
    for pk, account in accounts.items():
        region = account.owner.region_id
        while region is not None and region not in populations:
            region = parents.get(region)
        if region is None:
            continue
        threshold = populations[region] * r["follower_ratio"]
        peak = max(best.get(pk, 0), account.followers) if pk in best else None
        if peak is not None and peak < threshold:
            out[pk] = (
                f"近{r['follower_months']}个月粉丝数最高{peak}，低于常住人口{populations[region]}的1%（{threshold:.0f}）"
            )
    return out


def _law(accounts, r: dict) -> dict[int, str]:
    rows = Finding.objects.filter(account_id__in=accounts, indicator_code__in=r["law_indicators"]).exclude(
        status=FindingStatus.DISMISSED
    )
    return {f.account_id: f"{f.first_found_at:%Y-%m-%d} {f.summary}" for f in rows.order_by("first_found_at")}


def evaluate(today: dt.date | None = None) -> dict[int, list[dict]]:
    """account id → the conditions it meets, each ``{"n", "label", "evidence"}``."""
    today = today or timezone.localdate()
    r = rules()
    cutoff = today - dt.timedelta(days=r["min_age_days"])
    accounts = {
        a.pk: a
        for a in MediaAccount.objects.filter(
            status__in=[AccountStatus.ACTIVE, AccountStatus.PAUSED]
        ).select_related("owner")
        if (a.opened_on or timezone.localdate(a.created_at)) <= cutoff
    }
    found = {
        1: _low_scores(accounts, r),
        2: _bulletined(accounts, r, today),
        3: _gaps_or_unfixed(accounts, r, today),
        4: _incidents(accounts),
        5: _few_followers(accounts, r, today),
        6: _law(accounts, r),
    }
    result: dict[int, list[dict]] = defaultdict(list)
    for n, hits in found.items():
        for pk, evidence in hits.items():
            if pk in accounts:
                result[pk].append({"n": n, "label": LABELS[n], "evidence": evidence})
    return dict(result)


def refresh_candidates(today: dt.date | None = None) -> dict[str, int]:
    """Weekly: add or update candidates; open ones that no longer qualify are removed. Idempotent."""
    hits = evaluate(today)
    now = timezone.now()
    added = updated = 0
    with transaction.atomic():
        existing = {c.account_id: c for c in CleanupCandidate.objects.all()}
        for pk, conditions in hits.items():
            c = existing.get(pk)
            if c is None:
                CleanupCandidate.objects.create(account_id=pk, conditions=conditions, refreshed_at=now)
                added += 1
            elif c.conditions != conditions:
                c.conditions, c.refreshed_at = conditions, now
                c.save(update_fields=["conditions", "refreshed_at"])
                updated += 1
        gone = CleanupCandidate.objects.filter(status=CandidateStatus.OPEN).exclude(
            account_id__in=hits.keys()
        )
        removed = gone.count()
        gone.delete()
        if added or updated or removed:
            audit(
                None,
                "cleanup.refreshed",
                None,
                after={"added": added, "updated": updated, "removed": removed},
            )
    return {"added": added, "updated": updated, "removed": removed}


def _check(candidate: CleanupCandidate, acting_user) -> None:
    if not may_supervise(acting_user):
        raise PermissionDenied("只有主管单位可以处理清理整合候选")
    if candidate.status != CandidateStatus.OPEN:
        raise CleanupError(f"该候选当前为“{candidate.get_status_display()}”，不能再处理")


def do_dismiss_candidate(candidate: CleanupCandidate, *, acting_user, reason: str) -> CleanupCandidate:
    _check(candidate, acting_user)
    if not reason.strip():
        raise CleanupError("排除须填写理由")
    with transaction.atomic():
        if not CleanupCandidate.objects.filter(pk=candidate.pk, status=CandidateStatus.OPEN).update(
            status=CandidateStatus.DISMISSED, reason=reason.strip()[:500]
        ):
            raise CleanupError("该候选已被他人处理，请刷新后重试")
        candidate.refresh_from_db()
        audit(acting_user, "cleanup.dismissed", candidate, comment=reason)
    return candidate


def do_request_filing(candidate: CleanupCandidate, *, acting_user, kind: str = "close") -> CleanupCandidate:
    """Ask the owner unit to start a close (注销) or merge (整合) filing; it gets a notice with the link."""
    _check(candidate, acting_user)
    if kind not in ("close", "merge"):
        raise CleanupError("备案类型应为注销或整合")
    with transaction.atomic():
        if not CleanupCandidate.objects.filter(pk=candidate.pk, status=CandidateStatus.OPEN).update(
            status=CandidateStatus.FILED
        ):
            raise CleanupError("该候选已被他人处理，请刷新后重试")
        candidate.refresh_from_db()
        link = f"{reverse('filings:new', kwargs={'kind': kind})}?account={candidate.account_id}"
        notify(
            candidate.account.owner,
            f"请对“{candidate.account.name}”发起{'注销' if kind == 'close' else '整合'}备案",
            "；".join(c["label"] for c in candidate.conditions) + "（依据浙江省政务新媒体运维规范7.5）",
            link,
        )
        audit(acting_user, "cleanup.filing_requested", candidate, after={"kind": kind})
    return candidate
