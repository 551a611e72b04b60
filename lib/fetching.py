"""Fetching what someone else's server says, safely: http and https only, public
addresses only (checked again on the connected socket, so a name that re-resolves cannot
reach an internal address), every redirect checked the same way, a time cap per
connection and read, and a size cap on the body.

Importers read feeds and images through this; embeds ask providers' oEmbed endpoints."""

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

FETCH_TIMEOUT = 10  # seconds, per connection attempt and per read
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "newsroom/1.0"
CHUNK_BYTES = 64 * 1024


class FetchRefused(Exception):
    """The URL was not fetched: a refused address or scheme, a failure, or too large."""


def is_public_address(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _guarded_connection(base, allow_private):
    class GuardedConnection(base):
        def connect(self):
            super().connect()
            # Checked on the socket itself, so a name that re-resolves between our lookup
            # and the connection still cannot reach an internal address.
            peer = self.sock.getpeername()[0]
            if not allow_private and not is_public_address(peer):
                self.sock.close()
                raise FetchRefused(f"refusing to connect to private or loopback address {peer}")

    return GuardedConnection


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allow_private):
        super().__init__()
        self.connection_class = _guarded_connection(http.client.HTTPConnection, allow_private)

    def http_open(self, req):
        return self.do_open(self.connection_class, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allow_private):
        super().__init__()
        self.connection_class = _guarded_connection(http.client.HTTPSConnection, allow_private)

    def https_open(self, req):
        return self.do_open(self.connection_class, req, context=self._context)


class _GuardedRedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def __init__(self, allow_private, allowed_hosts):
        super().__init__()
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl, allow_private=self.allow_private, allowed_hosts=self.allowed_hosts)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def host_allowed(hostname, allowed_hosts):
    """Whether `hostname` is one of `allowed_hosts` or a subdomain of one."""
    hostname = (hostname or "").lower().rstrip(".")
    return any(hostname == host or hostname.endswith("." + host) for host in allowed_hosts)


def check_url(url, *, allow_private=False, allowed_hosts=None):
    """Refuse anything but http(s) to a public address (unless private ones are allowed)
    and, when `allowed_hosts` is given, to any other host than those."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchRefused(f"only http and https URLs can be fetched, not {url!r}")
    if not parts.hostname:
        raise FetchRefused(f"no host in URL {url!r}")
    if allowed_hosts is not None and not host_allowed(parts.hostname, allowed_hosts):
        raise FetchRefused(f"refusing to fetch {url}: {parts.hostname} is not an allowed host")
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except socket.gaierror as error:
        raise FetchRefused(f"cannot resolve {parts.hostname}: {error.strerror}") from None
    private = sorted(a for a in addresses if not is_public_address(a))
    if private:
        raise FetchRefused(
            f"refusing to fetch {url}: {parts.hostname} is a private or loopback address "
            f"({', '.join(private)}); use --allow-private for a trusted internal source"
        )


def _read_capped(response, url, max_bytes, deadline):
    """The body, read in chunks: a server that drips bytes slowly is cut off at the
    deadline, not only when one read waits too long."""
    chunks, size = [], 0
    while size <= max_bytes:
        if time.monotonic() > deadline:
            raise FetchRefused(f"could not fetch {url}: it took too long")
        chunk = response.read1(min(CHUNK_BYTES, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def fetch(
    url,
    *,
    allow_private=False,
    allowed_hosts=None,
    timeout=FETCH_TIMEOUT,
    max_bytes=MAX_BYTES,
    user_agent=USER_AGENT,
):
    """The body of `url`, fetched with a size cap and time caps (`timeout` for each
    connection and read, three times that for the whole body), or FetchRefused."""
    check_url(url, allow_private=allow_private, allowed_hosts=allowed_hosts)
    opener = urllib.request.OpenerDirector()
    for handler in (
        _GuardedHTTPHandler(allow_private),
        _GuardedHTTPSHandler(allow_private),
        _GuardedRedirectHandler(allow_private, allowed_hosts),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchRefused(f"{url} is larger than the {max_bytes} byte limit")
            body = _read_capped(response, url, max_bytes, time.monotonic() + timeout * 3)
    except urllib.error.HTTPError as error:
        raise FetchRefused(f"could not fetch {url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, FetchRefused):
            raise error.reason from None
        raise FetchRefused(f"could not fetch {url}: {error.reason}") from None
    except (TimeoutError, OSError, http.client.HTTPException) as error:
        raise FetchRefused(f"could not fetch {url}: {error or type(error).__name__}") from None
    if len(body) > max_bytes:
        raise FetchRefused(f"{url} is larger than the {max_bytes} byte limit")
    return body
