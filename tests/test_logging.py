"""Logs: one line format for every logger, and a request id on each request's lines and
on its response."""

import io
import logging
import re
from datetime import UTC, datetime

import pytest

from lib import requestid

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


LINE = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?P<level>[A-Z]+) (?P<logger>\S+) "
    r"\[(?P<request_id>[^\]]+)\] (?P<message>.*)"
)


@pytest.fixture
def console():
    """The configured console handler, writing to a buffer for the test."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    handler.lines = lambda: [LINE.fullmatch(line) for line in stream.getvalue().splitlines()]
    yield handler
    handler.setStream(previous)
    del handler.lines


def test_every_response_carries_a_new_request_id(reader):
    first, second = reader.get("/healthz/"), reader.get("/articles/no-such-story/")

    assert GENERATED.fullmatch(first["X-Request-ID"])
    assert GENERATED.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_well_formed_incoming_request_id_is_kept(reader):
    response = reader.get("/healthz/", headers={"X-Request-ID": "nginx-1f3a.9_Z"})

    assert response["X-Request-ID"] == "nginx-1f3a.9_Z"


@pytest.mark.parametrize(
    "incoming", ["", "has space", "quote\"d", "line\nbreak", "ünïcode", "x" * 65]
)  # fmt: skip
def test_a_malformed_incoming_request_id_is_replaced(reader, incoming):
    response = reader.get("/healthz/", headers={"X-Request-ID": incoming})

    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_page_cache_hits_carry_their_own_request_id(reader, page_cache, make_entry):
    make_entry(headline="Cached")
    miss = reader.get("/", headers={"X-Request-ID": "first"})
    hit = reader.get("/", headers={"X-Request-ID": "second"})

    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert (miss["X-Request-ID"], hit["X-Request-ID"]) == ("first", "second")


def test_django_logs_a_404_with_utc_time_level_logger_and_request_id(reader, console):
    reader.get("/articles/no-such-story/", headers={"X-Request-ID": "req-404"})

    (line,) = [line for line in console.lines() if line and "Not Found" in line["message"]]
    assert (line["level"], line["logger"], line["request_id"], line["message"]) == (
        "WARNING", "django.request", "req-404", "Not Found: /articles/no-such-story/",
    )  # fmt: skip


def test_log_times_are_utc_iso_8601_whatever_the_site_time_zone(console, settings):
    assert settings.TIME_ZONE != "UTC"
    record = logging.makeLogRecord({"name": "newsroom.test", "levelno": logging.INFO,
                                    "levelname": "INFO", "msg": "Cache back"})  # fmt: skip
    record.created = datetime(2025, 1, 5, 10, 11, 12, 345000, tzinfo=UTC).timestamp()
    record.msecs = 345.0

    console.handle(record)

    (line,) = console.lines()
    assert line.group(0) == "2025-01-05T10:11:12.345Z INFO newsroom.test [-] Cache back"


def test_lines_outside_a_request_show_no_request_id(reader, console):
    reader.get("/healthz/", headers={"X-Request-ID": "finished"})

    logging.getLogger("newsroom.test").warning("Between requests")

    (line,) = console.lines()
    assert (line["request_id"], line["message"]) == ("-", "Between requests")
    assert requestid.current.get() is None
