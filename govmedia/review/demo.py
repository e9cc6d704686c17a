"""Demo drafts for 示例市教育局: three reviewers, drafts at every stage; idempotent.

Hooked into ``manage.py demo`` by one line in ``govmedia/web/management/commands/demo.py``
(``DEMO_BUILDERS.append(build_demo_review)``).
"""

from __future__ import annotations

from django.db import transaction

from govmedia.core.models import Role, User
from govmedia.registry.models import MediaAccount, Unit
from govmedia.review import services
from govmedia.review.models import ELEMENT_CHECKLIST, Position, Review, ReviewerAssignment

UNIT = "示例市教育局"
PEOPLE = [
    # username, role, display name, position
    ("yishen", Role.EDITOR, "李明（新媒体编辑，一审）", Position.FIRST),
    ("reviewer", Role.REVIEWER, None, Position.SECOND),
    ("fenguan", Role.REVIEWER, "王海燕（分管副局长，三审）", Position.THIRD),
]


def _people(unit: Unit) -> dict[str, User]:
    from govmedia.registry.demo import DEMO_PASSWORD

    people = {}
    for username, role, name, position in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, unit=unit, display_name=name or username)
            user.set_password(DEMO_PASSWORD)
            user.save()
        ReviewerAssignment.objects.get_or_create(unit=unit, position=position, user=user)
        people[username] = user
    return people


def build_demo_review() -> str:
    unit = Unit.objects.filter(name=UNIT).first()
    editor = User.objects.filter(username="editor").first()
    if unit is None or editor is None:
        return "稿件审核：演示地区不存在，跳过。"
    people = _people(unit)
    if Review.objects.filter(unit=unit).exists():
        return f"稿件审核：{Review.objects.filter(unit=unit).count()} 篇演示稿件已存在。"
    accounts = list(MediaAccount.objects.filter(owner=unit).values_list("pk", flat=True)[:1])
    if not accounts:
        return "稿件审核：示例市教育局没有账号，跳过。"
    elements = list(ELEMENT_CHECKLIST)

    def draft(title: str, body: str, level: str = "routine") -> Review:
        return services.do_create_review(
            acting_user=editor, title=title, body=body, account_ids=accounts, chosen_level=level
        )

    with transaction.atomic():
        published = draft(
            "2026年秋季学期开学工作提示", "各中小学要做好开学前校舍安全排查。\n请家长关注学校通知。"
        )
        published = services.do_submit(published, acting_user=editor)
        for who in ("yishen", "reviewer"):
            published = services.do_approve(
                published, acting_user=people[who], elements=elements, comment="同意"
            )
        services.do_mark_published(
            published, acting_user=editor, url="https://mp.weixin.qq.com/s/demo-review-1"
        )

        waiting = draft(
            "关于规范校外培训收费的提醒", "近期，市教育局联合市市场监管局开展校外培训收费检查。", "important"
        )
        waiting = services.do_submit(waiting, acting_user=editor)
        services.do_approve(waiting, acting_user=people["yishen"], elements=elements, comment="同意")

        returned = services.do_submit(
            draft("招生政策问答", "今年义务教育招生继续实行划片就近入学。"), acting_user=editor
        )
        services.do_return(
            returned, acting_user=people["yishen"], reason_tags=["policy"], comment="请引用招生文件的正式文号"
        )

        draft("食品安全检查通报", "市教育局联合国家工商总局对学校食堂开展检查。")
    return (
        f"稿件审核：{Review.objects.filter(unit=unit).count()} 篇演示稿件（已发布、审核中、退回、草稿各一）。"
    )
