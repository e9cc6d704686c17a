"""Collected content: posts with their stats history, messages, and each account's connection.

Follower history per day lives in ``registry.FollowerCount``; this app writes to it.
"""

from __future__ import annotations

from django.db import models

from govmedia.core.models import ScopeFields
from govmedia.registry.models import MediaAccount

ACCOUNT_SCOPE = ScopeFields(region_path="account__owner__region__path", unit="account__owner_id")


class Source(models.TextChoices):
    CONNECTOR = "connector", "平台接口"
    FEED = "feed", "订阅源"
    PUSH = "push", "推送接口"
    IMPORT = "import", "表格导入"
    DEMO = "demo", "演示数据"


class PostKind(models.TextChoices):
    ARTICLE = "article", "图文"
    VIDEO = "video", "视频"
    IMAGE = "image", "图片"
    TEXT = "text", "文字"


class Post(models.Model):
    """One published item. ``platform_post_id`` is the platform's id, or ``h:<hash>`` where none."""

    account = models.ForeignKey(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="posts"
    )
    platform_post_id = models.CharField("平台内容ID", max_length=128, db_index=True)
    published_at = models.DateTimeField("发布时间", db_index=True)
    title = models.CharField("标题", max_length=300, blank=True)
    body = models.TextField("正文", blank=True)
    url = models.URLField("链接", max_length=1000, blank=True)
    kind = models.CharField("类型", max_length=10, choices=PostKind.choices, default=PostKind.ARTICLE)
    is_original = models.BooleanField("原创", default=True)
    repost_source = models.CharField("转载来源", max_length=200, blank=True)
    # None means "the platform does not tell us", which is not the same as 0.
    reads = models.PositiveBigIntegerField("阅读数", null=True, blank=True)
    likes = models.PositiveBigIntegerField("点赞数", null=True, blank=True)
    shares = models.PositiveBigIntegerField("转发数", null=True, blank=True)
    comments = models.PositiveBigIntegerField("评论数", null=True, blank=True)
    zaikan = models.PositiveBigIntegerField("在看数", null=True, blank=True)
    source = models.CharField("采集方式", max_length=10, choices=Source.choices, default=Source.CONNECTOR)
    content_hash = models.CharField("内容指纹", max_length=64)
    fetched_at = models.DateTimeField("采集时间")
    risk_hits = models.JSONField("风险提示", default=list, blank=True)
    risk_checked_at = models.DateTimeField("检查时间", null=True, blank=True)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "发布内容"
        verbose_name_plural = "发布内容"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "platform_post_id"], name="post_unique_per_account")
        ]
        indexes = [models.Index(fields=["account", "-published_at"], name="post_account_published")]

    def __str__(self) -> str:
        return self.title or self.body[:30] or self.platform_post_id

    def audit_scope(self) -> tuple[str, int | None]:
        return self.account.owner.region.path, self.account.owner_id


class PostStat(models.Model):
    """A post's counts as seen on one day; re-collecting the same day overwrites that day's row."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="stats")
    date = models.DateField("日期")
    reads = models.PositiveBigIntegerField("阅读数", null=True, blank=True)
    likes = models.PositiveBigIntegerField("点赞数", null=True, blank=True)
    shares = models.PositiveBigIntegerField("转发数", null=True, blank=True)
    comments = models.PositiveBigIntegerField("评论数", null=True, blank=True)
    zaikan = models.PositiveBigIntegerField("在看数", null=True, blank=True)

    scope_fields = ScopeFields(
        region_path="post__account__owner__region__path", unit="post__account__owner_id"
    )

    class Meta:
        verbose_name = "内容数据记录"
        verbose_name_plural = "内容数据记录"
        ordering = ["post", "date"]
        constraints = [models.UniqueConstraint(fields=["post", "date"], name="post_stat_one_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reads}"


class MessageKind(models.TextChoices):
    COMMENT = "comment", "评论"
    PRIVATE = "private", "私信"
    CONSULTATION = "consultation", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"


class Message(models.Model):
    """A comment or message from the public. The author is kept only as a masked/hashed handle."""

    account = models.ForeignKey(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="messages"
    )
    platform_message_id = models.CharField("平台留言ID", max_length=128)
    post = models.ForeignKey(
        Post,
        verbose_name="所属内容",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    received_at = models.DateTimeField("留言时间", db_index=True)
    kind = models.CharField(
        "留言类型", max_length=14, choices=MessageKind.choices, default=MessageKind.COMMENT
    )
    text = models.TextField("留言内容")
    author = models.CharField("留言人（脱敏）", max_length=64, blank=True)
    reply_text = models.TextField("回复内容", blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_by = models.CharField("回复人", max_length=50, blank=True)
    source = models.CharField("采集方式", max_length=10, choices=Source.choices, default=Source.CONNECTOR)
    fetched_at = models.DateTimeField("采集时间")

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "留言"
        verbose_name_plural = "留言"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "platform_message_id"], name="message_unique_per_account"
            )
        ]
        indexes = [
            # Unanswered messages only (a small part of all): the dashboards' "late replies" and an
            # account's unanswered list read it instead of every message of the scope.
            models.Index(
                fields=["account", "received_at"],
                condition=models.Q(replied_at__isnull=True),
                name="message_unanswered",
            )
        ]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def is_answered(self) -> bool:
        return self.replied_at is not None


class Health(models.TextChoices):
    NEVER = "never", "尚未采集"
    OK = "ok", "正常"
    BROKEN = "broken", "连接异常"


class Connection(models.Model):
    """How an account is collected, and how the last attempt went.

    A broken connection must never look like "no posts": monitoring reads ``health`` and
    ``last_success_at`` before it reads the posts.
    """

    class Method(models.TextChoices):
        API = "api", "平台接口"
        FEED = "feed", "订阅源（RSS/Atom/JSON Feed）"
        PUSH = "push", "推送接口"
        IMPORT = "import", "表格导入"

    class ErrorKind(models.TextChoices):
        NONE = "", "—"
        TOKEN = "token", "凭证失效"
        RATE_LIMIT = "rate_limit", "调用频率或额度超限"
        DOWN = "down", "平台不可用"
        PERMISSION = "permission", "权限不足"
        BAD_RESPONSE = "bad_response", "平台返回数据异常"
        CONFIG = "config", "配置缺失"

    account = models.OneToOneField(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="connection"
    )
    method = models.CharField("采集方式", max_length=10, choices=Method.choices, default=Method.API)
    enabled = models.BooleanField("启用", default=True)
    api_base = models.URLField("接口地址", max_length=300, blank=True, help_text="留空使用平台官方地址")
    feed_url = models.URLField("订阅源地址", max_length=500, blank=True)
    credentials_encrypted = models.TextField("凭证（加密）", blank=True, editable=False)
    push_token_hash = models.CharField(
        "推送令牌指纹", max_length=64, blank=True, editable=False, db_index=True
    )
    cursor = models.JSONField("采集进度", default=dict, blank=True)
    health = models.CharField(
        "状态", max_length=8, choices=Health.choices, default=Health.NEVER, db_index=True
    )
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True)
    last_success_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    last_error_kind = models.CharField(
        "错误类别", max_length=14, choices=ErrorKind.choices, default=ErrorKind.NONE, blank=True
    )
    last_error_at = models.DateTimeField("出错时间", null=True, blank=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)

    scope_fields = ACCOUNT_SCOPE

    class Meta:
        verbose_name = "采集连接"
        verbose_name_plural = "采集连接"
        ordering = ["account"]

    def __str__(self) -> str:
        return f"{self.account} · {self.get_health_display()}"
