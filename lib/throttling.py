"""Admin login throttling through django-axes."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses logins while the username and address pair is locked out.

    Logins without a request (the shell, test clients) have no address to throttle by
    and pass through to the next backend unchecked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


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
