from datetime import timedelta

import pytest
from django.utils import timezone

from feed.models import FeedEntry
from lib.pagination import Cursor, seek

pytestmark = pytest.mark.django_db


def walk(reader, url="/"):
    """Follow the no-JavaScript Show More links to the end; return entry ids in order."""
    seen = []
    while True:
        response = reader.get(url)
        assert response.status_code == 200
        batch = response.context["batch"]
        seen.extend(entry.pk for entry in batch)
        if batch.next_cursor is None:
            return seen
        assert f'href="/?before={batch.next_cursor}"' in response.content.decode()
        url = f"/?before={batch.next_cursor}"


def test_batches_cover_every_entry_once_in_order_including_ties(reader, make_entry):
    now = timezone.now().replace(microsecond=0)
    # 67 entries, many of them sharing a publish time, to stress the tie-breaker.
    for i in range(67):
        make_entry(published_at=now - timedelta(minutes=i // 7))
    expected = list(FeedEntry.objects.order_by("-published_at", "-id").values_list("id", flat=True))
    seen = walk(reader)
    assert seen == expected
    assert len(seen) == len(set(seen)) == 67


def test_batches_are_twenty_entries(reader, make_entry, settings):
    for _ in range(45):
        make_entry()
    response = reader.get("/")
    assert len(response.context["batch"]) == settings.NEWSROOM_FEED_BATCH == 20


def test_fragment_endpoint_returns_the_next_batch_without_the_page(reader, make_entry):
    for _ in range(30):
        make_entry()
    cursor = reader.get("/").context["batch"].next_cursor
    response = reader.get(f"/feed/more/?before={cursor}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('class="entry"') == 10
    assert "Show More" not in html  # the last batch


def test_entries_published_after_a_reader_started_do_not_shift_batches(reader, make_entry):
    for i in range(40):
        make_entry(published_at=timezone.now() - timedelta(minutes=10 + i))
    first = reader.get("/").context["batch"]
    make_entry(headline="Breaking", published_at=timezone.now())
    second = reader.get(f"/?before={first.next_cursor}").context["batch"]
    assert not {e.pk for e in first} & {e.pk for e in second}
    assert len(first) + len(second) == 40


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "1.2.3", "-5.1", "99999999999999999999999.1", "1700000000000000.0",
     "1700000000000000.-3", "%00", "x" * 500, "1e9.2", ""],
)  # fmt: skip
def test_forged_or_garbage_cursor_is_a_400_or_the_first_batch(reader, make_entry, cursor):
    make_entry()
    response = reader.get("/", {"before": cursor})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "That link didn’t work" in response.content.decode()
    fragment = reader.get("/feed/more/", {"before": cursor})
    assert fragment.status_code in (200, 400)


def test_a_well_formed_forged_cursor_just_seeks(reader, make_entry):
    old = make_entry(published_at=timezone.now() - timedelta(days=400))
    cursor = Cursor(timezone.now() - timedelta(days=399), 10**12)
    response = reader.get(f"/?before={cursor}")
    assert response.status_code == 200
    assert [e.pk for e in response.context["batch"]] == [old.pk]


def test_cursor_round_trips():
    cursor = Cursor(timezone.now(), 42)
    assert Cursor.parse(str(cursor)) == cursor


def test_deep_batch_uses_the_same_single_query(make_entry, django_assert_num_queries):
    for i in range(30):
        make_entry(published_at=timezone.now() - timedelta(minutes=i))
    cursor = seek(FeedEntry.objects.stream(), size=5).next_cursor
    with django_assert_num_queries(1) as captured:
        seek(FeedEntry.objects.stream(), cursor, size=5)
    sql = captured.captured_queries[0]["sql"]
    assert "OFFSET" not in sql.upper()


@pytest.mark.parametrize(
    "cursor",
    ["١٧٠٠٠٠٠٠٠٠٠٠٠٠٠٠٠.١", "1700000000000000.²", " 1700000000000000.1",
     "+1700000000000000.1", "1_700_000_000_000_000.1"],
)  # fmt: skip
def test_a_cursor_is_written_in_ascii_digits_only(reader, make_entry, cursor):
    make_entry()
    response = reader.get("/", {"before": cursor})
    assert response.status_code == 400
    assert "That link didn’t work" in response.content.decode()
