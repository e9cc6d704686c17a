"""Demo inbox and answer bank for 示例市: cases for the demo messages. Deterministic and idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from govmedia.content.models import Message
from govmedia.interaction import services
from govmedia.interaction.models import Answer, Case
from govmedia.registry.models import Unit

ANSWERS = [
    (
        "示例市教育局",
        "小学新生入学报名需要准备哪些材料？",
        "需携带户口簿、房产证明或租房合同、儿童预防接种证，报名时间以教育局公告为准。",
    ),
    (
        "示例市教育局",
        "义务教育阶段学位不足怎么办？",
        "由教育局统筹安排到就近学校就读，可拨打教育局招生办电话咨询。",
    ),
    (
        "示例市人民政府办公室",
        "如何申请最低生活保障（低保）？",
        "向户籍所在地乡镇（街道）提出申请，提交家庭收入和财产证明。",
    ),
    (
        "示例市人民政府办公室",
        "个体工商户营业执照怎么办理？",
        "可在政务服务网或市民中心窗口申请，需身份证和经营场所证明。",
    ),
    (
        "示例市人民政府办公室",
        "城乡居民医保每年什么时候缴费？",
        "每年9月至12月为集中缴费期，可通过微信、支付宝或银行缴纳。",
    ),
    ("示例市人民政府办公室", "新生儿怎样办理户口登记？", "持出生医学证明、父母身份证和户口簿到派出所办理。"),
    (
        "示例市人民政府办公室",
        "住房公积金提取需要什么条件？",
        "购房、租房、退休等情形可以提取，需提供相关证明材料。",
    ),
    (
        "示例市人民政府办公室",
        "晚上工地施工噪音扰民向哪里反映？",
        "可拨打12345热线或向生态环境局反映，夜间施工须经审批。",
    ),
]


def build_demo_interaction() -> str:
    if not Unit.objects.filter(name="示例市人民政府办公室").exists():
        return "留言办理：演示地区不存在，跳过。"
    units = {u.name: u for u in Unit.objects.filter(name__in={a[0] for a in ANSWERS})}
    today = timezone.localdate()
    with transaction.atomic():
        for owner, question, answer in ANSWERS:
            if owner in units:
                Answer.objects.get_or_create(
                    owner=units[owner],
                    question=question,
                    defaults={"answer": answer, "valid_from": today.replace(month=1, day=1)},
                )
    opened = services.open_cases(Message.objects.all())
    cases = Case.objects.all()
    open_count = cases.filter(status__in=services.OPEN_STATUSES).count()
    late = cases.filter(status__in=services.OPEN_STATUSES, deadline__lt=timezone.now()).count()
    return (
        f"留言办理：{cases.count()} 条（本次新建 {opened} 条），待办 {open_count} 条、已超时 {late} 条；"
        f"问答库 {Answer.objects.count()} 条。"
    )
