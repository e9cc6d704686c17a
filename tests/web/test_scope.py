"""Every persona tries to cross its boundary, in pages and in the API."""

import pytest
from django.urls import reverse

from govmedia.core.models import AuditLog
from govmedia.registry.models import MediaAccount

VISIBLE = {
    # persona → accounts it must see (all others must stay hidden)
    "admin": {"city_account", "account_a", "account_a2", "town_account", "account_b"},
    "city_supervisor": {"city_account", "account_a", "account_a2", "town_account", "account_b"},
    "observer": {"city_account", "account_a", "account_a2", "town_account", "account_b"},
    "supervisor_a": {"account_a", "account_a2", "town_account"},
    "supervisor_b": {"account_b"},
    "editor_a": {"account_a"},
    "reviewer_a": {"account_a"},
}
ALL_ACCOUNTS = {"city_account", "account_a", "account_a2", "town_account", "account_b"}


@pytest.mark.parametrize("persona", VISIBLE)
def test_each_persona_sees_exactly_its_accounts_in_the_matrix_the_api_and_the_detail_pages(
    world, login, persona
):
    client = login(getattr(world, persona))
    page = client.get(reverse("web:matrix")).content.decode()
    api = {a["id"] for a in client.get("/api/accounts/").json()["results"]}
    for name in ALL_ACCOUNTS:
        account = getattr(world, name)
        expected = name in VISIBLE[persona]
        assert (account.name in page) == expected, (persona, name)
        assert (account.pk in api) == expected, (persona, name)
        assert client.get(reverse("web:account", args=[account.pk])).status_code == (200 if expected else 404)
        assert client.get(f"/api/accounts/{account.pk}/").status_code == (200 if expected else 404)
        assert client.get(reverse("web:account_qr", args=[account.pk])).status_code == (
            200 if expected else 404
        )


@pytest.mark.parametrize("persona", ["supervisor_b", "editor_a"])
def test_an_outsider_cannot_change_an_account_of_another_county_or_unit(world, login, persona):
    client = login(getattr(world, persona))
    target = world.account_a2 if persona == "editor_a" else world.account_a
    response = client.post(reverse("web:account_edit", args=[target.pk]), {"name": "被篡改"})
    assert response.status_code == 404
    assert MediaAccount.objects.get(pk=target.pk).name == target.name
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("persona", ["observer", "reviewer_a"])
def test_read_only_roles_can_see_but_not_change(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("web:account", args=[world.account_a.pk])).status_code == 200
    assert (
        client.post(reverse("web:account_edit", args=[world.account_a.pk]), {"name": "x"}).status_code == 403
    )
    assert client.get(reverse("web:import")).status_code == 403


def test_units_pages_and_api_are_scoped_like_accounts(world, login):
    client = login(world.supervisor_a)
    assert client.get(reverse("web:unit", args=[world.dept_a.pk])).status_code == 200
    assert client.get(reverse("web:unit", args=[world.dept_b.pk])).status_code == 404
    assert client.get(f"/api/units/{world.dept_b.pk}/").status_code == 404
    names = {u["name"] for u in client.get("/api/units/?page_size=100").json()["results"]}
    assert "青山县教育局" in names and "临河区教育局" not in names and "示例市教育局" not in names
    assert "临河区教育局" not in client.get(reverse("web:units")).content.decode()
    assert client.post(reverse("web:unit_edit", args=[world.dept_b.pk]), {"name": "x"}).status_code == 404


def test_an_editor_can_only_create_accounts_for_its_own_unit(world, login):
    client = login(world.editor_a)
    form = {
        "name": "青山教育",
        "platform": "weibo",
        "platform_uid": "new-1",
        "owner": world.dept_b.pk,
        "content_type": "text_image",
        "status": "active",
        "followers": 0,
    }
    response = client.post(reverse("web:account_new"), form)
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not MediaAccount.objects.filter(platform_uid="new-1").exists()
    response = client.post(
        reverse("web:account_new"),
        {**form, "owner": world.dept_a.pk, "head_name": "赵六", "head_mobile": "13700137000"},
    )
    assert response.status_code == 302
    created = MediaAccount.objects.get(platform_uid="new-1")
    assert created.contacts.get(role="head").name == "赵六"
    assert AuditLog.objects.get(action="registry.account_created").unit_id == world.dept_a.pk


def test_a_second_account_on_the_same_platform_needs_a_reason(world, login):
    client = login(world.editor_a)
    form = {
        "name": "青山教育二号",
        "platform": "wechat_subscription",
        "platform_uid": "dup-1",
        "owner": world.dept_a.pk,
        "content_type": "text_image",
        "status": "active",
        "followers": 0,
    }
    response = client.post(reverse("web:account_new"), form)
    assert "请填写理由" in response.content.decode()
    response = client.post(
        reverse("web:account_new"), {**form, "duplicate_reason": "招生咨询专用，经县政府办同意"}
    )
    assert response.status_code == 302


def test_the_audit_history_is_scoped(world, login):
    login(world.editor_a).post(
        reverse("web:account_edit", args=[world.account_a.pk]),
        {
            "name": "青山教育发布",
            "platform": "wechat_subscription",
            "platform_uid": "a-edu-wx",
            "owner": world.dept_a.pk,
            "content_type": "text_image",
            "status": "active",
            "followers": 10,
        },
    )
    assert AuditLog.objects.count() == 1
    assert "青山教育发布" in login(world.supervisor_a).get(reverse("web:audit")).content.decode()
    assert "青山教育发布" not in login(world.supervisor_b).get(reverse("web:audit")).content.decode()


def test_exports_contain_only_the_personas_accounts(world, login):
    content = login(world.supervisor_b).get(reverse("web:export", args=["accounts"]) + "?format=csv")
    text = content.content.decode("utf-8-sig")
    assert "临河教育" in text and "青山教育" not in text and "示例发布" not in text


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses_them(client, world):
    assert client.get(reverse("web:matrix")).status_code == 302
    assert client.get("/api/accounts/").status_code in (401, 403)
    assert client.get(f"/api/accounts/{world.account_a.pk}/").status_code in (401, 403)


def test_a_user_without_a_unit_sees_nothing(world, login):
    from conftest import make_user

    client = login(make_user("nobody", "supervisor", None))
    assert client.get("/api/accounts/").json()["count"] == 0


def test_the_matrix_filters_by_region_platform_status_and_search(world, login):
    client = login(world.city_supervisor)
    page = client.get(reverse("web:matrix"), {"region": world.county_a.pk}).content.decode()
    assert "青山教育" in page and "临河教育" not in page
    page = client.get(reverse("web:matrix"), {"platform": "douyin"}).content.decode()
    assert "青山民政" in page and "青山教育" not in page
    page = client.get(reverse("web:matrix"), {"q": "临河"}).content.decode()
    assert "临河教育" in page and "青山民政" not in page
    assert client.get(reverse("web:matrix"), {"region": "abc", "unit": "x"}).status_code == 200


def test_the_matrix_query_count_stays_flat_as_accounts_grow(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_account

    client = login(world.city_supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:matrix")).status_code == 200
        return len(captured)

    few = queries()
    for i in range(30):
        make_account(world.dept_b, "weibo", f"临河教育{i}", f"grow-{i}")
    assert queries() == few
    assert few <= 20


def test_the_openapi_schema_lists_the_read_endpoints(world, login):
    schema = login(world.city_supervisor).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/accounts/" in schema and "/api/units/" in schema
