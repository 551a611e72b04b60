"""Small factories for live blogs and their updates, valid by default."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from liveblogs.models import LiveBlog, LiveUpdate

_sequence = itertools.count(1)


@pytest.fixture
def make_live_blog(db, make_article):
    def make(article=None, **overrides):
        article = article or make_article(headline="Storm hits the coast: live")
        values = {"coverage_start": timezone.now() - timedelta(hours=2)}
        values.update(overrides)
        return LiveBlog.objects.create(article=article, **values)

    return make


@pytest.fixture
def make_update(db):
    def make(blog, **overrides):
        number = next(_sequence)
        values = {
            "body": f"<p>Update number {number} from the coast.</p>",
            "published_at": timezone.now() - timedelta(minutes=number),
        }
        values.update(overrides)
        return LiveUpdate.objects.create(live_blog=blog, **values)

    return make
