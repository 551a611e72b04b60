"""Two-factor sign-in for staff: an authenticator app's six-digit codes (TOTP) and
single-use recovery codes, through django-otp's TOTP and static devices.

The admin's own login checks the password (throttled by django-axes, lib/throttling.py);
`TwoFactorMiddleware` then keeps every admin page closed until the session has been
verified with a code: staff with an authenticator are asked for it, and Editors and Admins
without one are sent to enrol when NEWSROOM_REQUIRE_2FA is on (the production default).
Writers may enrol when they like.
"""

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODES = 10
TEMPLATES = "admin/desk/two_factor"


def required_for(user):
    """Whether this account must sign in with a second factor: Editors and Admins (and
    superusers), when the setting says so."""
    if not settings.NEWSROOM_REQUIRE_2FA:
        return False
    return user.is_superuser or roles.role_of(user) in (roles.EDITOR, roles.ADMIN)


def enrolled(user):
    return user_has_device(user, confirmed=True)


def pending_app(user):
    """The authenticator being enrolled: made once, kept until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def secret_of(device):
    """The app's secret as authenticator apps take it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device):
    """The enrolment link as an inline SVG QR code (no image file, nothing inline to run)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


@transaction.atomic
def new_recovery_codes(user):
    """Replace the account's recovery codes with RECOVERY_CODES new ones and return them.
    Each works once, instead of a code from the app."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_app(user, device, code):
    """Confirm the authenticator being enrolled with a code it shows: it replaces any
    earlier one. Returns the new recovery codes, or None when the code is wrong."""
    if not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


def wait_message(devices):
    """What to tell someone whose wrong codes made the devices wait, or "" when none."""
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return "Too many wrong codes in a row: wait a few seconds, then type the current one."
    return ""


def verify(user, code):
    """The device that accepts `code` (the app's current code or an unused recovery code,
    which is then used up), or None. Each device slows down guessing by itself."""
    code = "".join(code.split())
    for device in candidates(user, code):
        if device.verify_token(code):
            return device
    return None


def candidates(user, code):
    """The devices that could have made `code`: the app for six digits, else the recovery
    codes (so a recovery code never counts as a wrong guess of the app's code)."""
    if not code:
        return []
    app_code = code.isascii() and code.isdigit() and len(code) < 8  # recovery codes have 8
    kind = TOTPDevice if app_code else StaticDevice
    return [device for device in devices_for_user(user, confirmed=True) if isinstance(device, kind)]


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
    )


def _next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else default


def _signed_in(request, device):
    """The session is verified with `device`; a new session key marks the new privilege."""
    request.session.cycle_key()
    otp_login(request, device)


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def verify_view(request):
    """The second step of signing in: the code, after the password."""
    user = request.user
    home = reverse("admin:index")
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request, home))
    if not enrolled(user):
        return HttpResponseRedirect(reverse("two_factor:setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        waiting = wait_message(candidates(user, code))  # before this try counts
        device = verify(user, code)
        if device is not None:
            _signed_in(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Make new ones on "
                    "the two-factor page if you are running out.",
                )
            return HttpResponseRedirect(_next_url(request, home))
        form.add_error(
            "code",
            waiting or "That code is not right (or was used already). Try the current one.",
        )
    context = _context(request, "Two-factor sign-in", form=form, next=_next_url(request, home))
    return TemplateResponse(request, f"{TEMPLATES}/verify.html", context)


def setup_view(request):
    """Enrol an authenticator app: its QR code and secret, confirmed by one of its codes;
    then the recovery codes, shown this once."""
    user = request.user
    if enrolled(user) and not user.is_verified():
        return HttpResponseRedirect(reverse("two_factor:verify"))
    device = pending_app(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        waiting = wait_message([device])  # before this try counts
        codes = confirm_app(user, device, "".join(form.cleaned_data["code"].split()))
        if codes is not None:
            _signed_in(request, device)
            context = _context(request, "Your recovery codes", codes=codes)
            return TemplateResponse(request, f"{TEMPLATES}/recovery_codes.html", context)
        form.add_error(
            "code",
            waiting or "That code is not right: type the one the app shows now.",
        )
    context = _context(
        request,
        "Set up two-factor sign-in",
        form=form,
        qr_code=qr_code_svg(device),
        secret=secret_of(device),
        required=required_for(user) and not enrolled(user),
    )
    return TemplateResponse(request, f"{TEMPLATES}/setup.html", context)


def manage_view(request):
    """Where staff see their two-factor state, get new recovery codes or switch apps."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "recovery" and enrolled(user):
        context = _context(request, "Your recovery codes", codes=new_recovery_codes(user))
        return TemplateResponse(request, f"{TEMPLATES}/recovery_codes.html", context)
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()
    context = _context(
        request,
        "Two-factor sign-in",
        enrolled=enrolled(user),
        required=required_for(user),
        recovery_left=recovery.token_set.count() if recovery else 0,
    )
    return TemplateResponse(request, f"{TEMPLATES}/manage.html", context)


app_name = "two_factor"
urlpatterns = [
    path("", admin.site.admin_view(manage_view), name="manage"),
    path("verify/", admin.site.admin_view(verify_view), name="verify"),
    path("setup/", admin.site.admin_view(setup_view), name="setup"),
]


class TwoFactorMiddleware:
    """Keeps the admin closed to a session signed in with the password alone when its
    account has an authenticator (it is asked for a code) or must have one (it is sent to
    enrol). Put after django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect = self.second_step(request)
        return redirect or self.get_response(request)

    def second_step(self, request):
        # The path first: public pages never load the session's user for this.
        if not request.path.startswith(reverse("admin:index")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        if user.is_verified():
            return None
        open_paths = [reverse("two_factor:verify"), reverse("two_factor:setup"),
                      reverse("admin:logout"), reverse("admin:login"),
                      reverse("admin:jsi18n")]  # fmt: skip
        if request.path in open_paths:
            return None
        if enrolled(user):
            target = reverse("two_factor:verify")
        elif required_for(user):
            target = reverse("two_factor:setup")
        else:
            return None
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
