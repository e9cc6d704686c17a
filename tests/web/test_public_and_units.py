from django.urls import reverse

from govmedia.registry.models import AccountStatus, Unit


def test_the_public_matrix_lists_running_accounts_without_personal_data(client, world):
    world.account_b.status = AccountStatus.CLOSED
    world.account_b.save()
    page = client.get(reverse("web:public_matrix")).content.decode()
    assert "青山教育" in page and "示例发布" in page
    assert "临河教育" not in page  # closed
    assert "13800138000" not in page and "张三" not in page  # contacts are not public
    assert client.get(reverse("web:public_qr", args=[world.account_a.pk])).status_code == 200
    assert client.get(reverse("web:public_qr", args=[world.account_b.pk])).status_code == 404


def test_the_public_matrix_filters_by_region(client, world):
    page = client.get(reverse("web:public_matrix"), {"region": world.county_b.pk}).content.decode()
    assert "临河教育" in page and "青山教育" not in page


def test_a_county_supervisor_adds_a_unit_only_inside_its_county(world, login):
    client = login(world.supervisor_a)
    form = {
        "name": "青山县统计局",
        "kind": "department",
        "region": world.county_b.pk,
        "parent": world.gov_a.pk,
    }
    response = client.post(reverse("web:unit_new"), form)
    assert response.status_code == 200 and not Unit.objects.filter(name="青山县统计局").exists()
    response = client.post(reverse("web:unit_new"), {**form, "region": world.county_a.pk})
    assert response.status_code == 302
    assert Unit.objects.get(name="青山县统计局").region == world.county_a


def test_an_editor_cannot_add_units(world, login):
    assert login(world.editor_a).get(reverse("web:unit_new")).status_code == 403
