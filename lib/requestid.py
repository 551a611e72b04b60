"""Request ids, and the one log line format that shows them.

Each request gets an id: the proxy's `X-Request-ID` when it sends a well-formed one (so a
line in nginx's log and ours can be matched), otherwise a new one. The response carries it
back in `X-Request-ID`, and every log record made while the request runs shows it, through
`RequestIdFilter` on the log handler. Records made outside a request show "-".
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
# Short and plain, so a client's header can never forge or break a log line.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")
NONE = "-"

current = ContextVar("request_id", default=None)


def from_header(value):
    """The incoming id when it is well-formed, else a new one."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every response carries the id, page-cache hits included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = from_header(request.headers.get(HEADER))
        # Not reset on the way out: Django logs 4xx and 5xx responses after the middleware
        # returns. The request's end clears it (below).
        current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="lib.requestid.clear")
def clear(**kwargs):
    current.set(None)


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` for the formatter; filters nothing out."""

    def filter(self, record):
        record.request_id = current.get() or NONE
        return True


class UTCFormatter(logging.Formatter):
    """Times in UTC, ISO 8601 with milliseconds: 2025-01-05T10:11:12.345Z."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
