"""A year of posts, stats, messages and connection health for the demo region (示例市).

Deterministic from a seed and idempotent: a second run finds the demo posts and changes
nothing. Accounts get a realistic rhythm — busy, steady, slow and dormant — and a sprinkling
of real problems (typos, outdated institution names, a leaked mobile number, reposts without
attribution) for the supervision pages to find.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.db import transaction
from django.utils import timezone

from govmedia.content.models import Connection, Health, Message, MessageKind, Post, PostKind, PostStat, Source
from govmedia.content.risk import check_post_text
from govmedia.content.services import content_hash, mask_author
from govmedia.registry.models import AccountStatus, MediaAccount, Platform

SEED = 20261127
DAYS = 365
TOPICS = [
    "秋季学期开学",
    "防汛抗旱",
    "安全生产大检查",
    "森林防火",
    "医保参保缴费",
    "乡村振兴",
    "营商环境优化",
    "就业创业补贴",
    "老旧小区改造",
    "垃圾分类",
    "文明城市创建",
    "农村人居环境整治",
    "义务教育招生",
    "养老服务补贴",
    "退役军人优待",
    "燃气安全",
    "冬季供暖",
    "河长制",
    "高标准农田建设",
    "消费券发放",
]
PATTERNS = [
    "关于做好{topic}工作的通知",
    "{unit}召开{topic}工作推进会",
    "图解：一图读懂{topic}政策",
    "【解读】{topic}有哪些新变化？",
    "{unit}开展{topic}专项行动",
    "{topic}，这些事项请注意！",
    "权威发布｜{topic}最新安排",
    "{unit}：{topic}取得阶段性成效",
]
REPOSTS = [
    ("新华社", "新华社权威快报｜{topic}新政策发布"),
    ("人民日报", "人民日报评论：把{topic}这件实事办好"),
    ("央视新闻", "央视新闻：各地扎实推进{topic}"),
]
BODY = (
    "为深入贯彻落实上级决策部署，切实做好{topic}相关工作，{unit}结合实际，对有关事项安排如下："
    "一是提高思想认识，压实工作责任；二是细化工作举措，确保各项任务落到实处；三是加强宣传引导，"
    "营造良好氛围。欢迎广大群众通过本平台留言反映意见建议。"
)
PROBLEMS = [
    (
        "typo",
        "{unit}提醒：{topic}期间请勿掉以轻心，松驰不得",
        "各项工作要针贬时弊、狠抓落实，{topic}一刻也不能放松。",
    ),
    ("institution", "县国土资源局部署{topic}工作", "会上，县国土资源局、县工商局负责同志就{topic}作了发言。"),
    ("phone", "{topic}咨询服务热线公布", "如有疑问，可联系工作人员王某，手机13812345678，工作日随时咨询。"),
    ("leader", "学习贯彻国家总理重要讲话精神", "国家总理李强主持召开国务院常务会议，部署{topic}相关工作。"),
]
QUESTIONS = [
    ("consultation", "请问{topic}在哪里办理？需要带什么材料？"),
    ("consultation", "{topic}的补贴什么时候发放？"),
    ("complaint", "小区门口路灯坏了一个多月了，一直没人修。"),
    ("complaint", "反映多次{topic}的问题，至今没有答复。"),
    ("suggestion", "建议在周末也开放办事大厅，方便上班族。"),
    ("comment", "点赞！{topic}做得很实在。"),
    ("comment", "希望多发一些{topic}的解读。"),
]
REPLIES = [
    "您好，您反映的问题已转相关部门办理，感谢您的关注。",
    "您好，请携带身份证到政务服务中心窗口办理。",
    "感谢您的建议，我们将认真研究。",
]
ON_TIME = 0.88  # of replies, within the day; the rest take 30 hours to 5 days
FORGOTTEN = 0.004  # never answered, among the last weeks' messages only
FORGOTTEN_WITHIN = dt.timedelta(days=42)
API_PLATFORMS = {
    Platform.WECHAT_SERVICE,
    Platform.WECHAT_SUBSCRIPTION,
    Platform.WEIBO,
    Platform.DOUYIN,
    Platform.KUAISHOU,
}
FEED_PLATFORMS = {Platform.TOUTIAO, Platform.BAIJIAHAO, Platform.WECHAT_CHANNELS}
BROKEN = [
    ("token", "access_token 无效或已过期（42001），刷新后仍被拒绝，请核对 AppSecret"),
    ("rate_limit", "已达到接口每日调用上限（45009），请明日再试或在公众平台清零调用次数"),
    ("down", "微博接口响应超时，已重试 3 次"),
    ("permission", "服务器 IP 不在公众号的 IP 白名单中，请在公众平台添加"),
]


def _short(name: str) -> str:
    return name.replace("人民政府", "").replace("办公室", "办") or name


def _kind(platform: str) -> str:
    if platform in (Platform.DOUYIN, Platform.KUAISHOU, Platform.WECHAT_CHANNELS):
        return PostKind.VIDEO
    if platform == Platform.WEIBO:
        return PostKind.TEXT
    return PostKind.ARTICLE


def _rhythm(rng: random.Random, account: MediaAccount) -> tuple[float, int]:
    """(posts per week, days since the last post)."""
    if account.status in (AccountStatus.SUSPENDED, AccountStatus.CLOSED):
        return 0.5, rng.randint(120, 300)
    roll = rng.random()
    if roll < 0.30:
        return rng.uniform(3, 6), 0
    if roll < 0.70:
        return rng.uniform(1, 2.5), rng.randint(0, 4)
    if roll < 0.85:
        return rng.uniform(0.3, 0.8), rng.randint(3, 12)
    return rng.uniform(0.3, 1), rng.randint(15, 90)  # dormant: nothing in the last weeks


def _accounts():
    return list(
        MediaAccount.objects.filter(owner__region__path__startswith=_city_path())
        .select_related("owner")
        .order_by("pk")
    )


def _city_path() -> str:
    from govmedia.registry.models import Region

    city = Region.objects.filter(name="示例市").order_by("path").first()
    return city.path if city else "-"


def build_demo_content() -> str:
    if Post.objects.filter(source=Source.DEMO).exists():
        return (
            f"演示内容已存在：{Post.objects.filter(source=Source.DEMO).count()} 条发布内容、"
            f"{Message.objects.filter(source=Source.DEMO).count()} 条留言"
        )
    rng = random.Random(SEED)
    message_rng = random.Random(SEED + 1)  # messages apart, so their rules change no post
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate(now)
    posts, messages, connections, stat_specs = [], [], [], []
    problems_left = {kind: 6 for kind, _, _ in PROBLEMS}
    for account in _accounts():
        unit = _short(account.owner.name)
        per_week, quiet_days = _rhythm(rng, account)
        big = account.followers > 50000
        day = today - dt.timedelta(days=DAYS)
        last_day = today - dt.timedelta(days=quiet_days)
        serial = 0
        while day <= last_day:
            if rng.random() < per_week / 7:
                serial += 1
                hour = rng.choice([8, 9, 10, 11, 15, 16, 17, 20])
                published = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))
                topic = rng.choice(TOPICS)
                original, source = True, ""
                roll = rng.random()
                if roll < 0.12:
                    source, pattern = rng.choice(REPOSTS)
                    original = False
                    title = pattern.format(topic=topic)
                    body = f"来源：{source}。" + BODY.format(topic=topic, unit=source)
                    if rng.random() < 0.3:  # reposted without naming the source
                        source, body = "", BODY.format(topic=topic, unit="有关部门")
                else:
                    title = rng.choice(PATTERNS).format(topic=topic, unit=unit)
                    body = BODY.format(topic=topic, unit=unit)
                    if roll > 0.995 or (roll > 0.97 and day > today - dt.timedelta(days=60)):
                        kind, t, b = rng.choice(PROBLEMS)
                        if problems_left[kind] > 0:
                            problems_left[kind] -= 1
                            title, body = t.format(topic=topic, unit=unit), b.format(topic=topic, unit=unit)
                base = max(account.followers, 500)
                reads = int(base * rng.uniform(0.01, 0.12) * (3 if big and rng.random() < 0.1 else 1))
                post = Post(
                    account=account,
                    platform_post_id=f"demo-{account.pk}-{serial}",
                    published_at=published,
                    title=title,
                    body=body,
                    url=f"{account.url or 'https://example.gov.cn'}#post-{serial}"[:1000],
                    kind=_kind(account.platform),
                    is_original=original,
                    repost_source=source,
                    reads=reads if account.platform != Platform.WEIBO else None,
                    likes=int(reads * rng.uniform(0.01, 0.05)),
                    shares=int(reads * rng.uniform(0.005, 0.03)),
                    comments=int(reads * rng.uniform(0, 0.01)),
                    zaikan=int(reads * rng.uniform(0, 0.02))
                    if account.platform.startswith("wechat")
                    else None,
                    source=Source.DEMO,
                    content_hash=content_hash(title, body),
                    fetched_at=now,
                )
                posts.append(post)
                if published.date() > today - dt.timedelta(days=28):
                    stat_specs.append(post)
            day += dt.timedelta(days=1)
        if account.has_interaction and account.status == AccountStatus.ACTIVE:
            messages.extend(
                demo_messages(message_rng, account, now, monthly=message_rng.choice([0, 1, 2, 4, 8]))
            )
        connections.append(_connection(rng, account, now))
    for post in posts:
        hits = check_post_text(post.title, post.body)
        if hits is not None:
            post.risk_hits, post.risk_checked_at = hits, now
    with transaction.atomic():
        Post.objects.bulk_create(posts, batch_size=2000, ignore_conflicts=True)
        Message.objects.bulk_create(messages, batch_size=2000, ignore_conflicts=True)
        Connection.objects.bulk_create(connections, batch_size=1000, ignore_conflicts=True)
        ids = dict(
            Post.objects.filter(
                source=Source.DEMO, published_at__date__gt=today - dt.timedelta(days=28)
            ).values_list("platform_post_id", "id")
        )
        stats = []
        for post in stat_specs:
            for days_after, share in ((1, 0.6), (7, 1.0)):
                date = timezone.localdate(post.published_at) + dt.timedelta(days=days_after)
                if date > today or post.platform_post_id not in ids:
                    continue
                stats.append(
                    PostStat(
                        post_id=ids[post.platform_post_id],
                        date=date,
                        reads=int(post.reads * share) if post.reads is not None else None,
                        likes=int(post.likes * share),
                        shares=int(post.shares * share),
                        comments=int(post.comments * share),
                        zaikan=int(post.zaikan * share) if post.zaikan is not None else None,
                    )
                )
        PostStat.objects.bulk_create(stats, batch_size=2000, ignore_conflicts=True)
    flagged = sum(1 for p in posts if p.risk_hits)
    unanswered = sum(1 for m in messages if m.replied_at is None)
    broken = sum(1 for c in connections if c.health == Health.BROKEN)
    return (
        f"演示内容已建立：{len(posts)} 条发布内容（{flagged} 条有风险提示）、{len(messages)} 条留言"
        f"（{unanswered} 条未回复）、{len(connections)} 个采集连接（{broken} 个异常）"
    )


def _reply_delay(rng: random.Random, age: dt.timedelta) -> dt.timedelta | None:
    """How long the unit took (or will take) to reply; None for the few it forgot.

    Old messages were all answered (inspections see to that), some late; what is still open
    is what arrived in the last days, plus a handful forgotten in the last weeks.
    """
    roll = rng.random()
    if roll < FORGOTTEN and age < FORGOTTEN_WITHIN:
        return None
    if roll < ON_TIME:
        return dt.timedelta(hours=rng.uniform(0.5, 20))
    return dt.timedelta(hours=rng.uniform(30, 120))  # late: past the 24-hour deadline


def demo_messages(
    rng: random.Random, account: MediaAccount, now: dt.datetime, *, monthly: int
) -> list[Message]:
    """A year of the account's messages, ``monthly`` a month, received at any time of day."""
    messages = []
    for n in range(monthly * 12):
        received = now - dt.timedelta(days=rng.uniform(0, DAYS), hours=rng.uniform(0, 12))
        kind, text = rng.choice(QUESTIONS)
        text = text.format(topic=rng.choice(TOPICS))
        delay = _reply_delay(rng, now - received)
        replied_at = received + delay if delay is not None and received + delay <= now else None
        messages.append(
            Message(
                account=account,
                platform_message_id=f"demo-{account.pk}-m{n}",
                received_at=received,
                kind=kind if kind in MessageKind.values else MessageKind.COMMENT,
                text=text,
                author=mask_author(f"demo-{account.pk}-{rng.randint(1, 400)}"),
                reply_text=rng.choice(REPLIES) if replied_at else "",
                replied_at=replied_at,
                replied_by="值班编辑" if replied_at else "",
                source=Source.DEMO,
                fetched_at=now,
            )
        )
    return messages


def _connection(rng: random.Random, account: MediaAccount, now: dt.datetime) -> Connection:
    if account.platform in API_PLATFORMS:
        method = Connection.Method.API
    elif account.platform in FEED_PLATFORMS:
        method = Connection.Method.FEED
    elif account.platform == Platform.APP:
        method = Connection.Method.PUSH
    else:
        method = Connection.Method.IMPORT
    connection = Connection(
        account=account,
        method=method,
        feed_url=f"https://rsshub.example.gov.cn/{account.platform}/{account.platform_uid or account.pk}"
        if method == Connection.Method.FEED
        else "",
        health=Health.OK,
        last_attempt_at=now - dt.timedelta(hours=rng.randint(1, 6)),
    )
    connection.last_success_at = connection.last_attempt_at
    if method in (Connection.Method.API, Connection.Method.FEED) and rng.random() < 0.04:
        kind, reason = rng.choice(BROKEN)
        connection.health = Health.BROKEN
        connection.last_error_kind, connection.last_error = kind, reason
        connection.last_error_at = connection.last_attempt_at
        connection.failures = rng.randint(1, 12)
        connection.last_success_at = now - dt.timedelta(days=connection.failures)
    return connection


def demo_digest() -> str:
    """A fingerprint of the demo content, for tests that check it is the same every time."""
    rows = (
        Post.objects.filter(source=Source.DEMO)
        .order_by("platform_post_id")
        .values_list("platform_post_id", "title", "reads")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()
