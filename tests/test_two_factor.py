"""Two-factor sign-in for staff: enrolment, the code after the password, recovery codes,
and who must use it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk import roles, two_factor

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def code_for(device, steps_ahead=0):
    """The code the authenticator app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def unthrottle(device):
    """A wrong code makes the device wait a moment before the next; tests do not wait."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(
        username, password=f"pw-{username}-long", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def enrol(user):
    device = two_factor.pending_app(user)
    codes = two_factor.confirm_app(user, device, code_for(device))
    return device, codes


def log_in_with_password(client, username):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": f"pw-{username}-long", "next": "/admin/"},
    )


@pytest.fixture
def required(settings):
    settings.NEWSROOM_REQUIRE_2FA = True
    return settings


def test_production_settings_require_two_factor_and_development_does_not():
    def setting(**env):
        command = [sys.executable, "-c", "from django.conf import settings; "
                   "print(settings.NEWSROOM_REQUIRE_2FA)"]  # fmt: skip
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}
        return subprocess.run(
            command, env=environment, cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50,
                  "DJANGO_ALLOWED_HOSTS": "news.example.com"}  # fmt: skip
    assert setting(**production) == "True"
    assert setting(**production, NEWSROOM_REQUIRE_2FA="0") == "False"
    assert setting(DJANGO_DEBUG="1") == "False"


def test_an_editor_without_an_app_is_sent_to_enrol_when_required(
    client, django_user_model, required
):
    staff(django_user_model, "edith", roles.EDITOR)
    response = log_in_with_password(client, "edith")
    assert response.status_code == 302

    index = client.get("/admin/")
    assert index.status_code == 302
    assert index.url.startswith("/admin/two-factor/setup/")
    assert client.get("/admin/articles/article/").url.startswith("/admin/two-factor/setup/")


def test_a_writer_may_skip_two_factor_even_when_editors_must(client, django_user_model, required):
    staff(django_user_model, "wanda", roles.WRITER)
    log_in_with_password(client, "wanda")

    assert client.get("/admin/").status_code == 200


def test_without_the_setting_an_editor_signs_in_with_the_password_alone(
    client, django_user_model, settings
):
    settings.NEWSROOM_REQUIRE_2FA = False
    staff(django_user_model, "edith", roles.EDITOR)
    log_in_with_password(client, "edith")

    assert client.get("/admin/").status_code == 200


def test_enrolment_shows_the_qr_code_and_secret_and_a_code_confirms_it(
    client, django_user_model, required
):
    editor = staff(django_user_model, "edith", roles.EDITOR)
    log_in_with_password(client, "edith")

    page = client.get("/admin/two-factor/setup/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert "<svg" in html and two_factor.secret_of(device) in html
    # Reloading the page keeps the same secret: the app already scanned stays right.
    client.get("/admin/two-factor/setup/")
    assert TOTPDevice.objects.filter(user=editor).count() == 1

    wrong = client.post("/admin/two-factor/setup/", {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    unthrottle(device)
    done = client.post("/admin/two-factor/setup/", {"code": code_for(device)})
    codes = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(codes) == two_factor.RECOVERY_CODES
    assert all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_the_code_is_asked_after_the_password_and_a_wrong_one_is_refused(
    client, django_user_model, required
):
    editor = staff(django_user_model, "edith", roles.EDITOR)
    device, _ = enrol(editor)

    log_in_with_password(client, "edith")
    index = client.get("/admin/articles/article/?status=draft")
    assert index.status_code == 302
    assert (
        index.url
        == "/admin/two-factor/verify/?next=%2Fadmin%2Farticles%2Farticle%2F%3Fstatus%3Ddraft"
    )

    wrong = client.post("/admin/two-factor/verify/", {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    unthrottle(device)
    right = client.post(
        "/admin/two-factor/verify/", {"code": code_for(device, 1), "next": "/admin/"}
    )
    assert right.status_code == 302 and right.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_writer_who_enrolled_is_asked_for_the_code_too(client, django_user_model, settings):
    settings.NEWSROOM_REQUIRE_2FA = False
    writer = staff(django_user_model, "wanda", roles.WRITER)
    enrol(writer)
    log_in_with_password(client, "wanda")

    assert client.get("/admin/").url.startswith("/admin/two-factor/verify/")


def test_a_recovery_code_signs_in_once(client, django_user_model, required):
    editor = staff(django_user_model, "edith", roles.EDITOR)
    _, codes = enrol(editor)

    log_in_with_password(client, "edith")
    first = client.post("/admin/two-factor/verify/", {"code": codes[0]})
    assert first.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    client.logout()
    log_in_with_password(client, "edith")
    again = client.post("/admin/two-factor/verify/", {"code": codes[0]})
    assert "That code is not right" in again.content.decode()
    assert client.get("/admin/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, django_user_model, required):
    editor = staff(django_user_model, "edith", roles.EDITOR)
    _, old_codes = enrol(editor)
    log_in_with_password(client, "edith")
    client.post("/admin/two-factor/verify/", {"code": old_codes[0]})

    page = client.post("/admin/two-factor/", {"action": "recovery"})
    new_codes = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(new_codes) == two_factor.RECOVERY_CODES
    assert not new_codes & set(old_codes)
    assert all(code in page.content.decode() for code in new_codes)


def test_a_next_address_elsewhere_is_not_followed(client, django_user_model, required):
    editor = staff(django_user_model, "edith", roles.EDITOR)
    _, codes = enrol(editor)
    log_in_with_password(client, "edith")

    response = client.post(
        "/admin/two-factor/verify/", {"code": codes[0], "next": "https://evil.example.com/"}
    )
    assert response.url == "/admin/"


def test_password_failures_are_still_throttled_by_axes(client, django_user_model, settings):
    staff(django_user_model, "edith", roles.EDITOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "edith", "password": "wrong"})

    locked = log_in_with_password(client, "edith")
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_two_factor_pages_need_a_staff_sign_in(client):
    response = client.get("/admin/two-factor/setup/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_enrols_then_signs_in_with_a_code_and_with_a_recovery_code(
    live_server, page, django_user_model, settings
):
    settings.NEWSROOM_REQUIRE_2FA = True
    editor = staff(django_user_model, "edith", roles.EDITOR)
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def password_step():
        page.goto(live_server.url + "/admin/login/?next=/admin/")
        page.fill("#id_username", "edith")
        page.fill("#id_password", "pw-edith-long")
        page.click("input[type=submit]")

    # The required editor without an app is sent to enrol.
    password_step()
    page.wait_for_url("**/admin/two-factor/setup/**")
    assert page.locator("#two-factor-qr svg").is_visible()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert page.locator("#two-factor-secret").inner_text() == two_factor.secret_of(device)
    page.fill("#id_code", code_for(device))
    page.click("input[type=submit]")
    codes = page.locator("#two-factor-codes li").all_inner_texts()
    assert len(codes) == two_factor.RECOVERY_CODES
    page.click("#two-factor-done")
    page.wait_for_url(live_server.url + "/admin/")

    # Log out, then in again: password, then the app's code.
    page.goto(live_server.url + "/admin/")
    page.locator("#logout-form button").click()
    password_step()
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("#id_code", code_for(device, 1))
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#site-name").is_visible()

    # ... and once with a recovery code.
    page.locator("#logout-form button").click()
    password_step()
    page.wait_for_url("**/admin/two-factor/verify/**")
    page.fill("#id_code", codes[0])
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    assert "recovery code" in page.locator(".messagelist").inner_text()
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert csp_errors == []
