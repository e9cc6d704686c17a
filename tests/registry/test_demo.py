from govmedia.core.models import User
from govmedia.registry.demo import build_demo_region
from govmedia.registry.models import Contact, MediaAccount, Platform, Unit


def test_the_demo_region_is_a_believable_city_and_building_it_twice_changes_nothing(db):
    first = build_demo_region()
    assert first["created"] and 500 <= first["accounts"] <= 700
    assert Unit.objects.filter(region__level="county", kind="government").count() == 6
    assert Unit.objects.filter(kind="department", region__level="city").count() >= 30
    assert set(MediaAccount.objects.values_list("platform", flat=True)) >= {p.value for p in Platform} - {
        "other"
    }
    assert Contact.objects.filter(role="head").count() == first["accounts"]
    assert (
        User.objects.filter(
            username__in=["city", "qingshan", "linhe", "editor", "reviewer", "observer"]
        ).count()
        == 6
    )
    second = build_demo_region()
    assert not second["created"] and second["accounts"] == first["accounts"]
