"""The registry: regions, units, operators, accounts and the people who answer for them."""

from __future__ import annotations

from django.db import models

from govmedia.core.models import ScopeFields


class RegionLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县区"
    TOWNSHIP = "township", "乡镇街道"


class Region(models.Model):
    """An administrative area; ``path`` is materialised ("000001/000004/") for subtree queries."""

    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    code = models.CharField("区划代码", max_length=12, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    scope_fields = ScopeFields(region_path="path", unit="units__id")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_under_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else ''}{self.pk:06d}/"
        if path != self.path:
            self.path = path
            Region.objects.filter(pk=self.pk).update(path=path)

    def ancestors(self) -> list[Region]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        by_id = Region.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def audit_scope(self) -> tuple[str, int | None]:
        return self.path, None


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    COMMITTEE = "committee", "管委会"
    GOVERNMENT_OFFICE = "government_office", "政府办公室"
    DEPARTMENT = "department", "政府部门"
    TOWNSHIP = "township", "乡镇街道"
    INSTITUTION = "institution", "事业单位"
    OTHER = "other", "其他"


class AssessmentGroup(models.TextChoices):
    """Scoring groups of 003_…txt §二 (县区 and 市直部门和单位 are ranked separately)."""

    COUNTY = "county", "县区"
    CITY_DEPARTMENT = "city_department", "市直部门和单位"


class Unit(models.Model):
    name = models.CharField("单位名称", max_length=100, unique=True)
    kind = models.CharField("单位类型", max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    assessment_group = models.CharField(
        "考核类别", max_length=20, choices=AssessmentGroup.choices, blank=True
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_fields = ScopeFields(region_path="region__path", unit="id")

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region__path", "parent_id", "name"]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> tuple[str, int | None]:
        return self.region.path, self.pk


class Operator(models.Model):
    """Who runs accounts day to day: an in-house office or a contracted agency (004_…txt §6.2.5)."""

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", "本单位或内设机构"
        SUBSIDIARY = "subsidiary", "下属企事业单位"
        NEWS_SITE = "news_site", "主流新闻网站"
        THIRD_PARTY = "third_party", "其他第三方机构"

    name = models.CharField("运维单位", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.IN_HOUSE)
    unit = models.ForeignKey(
        Unit,
        verbose_name="对应单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operator_records",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    qualification = models.CharField(
        "资质", max_length=200, blank=True, help_text="如：互联网新闻信息服务许可证编号"
    )
    nda_signed_on = models.DateField("保密协议签订日期", null=True, blank=True)
    contract_ends_on = models.DateField("合同到期日期", null=True, blank=True)
    no_subcontracting = models.BooleanField("承诺不转包", default=False)

    class Meta:
        verbose_name = "运维单位"
        verbose_name_plural = "运维单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_third_party(self) -> bool:
        return self.kind != self.Kind.IN_HOUSE


class Platform(models.TextChoices):
    WECHAT_SERVICE = "wechat_service", "微信服务号"
    WECHAT_SUBSCRIPTION = "wechat_subscription", "微信订阅号"
    WECHAT_CHANNELS = "wechat_channels", "视频号"
    WECHAT_MINIPROGRAM = "wechat_miniprogram", "小程序"
    WEIBO = "weibo", "微博"
    DOUYIN = "douyin", "抖音"
    TOUTIAO = "toutiao", "今日头条"
    KUAISHOU = "kuaishou", "快手"
    BAIJIAHAO = "baijiahao", "百家号"
    APP = "app", "移动客户端"
    OTHER = "other", "其他"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    PAUSED = "paused", "暂停更新"
    SUSPENDED = "suspended", "已关停"
    CLOSED = "closed", "已注销"


class ContentType(models.TextChoices):
    TEXT_IMAGE = "text_image", "图文"
    VIDEO = "video", "视频"


class MediaAccount(models.Model):
    platform = models.CharField("平台", max_length=24, choices=Platform.choices, db_index=True)
    platform_uid = models.CharField("账号ID", max_length=100, blank=True)
    name = models.CharField("账号名称", max_length=100, db_index=True)
    url = models.URLField("主页链接", max_length=500, blank=True)
    qr_code = models.ImageField("二维码", upload_to="qr/", blank=True)
    owner = models.ForeignKey(
        Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="accounts"
    )
    supervisor = models.ForeignKey(
        Unit,
        verbose_name="主管单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_accounts",
    )
    operator = models.ForeignKey(
        Operator,
        verbose_name="运维单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    content_type = models.CharField(
        "内容类型", max_length=12, choices=ContentType.choices, default=ContentType.TEXT_IMAGE
    )
    has_interaction = models.BooleanField("互动功能", default=True)
    verified = models.BooleanField("已认证", default=False)
    news_licence = models.BooleanField("互联网新闻信息服务资质", default=False)
    purpose = models.CharField("功能定位", max_length=200, blank=True)
    sections = models.CharField("栏目设置", max_length=200, blank=True)
    opened_on = models.DateField("开通日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=AccountStatus.choices, default=AccountStatus.ACTIVE, db_index=True
    )
    followers = models.PositiveIntegerField("粉丝数", default=0)
    duplicate_reason = models.CharField(
        "同平台多账号理由",
        max_length=200,
        blank=True,
        help_text="同一单位在同一平台已有账号时必须说明理由（001_…txt 第十条）",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_fields = ScopeFields(region_path="owner__region__path", unit="owner_id")

    class Meta:
        verbose_name = "政务新媒体账号"
        verbose_name_plural = "政务新媒体账号"
        ordering = ["owner__region__path", "owner__name", "platform", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_uid"],
                condition=~models.Q(platform_uid=""),
                name="account_unique_platform_uid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_platform_display()}）"

    def audit_scope(self) -> tuple[str, int | None]:
        return self.owner.region.path, self.owner_id


class Contact(models.Model):
    """One member of an account's management team (管理队伍)."""

    class Role(models.TextChoices):
        HEAD = "head", "主要负责人"
        DEPUTY = "deputy", "分管负责人"
        ADMIN = "admin", "管理员"

    ROLE_ORDER = [Role.HEAD, Role.DEPUTY, Role.ADMIN]

    account = models.ForeignKey(
        MediaAccount, verbose_name="账号", on_delete=models.CASCADE, related_name="contacts"
    )
    role = models.CharField("职责", max_length=10, choices=Role.choices)
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("职务", max_length=50, blank=True)
    office_phone = models.CharField("办公电话", max_length=30, blank=True)
    mobile = models.CharField("手机", max_length=20, blank=True)

    scope_fields = ScopeFields(region_path="account__owner__region__path", unit="account__owner_id")

    class Meta:
        verbose_name = "管理人员"
        verbose_name_plural = "管理人员"
        ordering = ["account", "role"]
        constraints = [models.UniqueConstraint(fields=["account", "role"], name="contact_one_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class FollowerCount(models.Model):
    account = models.ForeignKey(MediaAccount, on_delete=models.CASCADE, related_name="follower_history")
    date = models.DateField("日期")
    followers = models.PositiveIntegerField("粉丝数")

    class Meta:
        verbose_name = "粉丝数记录"
        verbose_name_plural = "粉丝数记录"
        ordering = ["account", "date"]
        constraints = [models.UniqueConstraint(fields=["account", "date"], name="follower_count_one_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.followers}"
