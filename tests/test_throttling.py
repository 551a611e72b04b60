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


def addresses(count):
    return [f"198.51.100.{number}" for number in range(1, count + 1)]


def test_an_account_guessed_from_many_addresses_is_locked_everywhere(
    attempt, editor, client, settings
):
    limit = settings.NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT
    statuses = [attempt("wrong", address=address).status_code for address in addresses(20)]
    # Each address fails once only, far below the per-address limit.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit - 1 :]) == {429}
    response = attempt("pw-editor", address="203.0.113.99")
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_account_lock_is_short_and_not_prolonged_by_more_guesses(
    attempt, editor, client, settings
):
    for address in addresses(settings.NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT):
        attempt("wrong", address=address)
    minutes = settings.NEWSROOM_LOGIN_ACCOUNT_COOLOFF_MINUTES
    assert minutes * 60 < settings.AXES_COOLOFF_TIME * 3600  # shorter than the address lock
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes - 1)):
        assert attempt("wrong", address="192.0.2.50").status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes, seconds=5)):
        assert attempt("pw-editor", address="203.0.113.99").status_code == 302
    assert is_logged_in(client)


def test_other_accounts_are_not_locked_by_guesses_at_one(
    attempt, editor, django_user_model, client, settings
):
    django_user_model.objects.create_user("writer", password="pw-writer", is_staff=True)
    for address in addresses(settings.NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT):
        attempt("wrong", address=address)
    assert attempt("pw-writer", username="writer").status_code == 302


@pytest.fixture
def admin_role_client(django_user_model):
    """An Admin (by group) in a browser of their own, beside the one guessing passwords."""
    from django.test import Client

    from tests.staff import make_staff

    admin = Client()
    admin.force_login(make_staff(django_user_model, "ada", "Admin"))
    return admin


def test_an_admin_lifts_an_account_lock_in_the_admin(
    attempt, editor, client, admin_role_client, settings
):
    from axes.models import AccessAttempt

    for address in addresses(settings.NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT):
        attempt("wrong", address=address)
    assert attempt("pw-editor", address="203.0.113.99").status_code == 429
    response = admin_role_client.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert attempt("pw-editor", address="203.0.113.99").status_code == 302


def test_failures_and_locks_are_recorded_for_admins_without_any_password(
    attempt, editor, admin_role_client, settings, caplog
):
    from axes.models import AccessAttempt, AccessFailureLog

    from articles.models import AuditEntry

    with caplog.at_level("INFO"):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            attempt("Secret-Guess-42", address="203.0.113.7")
    failures = AccessFailureLog.objects.order_by("attempt_time", "pk")
    assert failures.count() == settings.AXES_FAILURE_LIMIT + 1
    assert {(f.username, f.ip_address) for f in failures} == {("editor", "203.0.113.7")}
    assert [f.locked_out for f in failures][-2:] == [True, True]
    assert all(f.attempt_time for f in failures)
    # Nothing anywhere holds the password; the log lines mask who and where.
    stored = " ".join(f"{a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
    assert "Secret-Guess-42" not in stored
    assert "Secret-Guess-42" not in caplog.text
    assert "203.0.113.7" not in caplog.text and '"editor"' not in caplog.text
    assert not AuditEntry.objects.exists()
    # Admins read the record in the admin.
    page = admin_role_client.get("/admin/axes/accessfailurelog/")
    assert page.status_code == 200
    assert "203.0.113.7" in page.content.decode() and "editor" in page.content.decode()


def test_the_login_record_is_hidden_from_editors(desk_client):
    for model in ("accessfailurelog", "accessattempt", "accesslog"):
        assert desk_client.get(f"/admin/axes/{model}/").status_code == 403
