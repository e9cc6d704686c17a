"""The demo region: a believable fictional city (示例市) with counties, townships, departments,
about 600 accounts on every platform, their management teams, a year of follower history and
one user per role. Deterministic and idempotent: building it twice changes nothing.
All people are invented (names from common surnames, mobiles in the 138-0013 test range).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from govmedia.core.models import Role, User
from govmedia.registry.models import (
    AccountStatus,
    AssessmentGroup,
    Contact,
    ContentType,
    FollowerCount,
    MediaAccount,
    Operator,
    Platform,
    Region,
    RegionLevel,
    Unit,
    UnitKind,
)

DEMO_PASSWORD = "govmedia-demo-2026"
CITY = "示例市"
PROVINCE = "示例省"
COUNTIES = {
    "青山县": ["城关镇", "石桥镇", "柳河镇", "龙泉乡", "白马乡", "东城街道", "西城街道", "枫林镇"],
    "临河区": ["河东街道", "河西街道", "滨江街道", "新港镇", "沙洲镇", "望湖街道", "金沙镇"],
    "东湖区": ["湖滨街道", "东湖街道", "玉泉街道", "港口镇", "莲塘镇", "长岭街道"],
    "白石县": ["白石镇", "高桥镇", "长坪乡", "松岭乡", "杏花镇", "马场镇", "清水乡"],
    "南岭县": ["南岭镇", "黄土镇", "三江乡", "竹林乡", "桃源镇", "大坪镇"],
    "云溪县": ["云溪镇", "平安镇", "东岗乡", "花园镇", "太和乡", "新民镇", "凤凰街道"],
}
CITY_DEPARTMENTS = [
    ("发展和改革委员会", "发改"),
    ("教育局", "教育"),
    ("科学技术局", "科技"),
    ("工业和信息化局", "工信"),
    ("公安局", "公安"),
    ("民政局", "民政"),
    ("司法局", "司法"),
    ("财政局", "财政"),
    ("人力资源和社会保障局", "人社"),
    ("自然资源和规划局", "自然资源"),
    ("生态环境局", "生态环境"),
    ("住房和城乡建设局", "住建"),
    ("交通运输局", "交通"),
    ("水利局", "水利"),
    ("农业农村局", "农业农村"),
    ("商务局", "商务"),
    ("文化广电和旅游局", "文旅"),
    ("卫生健康委员会", "卫健"),
    ("退役军人事务局", "退役军人"),
    ("应急管理局", "应急"),
    ("审计局", "审计"),
    ("市场监督管理局", "市场监管"),
    ("统计局", "统计"),
    ("医疗保障局", "医保"),
    ("林业局", "林业"),
    ("信访局", "信访"),
    ("体育局", "体育"),
    ("城市管理局", "城管"),
    ("行政审批服务局", "政务服务"),
    ("数据局", "数据"),
    ("机关事务管理局", "机关事务"),
    ("人民防空办公室", "人防"),
    ("国有资产监督管理委员会", "国资"),
    ("地方金融管理局", "金融"),
    ("粮食和物资储备局", "粮储"),
    ("乡村振兴服务中心", "乡村振兴"),
]
CITY_INSTITUTIONS = [
    ("融媒体中心", "融媒"),
    ("公共资源交易中心", "公共资源交易"),
    ("12345政务服务便民热线中心", "12345"),
]
COUNTY_DEPARTMENTS = [
    ("教育局", "教育"),
    ("公安局", "公安"),
    ("民政局", "民政"),
    ("人力资源和社会保障局", "人社"),
    ("卫生健康局", "卫健"),
    ("市场监督管理局", "市场监管"),
    ("应急管理局", "应急"),
    ("文化和旅游局", "文旅"),
    ("农业农村局", "农业农村"),
    ("交通运输局", "交通"),
    ("自然资源局", "自然资源"),
    ("住房和城乡建设局", "住建"),
    ("财政局", "财政"),
    ("退役军人事务局", "退役军人"),
    ("医疗保障局", "医保"),
    ("水利局", "水利"),
    ("司法局", "司法"),
    ("城市管理局", "城管"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏飞斌波宇浩凯健俊帆帅旭宁晨琳雪婷倩颖慧佳欣悦诗梦瑶晶燕丹玲霖"
COUNTY_PLATFORMS = [
    Platform.WECHAT_SUBSCRIPTION,
    Platform.WEIBO,
    Platform.DOUYIN,
    Platform.TOUTIAO,
    Platform.KUAISHOU,
    Platform.WECHAT_CHANNELS,
    Platform.BAIJIAHAO,
]
DEPARTMENT_PLATFORMS = [
    Platform.WECHAT_SUBSCRIPTION,
    Platform.WEIBO,
    Platform.DOUYIN,
    Platform.TOUTIAO,
    Platform.WECHAT_CHANNELS,
    Platform.WECHAT_SERVICE,
    Platform.KUAISHOU,
    Platform.BAIJIAHAO,
]
PLATFORM_HOSTS = {
    Platform.WECHAT_SUBSCRIPTION: "https://mp.weixin.qq.com/s/",
    Platform.WECHAT_SERVICE: "https://mp.weixin.qq.com/s/",
    Platform.WECHAT_CHANNELS: "https://channels.weixin.qq.com/",
    Platform.WEIBO: "https://weibo.com/u/",
    Platform.DOUYIN: "https://www.douyin.com/user/",
    Platform.TOUTIAO: "https://www.toutiao.com/c/user/",
    Platform.KUAISHOU: "https://www.kuaishou.com/profile/",
    Platform.BAIJIAHAO: "https://author.baidu.com/home/",
    Platform.APP: "https://app.example.gov.cn/",
    Platform.WECHAT_MINIPROGRAM: "https://mp.weixin.qq.com/",
}
VIDEO_PLATFORMS = {Platform.DOUYIN, Platform.KUAISHOU, Platform.WECHAT_CHANNELS}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit: str
    description: str
    person: str


DEMO_USERS = [
    DemoUser("admin", Role.ADMIN, "示例市人民政府办公室", "系统管理员", "系统管理员"),
    DemoUser("city", Role.SUPERVISOR, "示例市人民政府办公室", "市政府办公室（全市主管单位）", "周文华"),
    DemoUser(
        "qingshan", Role.SUPERVISOR, "青山县人民政府办公室", "青山县政府办公室（县级主管单位）", "林晓东"
    ),
    DemoUser("linhe", Role.SUPERVISOR, "临河区人民政府办公室", "临河区政府办公室（区级主管单位）", "何静"),
    DemoUser("editor", Role.EDITOR, "示例市教育局", "市教育局新媒体编辑（主办单位）", "陈佳欣"),
    DemoUser("reviewer", Role.REVIEWER, "示例市教育局", "市教育局办公室主任（审核人）", "赵建国"),
    DemoUser(
        "observer",
        Role.OBSERVER,
        "中共示例市委网络安全和信息化委员会办公室",
        "市委网信办（只读观察）",
        "孙悦",
    ),
]


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(2026)
        self.today = timezone.localdate()
        self.accounts: list[MediaAccount] = []

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice([1, 2]))
        )

    def mobile(self) -> str:
        return f"1380013{self.rng.randrange(10000):04d}"

    def region(self, name: str, level: str, parent: Region | None) -> Region:
        region, _ = Region.objects.get_or_create(name=name, parent=parent, defaults={"level": level})
        return region

    def unit(self, name: str, kind: str, region: Region, parent: Unit | None, group: str = "") -> Unit:
        unit, _ = Unit.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": region,
                "parent": parent,
                "assessment_group": group,
                "contact_name": self.person(),
                "contact_phone": f"0999-{self.rng.randrange(2000000, 8999999)}",
            },
        )
        return unit

    def account(
        self,
        owner: Unit,
        platform: str,
        name: str,
        *,
        big: bool = False,
        operator: Operator | None = None,
        reason: str = "",
    ) -> None:
        uid = f"{platform[:2]}{owner.pk:04d}{len(self.accounts):05d}"
        base = self.rng.randint(20000, 400000) if big else self.rng.randint(300, 30000)
        status = self.rng.choices(
            [AccountStatus.ACTIVE, AccountStatus.PAUSED, AccountStatus.SUSPENDED], [92, 5, 3]
        )[0]
        opened = self.today - dt.timedelta(days=self.rng.randint(400, 3600))
        self.accounts.append(
            MediaAccount(
                platform=platform,
                platform_uid=uid,
                name=name,
                owner=owner,
                operator=operator,
                url=PLATFORM_HOSTS.get(platform, "https://www.example.gov.cn/") + uid,
                content_type=ContentType.VIDEO if platform in VIDEO_PLATFORMS else ContentType.TEXT_IMAGE,
                has_interaction=self.rng.random() > 0.04,
                verified=self.rng.random() > 0.1,
                news_licence=big and platform == Platform.WECHAT_SUBSCRIPTION,
                opened_on=opened,
                status=status,
                followers=base,
                duplicate_reason=reason,
                purpose="发布政务信息、解读政策、回应关切、提供便民服务",
                sections="政务动态|政策解读|便民服务",
            )
        )


def build_demo_region() -> dict:
    """Create (or find) the whole demo region; returns counts."""
    if MediaAccount.objects.filter(owner__name="示例市人民政府").exists():
        return {"created": False, **_counts()}
    b = _Builder()
    with transaction.atomic():
        province = b.region(PROVINCE, RegionLevel.PROVINCE, None)
        city = b.region(CITY, RegionLevel.CITY, province)
        city_gov = b.unit("示例市人民政府", UnitKind.GOVERNMENT, city, None)
        city_office = b.unit("示例市人民政府办公室", UnitKind.GOVERNMENT_OFFICE, city, city_gov)
        b.unit("中共示例市委网络安全和信息化委员会办公室", UnitKind.OTHER, city, None)
        media_center = b.unit(
            "示例市融媒体中心", UnitKind.INSTITUTION, city, city_gov, AssessmentGroup.CITY_DEPARTMENT
        )
        agency = Operator.objects.get_or_create(
            name="示例日报社新媒体中心",
            defaults={
                "kind": Operator.Kind.NEWS_SITE,
                "qualification": "互联网新闻信息服务许可证 99920230001",
                "nda_signed_on": dt.date(2025, 3, 1),
                "contract_ends_on": dt.date(2027, 2, 28),
                "no_subcontracting": True,
            },
        )[0]
        in_house = Operator.objects.get_or_create(
            name=media_center.name, defaults={"kind": Operator.Kind.SUBSIDIARY, "unit": media_center}
        )[0]
        for platform in [*COUNTY_PLATFORMS, Platform.APP, Platform.WECHAT_SERVICE]:
            b.account(city_gov, platform, "示例发布", big=True, operator=in_house)
        b.account(city_office, Platform.WECHAT_MINIPROGRAM, "示例市政务服务", big=True)
        departments = [(n, s, UnitKind.DEPARTMENT) for n, s in CITY_DEPARTMENTS]
        departments += [(n, s, UnitKind.INSTITUTION) for n, s in CITY_INSTITUTIONS]
        for name, short, kind in departments:
            unit = (
                media_center
                if name == "融媒体中心"
                else b.unit(f"示例市{name}", kind, city, city_gov, AssessmentGroup.CITY_DEPARTMENT)
            )
            count = b.rng.choice([2, 3, 3, 4, 4, 5])
            operator = agency if b.rng.random() < 0.15 else None
            for platform in b.rng.sample(DEPARTMENT_PLATFORMS, count):
                b.account(unit, platform, f"示例{short}", operator=operator)
        # a real-life irregularity: a second Weibo account with a stated reason
        b.account(
            b.unit("示例市公安局", UnitKind.DEPARTMENT, city, city_gov),
            Platform.WEIBO,
            "示例公安交警",
            reason="交通管理业务量大，经市政府办公室同意单独开设",
        )
        for county_name, townships in COUNTIES.items():
            _build_county(b, city, city_gov, county_name, townships, agency)
        MediaAccount.objects.bulk_create(b.accounts, batch_size=500, ignore_conflicts=True)
        _set_supervisors()
        _add_contacts(b)
        _add_follower_history(b)
        _add_users()
    return {"created": True, **_counts()}


def _build_county(
    b: _Builder, city: Region, city_gov: Unit, county_name: str, townships: list[str], agency: Operator
) -> None:
    short = county_name[:-1]
    region = b.region(county_name, RegionLevel.COUNTY, city)
    gov = b.unit(f"{county_name}人民政府", UnitKind.GOVERNMENT, region, city_gov, AssessmentGroup.COUNTY)
    office = b.unit(f"{county_name}人民政府办公室", UnitKind.GOVERNMENT_OFFICE, region, gov)
    for platform in COUNTY_PLATFORMS[: b.rng.randint(4, 7)]:
        b.account(gov, platform, f"{short}发布", big=True)
    b.account(office, Platform.WECHAT_SERVICE, f"{county_name}政务服务")
    for name, dept_short in COUNTY_DEPARTMENTS:
        unit = b.unit(f"{county_name}{name}", UnitKind.DEPARTMENT, region, gov)
        for platform in b.rng.sample(DEPARTMENT_PLATFORMS[:6], b.rng.choice([1, 2, 2, 3, 3, 4])):
            # about one in twenty names forgets the region: the rules flag it
            label = f"{short}{dept_short}" if b.rng.random() > 0.05 else f"{dept_short}之窗"
            b.account(unit, platform, label, operator=agency if b.rng.random() < 0.1 else None)
    for township in townships:
        t_region = b.region(township, RegionLevel.TOWNSHIP, region)
        unit = b.unit(f"{county_name}{township}", UnitKind.TOWNSHIP, t_region, gov)
        for platform in b.rng.sample(
            [Platform.WECHAT_SUBSCRIPTION, Platform.DOUYIN, Platform.WECHAT_CHANNELS],
            b.rng.choice([2, 2, 3, 3]),
        ):
            b.account(unit, platform, f"{short}{township}")


def _set_supervisors() -> None:
    offices = {u.region_id: u for u in Unit.objects.filter(kind=UnitKind.GOVERNMENT_OFFICE)}
    regions = {r.pk: r for r in Region.objects.all()}
    changed = []
    for account in MediaAccount.objects.filter(supervisor__isnull=True).select_related("owner"):
        region = regions[account.owner.region_id]
        while region is not None and region.pk not in offices:
            region = regions.get(region.parent_id)
        if region is not None:
            account.supervisor = offices[region.pk]
            changed.append(account)
    MediaAccount.objects.bulk_update(changed, ["supervisor"], batch_size=500)


def _add_contacts(b: _Builder) -> None:
    have = set(Contact.objects.values_list("account_id", "role"))
    contacts = []
    for account_id in MediaAccount.objects.order_by("pk").values_list("pk", flat=True):
        for role, position in [
            (Contact.Role.HEAD, "局长"),
            (Contact.Role.DEPUTY, "副局长"),
            (Contact.Role.ADMIN, "科员"),
        ]:
            if (account_id, role) not in have:
                contacts.append(
                    Contact(
                        account_id=account_id,
                        role=role,
                        name=b.person(),
                        position=position,
                        office_phone=f"0999-{b.rng.randrange(2000000, 8999999)}",
                        mobile=b.mobile(),
                    )
                )
    Contact.objects.bulk_create(contacts, batch_size=1000)


def _add_follower_history(b: _Builder) -> None:
    """Weekly follower counts for the past year, growing towards today's figure."""
    rows = []
    for account_id, followers in MediaAccount.objects.values_list("pk", "followers"):
        growth = b.rng.uniform(0.02, 0.35)
        for week in range(52, -1, -1):
            day = b.today - dt.timedelta(weeks=week)
            rows.append(
                FollowerCount(
                    account_id=account_id, date=day, followers=int(followers / (1 + growth * week / 52))
                )
            )
    FollowerCount.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def _add_users() -> None:
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "role": demo.role,
                "unit": Unit.objects.get(name=demo.unit),
                "display_name": demo.description,
                "is_staff": demo.role == Role.ADMIN,
                "is_superuser": demo.role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()


def _counts() -> dict:
    return {
        "regions": Region.objects.count(),
        "units": Unit.objects.count(),
        "accounts": MediaAccount.objects.count(),
        "users": User.objects.count(),
    }
