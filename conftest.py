"""Shared personas and a small region: a city with two counties, A (青山县) and B (临河区)."""

from __future__ import annotations

import pytest

from govmedia.core.models import Role, User
from govmedia.registry.models import (
    Contact,
    MediaAccount,
    Platform,
    Region,
    RegionLevel,
    Unit,
    UnitKind,
)

PASSWORD = "a-long-test-password-1"


class World:
    """The test region; attributes name the units, accounts and personas."""


def make_account(owner: Unit, platform: str, name: str, uid: str, **extra) -> MediaAccount:
    account = MediaAccount.objects.create(
        owner=owner, platform=platform, name=name, platform_uid=uid, url=f"https://example.com/{uid}", **extra
    )
    Contact.objects.create(account=account, role=Contact.Role.HEAD, name="张三", mobile="13800138000")
    return account


def make_user(username: str, role: str, unit: Unit | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit)
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures (the dashboard's) never leak from one test's database into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is right for production and slow on purpose; tests that check it ask for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    w = World()
    w.province = Region.objects.create(name="示例省", level=RegionLevel.PROVINCE)
    w.city = Region.objects.create(name="示例市", level=RegionLevel.CITY, parent=w.province)
    w.county_a = Region.objects.create(name="青山县", level=RegionLevel.COUNTY, parent=w.city)
    w.county_b = Region.objects.create(name="临河区", level=RegionLevel.COUNTY, parent=w.city)
    w.township_a = Region.objects.create(name="石桥镇", level=RegionLevel.TOWNSHIP, parent=w.county_a)

    w.city_gov = Unit.objects.create(name="示例市人民政府", kind=UnitKind.GOVERNMENT, region=w.city)
    w.city_office = Unit.objects.create(
        name="示例市人民政府办公室", kind=UnitKind.GOVERNMENT_OFFICE, region=w.city, parent=w.city_gov
    )
    w.city_dept = Unit.objects.create(
        name="示例市教育局", kind=UnitKind.DEPARTMENT, region=w.city, parent=w.city_gov
    )
    w.gov_a = Unit.objects.create(
        name="青山县人民政府", kind=UnitKind.GOVERNMENT, region=w.county_a, parent=w.city_gov
    )
    w.office_a = Unit.objects.create(
        name="青山县人民政府办公室", kind=UnitKind.GOVERNMENT_OFFICE, region=w.county_a, parent=w.gov_a
    )
    w.dept_a = Unit.objects.create(
        name="青山县教育局", kind=UnitKind.DEPARTMENT, region=w.county_a, parent=w.gov_a
    )
    w.dept_a2 = Unit.objects.create(
        name="青山县民政局", kind=UnitKind.DEPARTMENT, region=w.county_a, parent=w.gov_a
    )
    w.town_a = Unit.objects.create(
        name="青山县石桥镇", kind=UnitKind.TOWNSHIP, region=w.township_a, parent=w.gov_a
    )
    w.gov_b = Unit.objects.create(
        name="临河区人民政府", kind=UnitKind.GOVERNMENT, region=w.county_b, parent=w.city_gov
    )
    w.office_b = Unit.objects.create(
        name="临河区人民政府办公室", kind=UnitKind.GOVERNMENT_OFFICE, region=w.county_b, parent=w.gov_b
    )
    w.dept_b = Unit.objects.create(
        name="临河区教育局", kind=UnitKind.DEPARTMENT, region=w.county_b, parent=w.gov_b
    )

    w.city_account = make_account(w.city_gov, Platform.WEIBO, "示例发布", "city-weibo")
    w.account_a = make_account(w.dept_a, Platform.WECHAT_SUBSCRIPTION, "青山教育", "a-edu-wx")
    w.account_a2 = make_account(w.dept_a2, Platform.DOUYIN, "青山民政", "a-mz-dy")
    w.town_account = make_account(w.town_a, Platform.WECHAT_SUBSCRIPTION, "青山县石桥镇", "a-town-wx")
    w.account_b = make_account(w.dept_b, Platform.WECHAT_SUBSCRIPTION, "临河教育", "b-edu-wx")

    w.admin = make_user("admin", Role.ADMIN, w.city_office)
    w.city_supervisor = make_user("city", Role.SUPERVISOR, w.city_office)
    w.supervisor_a = make_user("sup_a", Role.SUPERVISOR, w.office_a)
    w.supervisor_b = make_user("sup_b", Role.SUPERVISOR, w.office_b)
    w.editor_a = make_user("editor_a", Role.EDITOR, w.dept_a)
    w.reviewer_a = make_user("reviewer_a", Role.REVIEWER, w.dept_a)
    w.observer = make_user("observer", Role.OBSERVER, w.city_office)
    return w


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
