"""Admin login throttling through django-axes.

Two locks, both short, both recorded where Admins read them (axes' access failures in the
admin: who was tried, from where, when, and whether that locked them):

- a username at one address: AXES_FAILURE_LIMIT failures lock that pair for
  AXES_COOLOFF_TIME, so one guesser cannot go on guessing;
- a username from any mix of addresses: NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT failures
  within NEWSROOM_LOGIN_ACCOUNT_COOLOFF_MINUTES lock the account everywhere for those few
  minutes, so guessing spread over many addresses is slowed to that pace too.

Failures while locked are refused without being counted, so nobody can keep an editor
out by trickling attempts; the account lock lifts by itself within minutes, and an Admin
lifts either lock at once by deleting the account's access attempts in the admin or with
`manage.py axes_reset_username NAME`. Passwords are never stored or logged, and the log
lines axes writes mask the username and address.
"""

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses logins while the username and address pair, or the account, is locked out.

    Logins without a request (the shell, test clients) have no address to throttle by
    and pass through to the next backend unchecked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def account_failures(username, at=None):
    """Failed logins for `username` from every address within the account cool-off."""
    if not username:
        return 0
    since = (at or timezone.now()) - timedelta(
        minutes=settings.NEWSROOM_LOGIN_ACCOUNT_COOLOFF_MINUTES
    )
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with the account-wide lock added to the per-address one."""

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        at = getattr(request, "axes_attempt_time", None)
        if account_failures(username, at) >= settings.NEWSROOM_LOGIN_ACCOUNT_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        refused_while_locked = (
            request is not None
            and getattr(request, "axes_locked_out", False)
            and not settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
        )
        super().user_login_failed(sender, credentials, request, **kwargs)
        if refused_while_locked and settings.AXES_ENABLE_ACCESS_FAILURE_LOG:
            # Axes neither counts nor records these; the record still shows each one.
            AccessFailureLog.objects.create(
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
                attempt_time=request.axes_attempt_time,
                locked_out=True,
            )


def client_ip(request):
    """The reader's address: from X-Forwarded-For as written by our own proxies only.

    Each of NEWSROOM_PROXY_COUNT proxies appends the address it saw, so the entry that
    many places from the end is the one a client cannot forge.
    """
    count = settings.NEWSROOM_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
