"""Admin login throttling: guessing passwords locks the username at that address."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from lib.throttling import client_ip

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def attempt(client):
    def attempt(password, address="203.0.113.7", username="editor"):
        return client.post(
            LOGIN,
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    return attempt


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in(attempt, editor, client):
    response = attempt("pw-editor")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_too_many_wrong_passwords_lock_the_login_even_with_the_right_one(
    attempt, editor, client, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt("wrong").status_code == 200  # the form again, with an error
    assert attempt("wrong").status_code == 429
    response = attempt("pw-editor")
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_lock_is_per_address(attempt, editor, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong")
    assert attempt("pw-editor", address="198.51.100.20").status_code == 302
    assert is_logged_in(client)


def test_the_lock_lifts_after_the_cool_off(attempt, editor, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong")
    assert attempt("pw-editor").status_code == 429
    with time_machine.travel(
        timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    ):
        assert attempt("pw-editor").status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_forgets_earlier_failures(attempt, editor, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("wrong")
    assert attempt("pw-editor").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt("wrong").status_code == 200


def test_passwords_are_hashed_with_argon2(editor):
    assert editor.password.startswith("argon2$")


class TestClientAddress:
    def test_without_proxies_the_socket_address_counts(self, rf, settings):
        settings.NEWSROOM_PROXY_COUNT = 0
        request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(request) == "10.0.0.2"

    def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_claims(
        self, rf, settings
    ):
        settings.NEWSROOM_PROXY_COUNT = 1
        request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
        assert client_ip(request) == "203.0.113.7"
