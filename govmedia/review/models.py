"""Pre-publication review (三审, 分级签发, 先审后发): drafts, review chains as data, decisions.

004_…txt §9.2.1: 一审 by the unit's new-media editor, 二审 by the office or a designated
section head, 三审 by the deputy head in charge; 分级分类审核、先审后发; every review is
registered (登记、备案). §9.2.2: seven review elements. §9.2.3: the draft with its pictures
and video passes the risk check and the responsible person confirms each flagged problem.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govmedia.core.models import ScopeFields


class SignOff(models.TextChoices):
    """分级签发: who must sign before publishing."""

    ROUTINE = "routine", "一般"
    IMPORTANT = "important", "重要"
    MAJOR = "major", "重大敏感"


SIGN_OFF_RANK = {SignOff.ROUTINE: 0, SignOff.IMPORTANT: 1, SignOff.MAJOR: 2}


class Position(models.TextChoices):
    """A reviewing position in a unit (审核人员)."""

    FIRST = "first", "一审（新媒体编辑）"
    SECOND = "second", "二审（办公室或指定科室负责人）"
    THIRD = "third", "三审（分管领导）"
    HEAD = "head", "主要负责人签发"


STEP_NAMES = {
    Position.FIRST: "一审",
    Position.SECOND: "二审",
    Position.THIRD: "三审",
    Position.HEAD: "主要负责人签发",
}


class Mode(models.TextChoices):
    ANY = "any", "任一人通过即可"
    ALL = "all", "须全部通过"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已通过待发布"
    REJECTED = "rejected", "审核不通过"
    EXPIRED = "expired", "审核意见已过期"
    PUBLISHED = "published", "已发布"


#: 004 §9.2.2 审核要素: element → what the reviewer confirms
ELEMENT_CHECKLIST: dict[str, tuple[str, str]] = {
    "political": ("政治要素", "具有正确的政治导向和政治立场"),
    "policy": ("政策要素", "所涉及的政策准确无误、引用格式规范"),
    "business": ("业务要素", "行业知识和技术内容表述正确，不存在常识性错误"),
    "legal": ("法律要素", "符合相关法律法规要求"),
    "wording": ("文字要素", "文字使用规范、语言通畅、无错别字"),
    "secrecy": ("保密要素", "不涉及国家、部门涉密信息和个人隐私信息"),
    "opinion": ("舆情要素", "弘扬社会正能量，正向舆论引导"),
}


class ReasonTag(models.TextChoices):
    """Why a draft was returned or rejected; counted in the reports."""

    POLITICAL = "political", "政治导向"
    POLICY = "policy", "政策表述"
    BUSINESS = "business", "业务内容"
    LEGAL = "legal", "法律合规"
    WORDING = "wording", "文字差错"
    SECRECY = "secrecy", "保密与隐私"
    OPINION = "opinion", "舆情风险"
    MEDIA = "media", "图片视频"
    FORMAT = "format", "格式排版"
    OTHER = "other", "其他"


class ReviewPolicy(models.Model):
    """A unit's review settings; the row without a unit is the default for every unit."""

    unit = models.OneToOneField(
        "registry.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    approval_valid_hours = models.PositiveIntegerField(
        "审核意见有效期（小时）", default=72, help_text="超过有效期未发布的稿件须重新审核"
    )
    important_words = models.TextField(
        "升为“重要”的词语", blank=True, help_text="每行一个；稿件出现时签发级别至少为“重要”"
    )
    major_words = models.TextField(
        "升为“重大敏感”的词语", blank=True, help_text="每行一个；稿件出现时签发级别为“重大敏感”"
    )

    class Meta:
        verbose_name = "审核规则"
        verbose_name_plural = "审核规则"

    def __str__(self) -> str:
        return f"{self.unit or '默认'}审核规则"

    @staticmethod
    def words(text: str) -> list[str]:
        return [w.strip() for w in text.splitlines() if w.strip()]


class ReviewerAssignment(models.Model):
    """A person holding a reviewing position in a unit (确定三审人员, 004 §9.2.3)."""

    unit = models.ForeignKey("registry.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    position = models.CharField("审核岗位", max_length=10, choices=Position.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="人员",
        on_delete=models.CASCADE,
        related_name="review_positions",
    )

    class Meta:
        verbose_name = "审核人员"
        verbose_name_plural = "审核人员"
        ordering = ["unit", "position", "user"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "position", "user"], name="review_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_position_display()} {self.user}"


class ChainStep(models.Model):
    """One step of a unit's review chain for one sign-off level; without rows, the defaults apply.

    The approvers are ``user`` when set, else every holder of ``position`` in the unit;
    ``mode`` says whether one of them or all of them must approve.
    """

    unit = models.ForeignKey("registry.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    level = models.CharField("签发级别", max_length=10, choices=SignOff.choices)
    order = models.PositiveSmallIntegerField("顺序")
    position = models.CharField("审核岗位", max_length=10, choices=Position.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="指定人员",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    mode = models.CharField("通过方式", max_length=4, choices=Mode.choices, default=Mode.ANY)

    class Meta:
        verbose_name = "审核链环节"
        verbose_name_plural = "审核链"
        ordering = ["unit", "level", "order"]
        constraints = [models.UniqueConstraint(fields=["unit", "level", "order"], name="chain_step_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_level_display()} 第{self.order}步 {self.get_position_display()}"


class Review(models.Model):
    """A draft post and its review (稿件): the text, where it goes, and where it stands in the chain."""

    unit = models.ForeignKey("registry.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰稿人", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", help_text="已清理的 HTML")
    accounts = models.ManyToManyField("registry.MediaAccount", verbose_name="发布账号", related_name="+")
    planned_at = models.DateTimeField("计划发布时间", null=True, blank=True)
    chosen_level = models.CharField(
        "编辑选定级别", max_length=10, choices=SignOff.choices, default=SignOff.ROUTINE
    )
    level = models.CharField("签发级别", max_length=10, choices=SignOff.choices, default=SignOff.ROUTINE)
    level_reason = models.CharField("级别说明", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField("内容版本", default=1)
    round = models.PositiveIntegerField("审核轮次", default=0)
    step = models.PositiveSmallIntegerField("当前环节", default=0, help_text="从 1 起；0 表示不在审核中")
    step_started_at = models.DateTimeField("本环节开始", null=True, blank=True)
    # Bumped by every state change; with ``status`` it is the condition of the conditional update.
    lock = models.PositiveIntegerField(default=0)
    checked_text = models.TextField(
        "检测文本", blank=True, help_text="标题、正文和图片说明，风险提示的位置以此为准"
    )
    checked_at = models.DateTimeField("检测时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("终审时间", null=True, blank=True)
    approved_until = models.DateTimeField("审核意见有效至", null=True, blank=True)
    frozen_title = models.CharField("签发标题", max_length=200, blank=True)
    frozen_body = models.TextField("签发正文", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_url = models.URLField("发布链接", max_length=1000, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    scope_fields = ScopeFields(region_path="unit__region__path", unit="unit_id")

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title[:60]

    def audit_scope(self) -> tuple[str, int | None]:
        return self.unit.region.path, self.unit_id


class RiskFlag(models.Model):
    """One risk-check hit on the current text of a draft, and whether a person confirmed it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flags")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField("原文", max_length=200)
    category = models.CharField("类别", max_length=20)
    rule = models.CharField("规则", max_length=80)
    severity = models.CharField("严重程度", max_length=10)
    element = models.CharField("审核要素", max_length=20)
    suggestion = models.CharField("建议", max_length=300, blank=True)
    source = models.CharField("依据", max_length=300, blank=True)
    dismissed = models.BooleanField("确认不是问题", default=False)
    dismiss_reason = models.CharField("理由", max_length=300, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    scope_fields = ScopeFields(region_path="review__unit__region__path", unit="review__unit_id")

    class Meta:
        verbose_name = "风险提示"
        verbose_name_plural = "风险提示"
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.text}（{self.rule}）"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.review.audit_scope()


class Outcome(models.TextChoices):
    APPROVED = "approved", "通过"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不通过"


class Decision(models.Model):
    """One reviewer's decision at one step of one round: the review register's row (登记、备案)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveIntegerField("轮次")
    step = models.PositiveSmallIntegerField("环节")
    step_name = models.CharField("环节名称", max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("结论", max_length=10, choices=Outcome.choices)
    elements = models.JSONField("审核要素", default=list, blank=True, help_text="已确认的审核要素")
    reason_tags = models.JSONField("原因", default=list, blank=True)
    comment = models.TextField("意见", blank=True)
    decided_at = models.DateTimeField("时间")
    waited_seconds = models.PositiveIntegerField("本环节用时（秒）", default=0)
    valid_until = models.DateTimeField("有效至", null=True, blank=True)
    version = models.PositiveIntegerField("内容版本")

    scope_fields = ScopeFields(region_path="review__unit__region__path", unit="review__unit_id")

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.step_name} {self.actor} {self.get_outcome_display()}"

    @property
    def waited_hours(self) -> float:
        return round(self.waited_seconds / 3600, 1)

    @property
    def reason_labels(self) -> list[str]:
        return [ReasonTag(t).label if t in ReasonTag.values else t for t in self.reason_tags]


def _upload_to(instance: Attachment, filename: str) -> str:
    from django.utils import timezone

    return f"review/{timezone.now():%Y/%m}/{instance.sha256[:16]}.{instance.extension}"


class Attachment(models.Model):
    """A picture or video attached to a draft; its caption (alt text) is risk-checked with the text."""

    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        VIDEO = "video", "视频"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类型", max_length=5, choices=Kind.choices)
    file = models.FileField("文件", upload_to=_upload_to)
    original_name = models.CharField("原文件名", max_length=200)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    caption = models.CharField("说明文字", max_length=300, blank=True, help_text="图片的替代文字或视频说明")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_fields = ScopeFields(region_path="review__unit__region__path", unit="review__unit_id")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def audit_scope(self) -> tuple[str, int | None]:
        return self.review.audit_scope()


class Notification(models.Model):
    """An in-app notice to a person, e.g. the next reviewer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_notices"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "审核通知"
        verbose_name_plural = "审核通知"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message
