"""Issuing directives, tracking each account's task, matching collected posts, reminders, repost checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from govmedia.content.models import Post
from govmedia.core.audit import audit
from govmedia.core.models import Role
from govmedia.core.scoping import scope_for, scoped
from govmedia.dispatch import matching
from govmedia.dispatch.models import (
    OPEN_TASK,
    Directive,
    DirectiveKind,
    MatchMethod,
    Task,
    TaskReminder,
    TaskStatus,
)
from govmedia.registry.models import AccountStatus, MediaAccount, Platform, Unit

LOOK_BACK = dt.timedelta(days=1)  # a repost published just before the directive arrived still counts
REMIND_BEFORE = dt.timedelta(hours=24)

TRANSITIONS: dict[str, set[str]] = {
    TaskStatus.PENDING: {TaskStatus.ACKNOWLEDGED, TaskStatus.DONE, TaskStatus.MISSED},
    TaskStatus.ACKNOWLEDGED: {TaskStatus.DONE, TaskStatus.MISSED},
    TaskStatus.MISSED: {TaskStatus.DONE},  # done late: still counted as missed for the inspection
    TaskStatus.DONE: set(),
}


class DispatchError(Exception):
    def __init__(self, message: str, field: str | None = None):
        self.message, self.field = message, field
        super().__init__(message)


def can_issue(user) -> bool:
    return user.is_authenticated and (user.role in {Role.SUPERVISOR, Role.ADMIN} or user.is_superuser)


def visible_directives(user) -> QuerySet[Directive]:
    return scoped(Directive.objects.select_related("issuer"), user)


def directive_for_reader(user, pk) -> Directive:
    """A directive the user issued (in scope) or received (one of its tasks is in scope); else 404."""
    from django.http import Http404

    directive = visible_directives(user).filter(pk=pk).first()
    if directive is None and visible_tasks(user).filter(directive_id=pk).exists():
        directive = Directive.objects.get(pk=pk)
    if directive is None:
        raise Http404("对象不存在或不在您的管理范围内")
    return directive


ATTACHMENT_TYPES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK",),
    ".xlsx": (b"PK",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
MAX_ATTACHMENT = 20 * 1024 * 1024


def check_attachment(name: str, size: int, head: bytes) -> None:
    """Refuse what is not the document it claims to be (by extension and first bytes), or too big."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise DispatchError("附件只接受 PDF、Word、Excel 或图片文件", field="attachment")
    if size > MAX_ATTACHMENT:
        raise DispatchError("附件不能超过 20 MB", field="attachment")
    if not head.startswith(ATTACHMENT_TYPES[suffix]):
        raise DispatchError(f"附件内容与扩展名 {suffix} 不符", field="attachment")


def visible_tasks(user) -> QuerySet[Task]:
    return scoped(Task.objects.select_related("directive", "account__owner__region", "post"), user)


def resolve_targets(user, *, units=(), platforms=(), accounts=()) -> QuerySet[MediaAccount]:
    """The active accounts a directive reaches: explicit accounts, or the units' (and platforms') accounts."""
    base = scoped(MediaAccount.objects.filter(status=AccountStatus.ACTIVE), user)
    if accounts:
        return base.filter(pk__in=[a.pk for a in accounts])
    if units:
        condition = Q()
        for unit in units:
            condition |= Q(owner=unit) | Q(owner__parent=unit)
        base = base.filter(condition)
    if platforms:
        base = base.filter(platform__in=list(platforms))
    return base


def do_issue_directive(
    *,
    acting_user,
    title: str,
    deadline: dt.datetime,
    kind: str = DirectiveKind.REPOST,
    source_url: str = "",
    source_name: str = "",
    text: str = "",
    keywords: str = "",
    attachment=None,
    units=(),
    platforms=(),
    accounts=(),
    now: dt.datetime | None = None,
) -> Directive:
    if not can_issue(acting_user):
        raise PermissionDenied("只有主管单位可以下发调度指令")
    if acting_user.unit_id is None:
        raise DispatchError("您的账号没有所属单位，不能作为下发单位", field="units")
    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise DispatchError("请填写标题", field="title")
    if kind not in DirectiveKind.values:
        raise DispatchError("请选择要求（必须转发、发布原创报道或知悉）", field="kind")
    if deadline is None or deadline <= now:
        raise DispatchError("完成时限须晚于现在", field="deadline")
    if kind == DirectiveKind.REPOST and not (source_url or text):
        raise DispatchError("必须转发的指令请填写原文链接或正文，以便自动比对", field="source_url")
    bad = [p for p in platforms if p not in Platform.values]
    if bad:
        raise DispatchError(f"平台不正确：{'、'.join(bad)}", field="platforms")
    outside = [u for u in units if not scoped(Unit.objects.filter(pk=u.pk), acting_user).exists()]
    if outside:
        raise DispatchError(f"目标单位不在您的管理范围内：{outside[0]}", field="units")
    if attachment:
        head = attachment.read(8)
        attachment.seek(0)
        check_attachment(attachment.name, attachment.size, head)
    targets = list(resolve_targets(acting_user, units=units, platforms=platforms, accounts=accounts))
    if accounts and len(targets) != len(set(accounts)):
        raise DispatchError("指定账号中有不在您管理范围内或已停用的账号", field="accounts")
    if not targets:
        raise DispatchError("没有符合条件的在用账号，请调整目标单位或平台", field="units")
    with transaction.atomic():
        directive = Directive.objects.create(
            issuer=acting_user.unit,
            title=title[:200],
            kind=kind,
            source_url=source_url,
            source_name=source_name,
            text=text,
            keywords=keywords,
            deadline=deadline,
            target_platforms=list(platforms),
            created_by=acting_user,
            issued_at=now,
            **({"attachment": attachment} if attachment else {}),
        )
        directive.target_units.set(units)
        directive.target_accounts.set(accounts)
        Task.objects.bulk_create([Task(directive=directive, account=a) for a in targets])
        audit(
            acting_user,
            "dispatch.issued",
            directive,
            comment=f"{directive.get_kind_display()}，{len(targets)} 个账号",
        )
    return directive


def _move(task: Task, to: str, **values) -> Task:
    if to not in TRANSITIONS[task.status]:
        raise DispatchError(
            f"任务当前为“{task.get_status_display()}”，不能改为“{TaskStatus(to).label}”", field="status"
        )
    if Task.objects.filter(pk=task.pk, status=task.status).update(status=to, **values) != 1:
        raise DispatchError("该任务刚被他人处理过，请刷新后再试", field="status")
    task.refresh_from_db()
    return task


def _require_task_write(user, task: Task) -> None:
    if not scoped(Task.objects.filter(pk=task.pk), user).exists():
        raise PermissionDenied("该任务不在您的管理范围内")
    if not scope_for(user).can_write:
        raise PermissionDenied("您的角色为只读，不能办理调度任务")


def do_acknowledge(task: Task, *, acting_user) -> Task:
    """签收. For an information-only directive, acknowledging is completing."""
    _require_task_write(acting_user, task)
    now = timezone.now()
    with transaction.atomic():
        if task.directive.kind == DirectiveKind.INFO:
            task = _move(
                task,
                TaskStatus.DONE,
                acknowledged_at=now,
                acknowledged_by=acting_user,
                done_at=now,
                match_method=MatchMethod.ACKNOWLEDGED,
            )
        else:
            task = _move(task, TaskStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=acting_user)
        audit(acting_user, "dispatch.acknowledged", task)
    return task


def do_confirm(
    task: Task, *, acting_user, evidence_url: str = "", note: str = "", done_at: dt.datetime | None = None
) -> Task:
    """Completion confirmed by hand, with evidence (a link or a description)."""
    _require_task_write(acting_user, task)
    now = timezone.now()
    evidence_url, note = (evidence_url or "").strip(), (note or "").strip()
    if not evidence_url and not note:
        raise DispatchError("请填写佐证链接或佐证说明", field="evidence_url")
    done_at = done_at or now
    if done_at > now + dt.timedelta(minutes=5):
        raise DispatchError("完成时间不能晚于现在", field="done_at")
    if done_at < task.directive.issued_at - LOOK_BACK:
        raise DispatchError("完成时间不能早于指令下发时间", field="done_at")
    with transaction.atomic():
        task = _move(
            task,
            TaskStatus.DONE,
            done_at=done_at,
            match_method=MatchMethod.MANUAL,
            evidence_url=evidence_url,
            evidence_note=note,
            confirmed_by=acting_user,
            acknowledged_at=task.acknowledged_at or now,
        )
        audit(acting_user, "dispatch.confirmed", task, comment=evidence_url or note[:200])
    return task


def do_close_directive(directive: Directive, *, acting_user) -> Directive:
    if (
        not can_issue(acting_user)
        or not scoped(Directive.objects.filter(pk=directive.pk), acting_user).exists()
    ):
        raise PermissionDenied("只有下发单位可以结束调度指令")
    with transaction.atomic():
        if (
            Directive.objects.filter(pk=directive.pk, closed_at__isnull=True).update(closed_at=timezone.now())
            != 1
        ):
            raise DispatchError("该指令已结束")
        directive.refresh_from_db()
        audit(acting_user, "dispatch.closed", directive)
    return directive


# ---------------------------------------------------------------- automatic matching and deadlines


def match_tasks(directives: QuerySet[Directive] | None = None, now: dt.datetime | None = None) -> int:
    """Find each open task's post among the collected ones; idempotent. Returns tasks completed."""
    now = now or timezone.now()
    directives = directives if directives is not None else Directive.objects.filter(closed_at__isnull=True)
    completed = 0
    for directive in directives.exclude(kind=DirectiveKind.INFO):
        tasks = {
            t.account_id: t
            for t in directive.tasks.filter(status__in=[*OPEN_TASK, TaskStatus.MISSED]).select_related(
                "account"
            )
        }
        if not tasks:
            continue
        posts = Post.objects.filter(
            account_id__in=tasks, published_at__gte=directive.issued_at - LOOK_BACK, published_at__lte=now
        ).order_by("published_at", "id")
        for post in posts.only("id", "account_id", "title", "body", "url", "is_original", "published_at"):
            task = tasks.get(post.account_id)
            if task is None:
                continue
            found = matching.match(directive, post)
            if found is None:
                continue
            method, score = found
            with transaction.atomic():
                won = Task.objects.filter(pk=task.pk, status=task.status).update(
                    status=TaskStatus.DONE,
                    done_at=post.published_at,
                    post=post,
                    match_method=method,
                    match_score=score,
                )
                if won:
                    task.refresh_from_db()
                    audit(None, "dispatch.completed", task, comment=f"{MatchMethod(method).label}：{post}")
                    completed += 1
            tasks.pop(post.account_id)
    return completed


def mark_missed(now: dt.datetime | None = None) -> int:
    """Open tasks past their deadline become missed (each once, with its reminder row)."""
    now = now or timezone.now()
    missed = 0
    for task in Task.objects.filter(status__in=OPEN_TASK, directive__deadline__lt=now).select_related(
        "directive", "account__owner__region"
    ):
        with transaction.atomic():
            if Task.objects.filter(pk=task.pk, status=task.status).update(status=TaskStatus.MISSED):
                task.status = TaskStatus.MISSED
                audit(None, "dispatch.missed", task)
                TaskReminder.objects.get_or_create(task=task, kind=TaskReminder.Kind.MISSED)
                missed += 1
    return missed


def send_reminders(now: dt.datetime | None = None) -> int:
    """A reminder for every open task due within 24 hours; fires once per task."""
    now = now or timezone.now()
    due = Task.objects.filter(
        status__in=OPEN_TASK, directive__deadline__gt=now, directive__deadline__lte=now + REMIND_BEFORE
    ).exclude(reminders__kind=TaskReminder.Kind.DUE_SOON)
    created = TaskReminder.objects.bulk_create(
        [TaskReminder(task=t, kind=TaskReminder.Kind.DUE_SOON, sent_at=now) for t in due],
        ignore_conflicts=True,
    )
    return len(created)


def run(now: dt.datetime | None = None) -> dict:
    """The scheduled job: match posts, remind, mark missed. Idempotent."""
    now = now or timezone.now()
    return {"completed": match_tasks(now=now), "reminded": send_reminders(now), "missed": mark_missed(now)}


# ---------------------------------------------------------------- reading and reports


@dataclass
class Completion:
    total: int
    done: int
    on_time: int
    acknowledged: int
    missed: int

    @property
    def share(self) -> float:
        return self.done / self.total if self.total else 0.0


def completion(directive: Directive) -> Completion:
    counts = directive.tasks.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        on_time=Count("id", filter=Q(status=TaskStatus.DONE, done_at__lte=F("directive__deadline"))),
        acknowledged=Count("id", filter=~Q(status=TaskStatus.PENDING)),
        missed=Count("id", filter=Q(status=TaskStatus.MISSED)),
    )
    return Completion(**counts)


def with_completion(directives: QuerySet[Directive]) -> QuerySet[Directive]:
    """The same counts as ``completion``, annotated in one query for a list."""
    return directives.annotate(
        n_total=Count("tasks"),
        n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        n_on_time=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE, tasks__done_at__lte=F("deadline"))),
        n_acknowledged=Count("tasks", filter=~Q(tasks__status=TaskStatus.PENDING)),
        n_missed=Count("tasks", filter=Q(tasks__status=TaskStatus.MISSED)),
    )


def completion_by_unit(tasks: QuerySet[Task]) -> list[dict]:
    rows = (
        tasks.values("account__owner__name")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        .order_by("account__owner__name")
    )
    return [
        {
            "unit": r["account__owner__name"],
            "total": r["total"],
            "done": r["done"],
            "share": r["done"] / r["total"],
        }
        for r in rows
    ]


def missed_directives(
    *, account_ids=None, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[dict]:
    """Tasks not completed by their deadline (missed, or done late): evidence for `missed_directives`."""
    tasks = Task.objects.filter(
        Q(status=TaskStatus.MISSED) | Q(status=TaskStatus.DONE, done_at__gt=F("directive__deadline"))
    )
    if account_ids is not None:
        tasks = tasks.filter(account_id__in=list(account_ids))
    if since is not None:
        tasks = tasks.filter(directive__deadline__gte=since)
    if until is not None:
        tasks = tasks.filter(directive__deadline__lt=until)
    return [
        {
            "account_id": t["account_id"],
            "task_id": t["id"],
            "directive_id": t["directive_id"],
            "title": t["directive__title"],
            "deadline": t["directive__deadline"],
            "done_at": t["done_at"],
        }
        for t in tasks.order_by("directive__deadline", "id").values(
            "id", "account_id", "directive_id", "directive__title", "directive__deadline", "done_at"
        )
    ]
