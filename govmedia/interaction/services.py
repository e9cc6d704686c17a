"""Handling messages from the public: cases, deadlines, replies, forwards, the answer bank.

Every state change is a ``do_*`` function with a keyword-only ``acting_user`` and its audit
row in the same transaction; status moves along ``TRANSITIONS`` and a conditional update
decides between two people clicking at once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from govmedia.content.connectors import connector_for
from govmedia.content.models import Message
from govmedia.core.audit import audit
from govmedia.core.calendar import reply_deadline
from govmedia.core.models import Role
from govmedia.core.scoping import scope_for, scoped
from govmedia.interaction import notify
from govmedia.interaction.models import (
    OPEN_STATUSES,
    Answer,
    Case,
    Kind,
    KindRule,
    ReplyChannel,
    ReplyPolicy,
    Status,
    Topic,
)
from govmedia.registry.models import Region, Unit

DATA = Path(__file__).resolve().parent / "data" / "classification.json"
WECHAT_SERVICE_WINDOW = dt.timedelta(hours=48)
OPEN_ON_VIEW_DAYS = 30  # the inbox opens cases for recent messages itself; the job does the rest  # connectors.md §1.6: 客服消息 within 48 h

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.ASSIGNED, Status.FORWARDED, Status.REPLIED, Status.CLOSED},
    Status.ASSIGNED: {Status.ASSIGNED, Status.FORWARDED, Status.REPLIED, Status.CLOSED},
    Status.FORWARDED: {Status.ASSIGNED, Status.REPLIED, Status.CLOSED},
    Status.REPLIED: {Status.CLOSED},
    Status.CLOSED: set(),
}


class CaseError(Exception):
    """A refused action on a message, with the reason in Chinese (and the field, if one)."""

    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = message, field
        super().__init__(message)


class IllegalTransition(CaseError):
    pass


class ReplyRefused(CaseError):
    def __init__(self, message: str, hits: list | None = None, field: str | None = "text"):
        super().__init__(message, field)
        self.hits = hits or []


# ---------------------------------------------------------------- reading


def visible_cases(user) -> QuerySet[Case]:
    return scoped(Case.objects.all(), user).select_related(
        "message__account__owner__region", "topic", "assignee", "forwarded_to"
    )


def forwarded_to_user(user) -> QuerySet[Case]:
    """Cases another unit forwarded to the user's unit, which it answers (转办件)."""
    if not user.is_authenticated or user.unit_id is None:
        return Case.objects.none()
    return Case.objects.filter(forwarded_to_id=user.unit_id, status=Status.FORWARDED).select_related(
        "message__account__owner"
    )


def get_forwarded_for(user, pk) -> Case:
    from django.http import Http404

    case = forwarded_to_user(user).filter(pk=pk).first()
    if case is None:
        raise Http404("对象不存在或不在您的管理范围内")
    if not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能修改")
    return case


# ---------------------------------------------------------------- deadlines and classification


def policy_for(region: Region) -> tuple[int, int]:
    """The reply hours of the nearest region up the tree that set them; 24/48 otherwise."""
    ids = [int(p) for p in region.path.strip("/").split("/") if p]
    policies = {p.region_id: p for p in ReplyPolicy.objects.filter(region_id__in=ids)}
    for region_id in reversed(ids):
        if region_id in policies:
            return policies[region_id].hours, policies[region_id].holiday_hours
    return 24, 48


def deadline_for(message: Message, policy: tuple[int, int] | None = None) -> dt.datetime:
    hours, holiday_hours = policy or policy_for(message.account.owner.region)
    return reply_deadline(message.received_at, hours=hours, holiday_hours=holiday_hours)


def split_keywords(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[,，、;；\n\r]+", text or "") if w.strip()]


@cache
def _default_rules() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass
class Rules:
    kinds: dict[str, list[str]] = field(default_factory=dict)
    topics: list[tuple[Topic | None, str, list[str]]] = field(default_factory=list)


def rules_for(region: Region) -> Rules:
    """Default keyword rules (data file) overlaid by the rows of the region and the regions above it."""
    ids = [int(p) for p in region.path.strip("/").split("/") if p]
    defaults = _default_rules()
    kinds = {k: list(v) for k, v in defaults["kinds"].items()}
    for rule in KindRule.objects.filter(region_id__in=ids).order_by("region__path"):
        kinds[rule.kind] = split_keywords(rule.keywords)
    # nearer regions last, so their keywords win for a topic name
    topics = sorted(
        Topic.objects.filter(Q(region__isnull=True) | Q(region_id__in=ids)).select_related("region"),
        key=lambda t: (len(t.region.path) if t.region_id else 0, t.pk),
    )
    by_name: dict[str, tuple[Topic | None, str, list[str]]] = {
        name: (None, name, list(words)) for name, words in defaults["topics"].items()
    }
    for topic in topics:
        words = split_keywords(topic.keywords)
        if not words and topic.name in by_name:
            words = by_name[topic.name][2]  # a row made for a default topic keeps the default keywords
        by_name[topic.name] = (topic, topic.name, words)
    result = list(by_name.values())
    return Rules(kinds=kinds, topics=result)


KIND_ORDER = [Kind.COMPLAINT, Kind.CONSULTATION, Kind.SUGGESTION, Kind.COMMENT]
PLATFORM_KINDS = {
    "consultation": Kind.CONSULTATION,
    "complaint": Kind.COMPLAINT,
    "suggestion": Kind.SUGGESTION,
}


def classify(text: str, region: Region, platform_kind: str = "", rules: Rules | None = None):
    """(kind, topic name, Topic or None) suggested by the keyword rules; the platform's kind wins."""
    rules = rules or rules_for(region)
    kind = PLATFORM_KINDS.get(platform_kind)
    if kind is None:
        counts = {k: sum(text.count(w) for w in rules.kinds.get(k, [])) for k in KIND_ORDER}
        best = max(KIND_ORDER, key=lambda k: counts[k])
        kind = best if counts[best] else (Kind.COMMENT if platform_kind == "comment" else Kind.OTHER)
    scored = [(sum(text.count(w) for w in words), i) for i, (_, _, words) in enumerate(rules.topics)]
    top = max(scored, default=(0, -1))
    if top[0] == 0:
        return kind, "", None
    topic, name, _ = rules.topics[top[1]]
    return kind, name, topic


def _topic_row(topic: Topic | None, name: str) -> Topic | None:
    if topic is not None or not name:
        return topic
    return Topic.objects.get_or_create(region=None, name=name, defaults={"keywords": ""})[0]


def open_cases(messages: QuerySet[Message] | None = None) -> int:
    """A case for every message that has none yet (idempotent); returns how many were opened."""
    messages = (messages if messages is not None else Message.objects.all()).filter(case__isnull=True)
    messages = messages.select_related("account__owner__region")
    created = 0
    policies: dict[int, tuple[int, int]] = {}
    rules: dict[int, Rules] = {}
    batch = []
    for message in messages.iterator(chunk_size=500):
        region = message.account.owner.region
        if region.pk not in policies:
            policies[region.pk], rules[region.pk] = policy_for(region), rules_for(region)
        kind, name, topic = classify(message.text, region, message.kind, rules[region.pk])
        case = Case(
            message=message,
            kind=kind,
            topic=_topic_row(topic, name),
            deadline=deadline_for(message, policies[region.pk]),
        )
        if message.replied_at is not None:
            case.status, case.reply_channel = Status.REPLIED, ReplyChannel.PLATFORM_SEEN
            case.reply_text, case.answered_at = message.reply_text, message.replied_at
        batch.append(case)
        if len(batch) >= 500:
            created += len(Case.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(Case.objects.bulk_create(batch, ignore_conflicts=True))
    return created


def sync_platform_replies(cases: QuerySet[Case]) -> int:
    """Open cases whose message was answered on the platform itself (seen by collection) become replied."""
    changed = 0
    for case in cases.filter(status__in=OPEN_STATUSES, message__replied_at__isnull=False).select_related(
        "message"
    ):
        changed += Case.objects.filter(pk=case.pk, status=case.status).update(
            status=Status.REPLIED,
            reply_channel=ReplyChannel.PLATFORM_SEEN,
            reply_text=case.message.reply_text,
            answered_at=case.message.replied_at,
        )
    return changed


# ---------------------------------------------------------------- state changes


def _move(case: Case, to: str, **values) -> tuple[Case, str]:
    """Move along TRANSITIONS with a conditional update: of two clicks, one wins, the other is told."""
    if to not in TRANSITIONS[case.status]:
        raise IllegalTransition(
            f"留言当前为“{case.get_status_display()}”，不能改为“{Status(to).label}”", field="status"
        )
    won = Case.objects.filter(pk=case.pk, status=case.status).update(status=to, **values)
    if won != 1:
        raise IllegalTransition("这条留言刚被他人处理过，请刷新后再试", field="status")
    before = case.get_status_display()
    case.refresh_from_db()
    return case, before


def _require_write(user, case: Case) -> None:
    if not scoped(Case.objects.filter(pk=case.pk), user).exists():
        raise PermissionDenied("这条留言不在您的管理范围内")
    if not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能办理留言")


def assignable_users(case: Case):
    from django.contrib.auth import get_user_model

    owner = case.message.account.owner
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=[Role.EDITOR, Role.SUPERVISOR])
        .filter(Q(unit=owner) | Q(role=Role.SUPERVISOR, unit__region__path__in=ancestor_paths(owner.region)))
        .order_by("unit_id", "username")
    )


def ancestor_paths(region: Region) -> list[str]:
    parts = [p for p in region.path.strip("/").split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def do_assign(case: Case, *, acting_user, assignee) -> Case:
    _require_write(acting_user, case)
    if assignee is None or not assignable_users(case).filter(pk=assignee.pk).exists():
        raise CaseError("办理人须是本单位编辑或上级主管单位人员", field="assignee")
    with transaction.atomic():
        case, before = _move(case, Status.ASSIGNED, assignee=assignee)
        audit(acting_user, "interaction.assigned", case, comment=f"{before} → 办理人 {assignee}")
        notify.send(
            assignee,
            key=f"case-assigned-{case.pk}-{assignee.pk}-{case.deadline:%Y%m%d%H%M}",
            text=f"您有一条留言待答复，时限 {timezone.localtime(case.deadline):%m月%d日 %H:%M}",
            url=f"/interaction/{case.pk}/",
        )
    return case


def check_reply(case: Case, text: str):
    """The risk checker's hits on a reply, for the region of the account that sends it."""
    from govmedia.riskcheck.services import checker_for

    return checker_for(case.message.account.owner.region).check(text)


def reply_route(case: Case, now: dt.datetime | None = None) -> tuple[str, str]:
    """How a reply can go out: (channel, Chinese explanation).

    Through the platform only where the account's connector offers sending, the connector can
    answer this kind of message (``reply_blocker``: e.g. WeChat comments yes, WeChat private
    messages no — we keep no openid), the account has API credentials, and the platform still
    allows it (a private message within 48 hours); otherwise by hand.
    """
    now = now or timezone.now()
    message = case.message
    connector = connector_for(message.account.platform)
    if connector is None or not hasattr(connector, "send_reply"):
        return ReplyChannel.MANUAL, "该平台接口不支持代发答复，请在平台后台发送后登记发送时间"
    blocker = getattr(connector, "reply_blocker", None)
    if blocker is not None:  # a real connector (test doubles without it are taken at their word)
        from govmedia.content.models import Connection

        reason = blocker(message)
        if reason:
            return ReplyChannel.MANUAL, reason
        stored = Connection.objects.filter(account_id=message.account_id)
        if not stored.exclude(credentials_encrypted="").exists():
            return ReplyChannel.MANUAL, "该账号未配置平台接口凭证，无法代发，请在平台后台发送后登记发送时间"
    if message.kind == "private" and now - message.received_at > WECHAT_SERVICE_WINDOW:
        return (
            ReplyChannel.MANUAL,
            "已超过客服消息 48 小时窗口，平台不再允许代发，请线下联系或在平台内回复后登记",
        )
    return ReplyChannel.PLATFORM, "将通过平台接口直接发送"


def _send_through_platform(case: Case, text: str) -> None:
    """Send inside do_reply's transaction: any refusal raises ReplyRefused and rolls the reply back."""
    from govmedia.content.connectors.base import ConnectorError
    from govmedia.content.credentials import CredentialsError
    from govmedia.content.services import _make_connector, connection_of

    try:
        connector = _make_connector(connection_of(case.message.account))
    except CredentialsError as exc:
        raise ReplyRefused(f"平台发送失败：{exc}") from None
    if connector is None:
        raise ReplyRefused("平台发送失败：该平台没有可用的接口")
    too_long = getattr(connector, "reply_text_problem", lambda text: "")(text)
    if too_long:
        raise ReplyRefused(too_long)  # before anything is sent
    try:
        connector.send_reply(case.message.account, case.message, text)
    except ConnectorError as exc:
        raise ReplyRefused(f"平台发送失败：{exc.reason}") from None


def do_reply(
    case: Case,
    *,
    acting_user,
    text: str,
    sent_at: dt.datetime | None = None,
    answer: Answer | None = None,
    risks_confirmed: bool = False,
    now: dt.datetime | None = None,
) -> Case:
    """Answer the public; the risk check runs first (serious hits refuse, others need confirming)."""
    _require_write(acting_user, case)
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ReplyRefused("请填写答复内容")
    if len(text) > 2000:
        raise ReplyRefused("答复内容过长，最多 2000 字")
    hits = check_reply(case, text)
    serious = [h for h in hits if h.severity == "serious"]
    if serious:
        raise ReplyRefused(f"答复内容有 {len(serious)} 处严重表述问题，请修改后再发送", hits)
    if hits and not risks_confirmed:
        raise ReplyRefused(f"答复内容有 {len(hits)} 处风险提示，请逐条核对后勾选“已核对”再发送", hits)
    channel, _ = reply_route(case, now)
    if channel == ReplyChannel.MANUAL:
        sent_at = sent_at or now
        if sent_at > now + dt.timedelta(minutes=5):
            raise ReplyRefused("发送时间不能晚于现在", field="sent_at")
        if sent_at < case.message.received_at:
            raise ReplyRefused("发送时间不能早于留言时间", field="sent_at")
    else:
        sent_at = now
    with transaction.atomic():
        case, before = _move(
            case,
            Status.REPLIED,
            reply_text=text,
            reply_channel=channel,
            answered_at=sent_at,
            answered_by=acting_user,
            answer_used=answer,
            risk_hits=[h.to_dict() for h in hits],
        )
        if channel == ReplyChannel.PLATFORM:
            _send_through_platform(case, text)  # a failure rolls the reply back
        Message.objects.filter(pk=case.message_id).update(
            reply_text=text, replied_at=sent_at, replied_by=str(acting_user)[:50]
        )
        if answer is not None:
            Answer.objects.filter(pk=answer.pk).update(times_used=F("times_used") + 1)
        audit(
            acting_user,
            "interaction.replied",
            case,
            comment=f"{before} → 已答复（{ReplyChannel(channel).label}）",
            after={"reply_text": text, "answered_at": sent_at.isoformat()},
        )
    return case


def do_forward(case: Case, *, acting_user, unit: Unit | None, note: str) -> Case:
    """Send the matter to the competent department (004_…txt §8.3.3 转送有关业务部门)."""
    _require_write(acting_user, case)
    if unit is None:
        raise CaseError("请选择转办单位", field="unit")
    if unit.pk == case.message.account.owner_id:
        raise CaseError("不能转办给本单位", field="unit")
    note = (note or "").strip()
    if not note:
        raise CaseError("请填写转办说明", field="note")
    with transaction.atomic():
        case, before = _move(
            case,
            Status.FORWARDED,
            forwarded_to=unit,
            forwarded_at=timezone.now(),
            forward_note=note,
            forward_answer="",
            forward_answered_at=None,
        )
        audit(acting_user, "interaction.forwarded", case, comment=f"{before} → 转办 {unit}：{note}")
        for user in unit.users.filter(is_active=True, role=Role.EDITOR):
            notify.send(
                user,
                key=f"case-forwarded-{case.pk}-{unit.pk}",
                text=f"{case.message.account.owner}转来一条群众留言，请提出答复意见",
                url=f"/interaction/forwarded/{case.pk}/",
            )
    return case


def do_answer_forward(case: Case, *, acting_user, text: str) -> Case:
    """The competent department's answer to a forwarded message; the owner then replies to the public."""
    if acting_user.unit_id != case.forwarded_to_id or case.status != Status.FORWARDED:
        raise PermissionDenied("只有承办单位可以答复转办件")
    text = (text or "").strip()
    if not text:
        raise CaseError("请填写答复意见", field="text")
    with transaction.atomic():
        won = Case.objects.filter(
            pk=case.pk, status=Status.FORWARDED, forward_answered_at__isnull=True
        ).update(forward_answer=text, forward_answered_at=timezone.now())
        if won != 1:
            raise IllegalTransition("该转办件已答复或已收回", field="text")
        case.refresh_from_db()
        audit(acting_user, "interaction.forward_answered", case, comment=text[:200])
        if case.assignee_id:
            notify.send(
                case.assignee,
                key=f"case-forward-answered-{case.pk}",
                text=f"{case.forwarded_to}已回复转办留言，请答复群众",
                url=f"/interaction/{case.pk}/",
            )
    return case


def do_answer_offline(case: Case, *, acting_user, reason: str) -> Case:
    """Sensitive matters answered offline (by phone, in person), with the reason kept."""
    _require_write(acting_user, case)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise CaseError("请填写线下答复的原因（至少 4 个字）", field="reason")
    now = timezone.now()
    with transaction.atomic():
        case, before = _move(
            case,
            Status.CLOSED,
            reply_channel=ReplyChannel.OFFLINE,
            offline_reason=reason,
            answered_at=now,
            answered_by=acting_user,
            closed_at=now,
        )
        # The message counts as answered for `late_replies`; the collector never erases a known reply.
        Message.objects.filter(pk=case.message_id, replied_at__isnull=True).update(
            reply_text="（已线下答复）", replied_at=now, replied_by=str(acting_user)[:50]
        )
        audit(acting_user, "interaction.answered_offline", case, comment=f"{before} → 线下答复：{reason}")
    return case


def do_close(case: Case, *, acting_user) -> Case:
    _require_write(acting_user, case)
    if case.status != Status.REPLIED:
        raise IllegalTransition("只有已答复的留言可以办结", field="status")
    with transaction.atomic():
        case, before = _move(case, Status.CLOSED, closed_at=timezone.now())
        audit(acting_user, "interaction.closed", case, comment=f"{before} → 已办结")
    return case


def do_reclassify(case: Case, *, acting_user, kind: str, topic: Topic | None) -> Case:
    _require_write(acting_user, case)
    if kind not in Kind.values:
        raise CaseError("留言类别不正确", field="kind")
    with transaction.atomic():
        before = {"kind": case.get_kind_display(), "topic": str(case.topic or "")}
        Case.objects.filter(pk=case.pk).update(kind=kind, topic=topic)
        case.refresh_from_db()
        audit(
            acting_user,
            "interaction.reclassified",
            case,
            before=before,
            after={"kind": case.get_kind_display(), "topic": str(case.topic or "")},
        )
    return case


# ---------------------------------------------------------------- reminders


REMIND_BEFORE = dt.timedelta(hours=4)


def send_reply_reminders(now: dt.datetime | None = None) -> dict:
    """Remind the assignee (or the unit's editors) 4 hours before the deadline; tell supervisors when overdue.

    Idempotent: every reminder has a key and fires once.
    """
    now = now or timezone.now()
    due_soon = overdue = 0
    open_cases_qs = Case.objects.filter(status__in=[Status.NEW, Status.ASSIGNED]).select_related(
        "message__account__owner__region", "assignee"
    )
    for case in open_cases_qs.filter(deadline__gt=now, deadline__lte=now + REMIND_BEFORE):
        for user in _handlers(case):
            due_soon += notify.send(
                user,
                key=f"case-due-{case.pk}",
                text=f"留言即将超时：{case.message.text[:20]}（时限 {timezone.localtime(case.deadline):%m月%d日 %H:%M}）",
                url=f"/interaction/{case.pk}/",
            )
    for case in open_cases_qs.filter(deadline__lte=now):
        owner = case.message.account.owner
        for user in [*_handlers(case), *_supervisors(owner.region)]:
            overdue += notify.send(
                user,
                key=f"case-overdue-{case.pk}",
                text=f"{owner}留言已超过答复时限：{case.message.text[:20]}",
                url=f"/interaction/{case.pk}/",
            )
    return {"due_soon": due_soon, "overdue": overdue}


def _handlers(case: Case):
    if case.assignee_id:
        return [case.assignee]
    return list(case.message.account.owner.users.filter(is_active=True, role=Role.EDITOR))


def _supervisors(region: Region):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(is_active=True, role=Role.SUPERVISOR, unit__region=region))


# ---------------------------------------------------------------- rules a supervisor edits


def _require_supervisor_of(user, region: Region) -> None:
    if user.role not in {Role.SUPERVISOR, Role.ADMIN} and not user.is_superuser:
        raise PermissionDenied("只有主管单位可以修改分类规则和答复时限")
    if not scoped(Region.objects.filter(pk=region.pk), user).exists() or not scope_for(user).can_write:
        raise PermissionDenied("该地区不在您的管理范围内")


def do_save_kind_rule(region: Region, *, acting_user, kind: str, keywords: str) -> KindRule:
    _require_supervisor_of(acting_user, region)
    if kind not in Kind.values:
        raise CaseError("留言类别不正确", field="kind")
    words = split_keywords(keywords)
    if not words:
        raise CaseError("请至少填写一个关键词", field="keywords")
    with transaction.atomic():
        rule, _ = KindRule.objects.update_or_create(
            region=region, kind=kind, defaults={"keywords": "、".join(words)}
        )
        audit(
            acting_user,
            "interaction.rule_saved",
            None,
            comment=f"{region} {Kind(kind).label}：{rule.keywords}",
        )
    return rule


def do_save_topic(region: Region, *, acting_user, name: str, keywords: str) -> Topic:
    _require_supervisor_of(acting_user, region)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise CaseError("请填写主题名称（不超过 40 字）", field="name")
    words = split_keywords(keywords)
    if not words:
        raise CaseError("请至少填写一个关键词", field="keywords")
    with transaction.atomic():
        topic, _ = Topic.objects.update_or_create(
            region=region, name=name, defaults={"keywords": "、".join(words)}
        )
        audit(acting_user, "interaction.rule_saved", None, comment=f"{region} 主题“{name}”：{topic.keywords}")
    return topic


def do_save_policy(region: Region, *, acting_user, hours: int, holiday_hours: int) -> ReplyPolicy:
    """A region's reply hours; never looser than the policy (003_…txt: 24 小时，节假日 48 小时)."""
    _require_supervisor_of(acting_user, region)
    if not 1 <= hours <= 24:
        raise CaseError("工作日答复时限应在 1 到 24 小时之间", field="hours")
    if not 1 <= holiday_hours <= 48:
        raise CaseError("节假日答复时限应在 1 到 48 小时之间", field="holiday_hours")
    with transaction.atomic():
        policy, _ = ReplyPolicy.objects.update_or_create(
            region=region, defaults={"hours": hours, "holiday_hours": holiday_hours}
        )
        audit(
            acting_user,
            "interaction.rule_saved",
            None,
            comment=f"{region} 答复时限 {hours}/{holiday_hours} 小时",
        )
    return policy


def can_edit_rules(user) -> bool:
    return user.is_superuser or (user.role in {Role.SUPERVISOR, Role.ADMIN} and scope_for(user).can_write)
