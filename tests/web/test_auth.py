import pytest
from django.urls import reverse

from govmedia.core.models import Role, User


@pytest.fixture
def argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


def test_passwords_are_stored_with_argon2(db, argon2):
    user = User.objects.create_user("li", password="a-long-test-password-1", role=Role.OBSERVER)
    assert user.password.startswith("argon2$")


def test_a_user_logs_in_with_the_form_and_lands_on_the_matrix(client, world):
    response = client.post(reverse("login"), {"username": "sup_a", "password": "a-long-test-password-1"})
    assert response.status_code == 302 and response.url == reverse("web:matrix")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "sup_a", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "sup_a", "password": "a-long-test-password-1"})
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_page_is_in_chinese_and_shows_a_clear_error(client, world):
    response = client.post(reverse("login"), {"username": "sup_a", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_a_short_or_common_password_is_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678", "password123", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
