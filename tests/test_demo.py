import pytest
from django.core.management import call_command

from articles.models import Article
from feed.models import FeedEntry
from ingest.demo import SEED_CREDIT, SEED_HEADLINE, load_demo
from photos.models import Photo

pytestmark = pytest.mark.django_db


def counts():
    return (Article.objects.count(), FeedEntry.objects.count(), Photo.objects.count())


def test_demo_loader_is_idempotent(capsys):
    call_command("load_demo")
    first = counts()
    assert "Created" in capsys.readouterr().out
    call_command("load_demo")
    assert counts() == first
    assert "nothing to do" in capsys.readouterr().out
    assert load_demo().total == 0


def test_demo_has_the_seed_article_and_enough_entries_for_show_more(reader):
    load_demo()
    article = Article.objects.published().get(headline=SEED_HEADLINE)
    assert article.reading_time == 2
    assert article.lead_photo.credit == SEED_CREDIT
    assert FeedEntry.objects.published().count() >= 64
    labels = set(FeedEntry.objects.values_list("label__name", flat=True))
    assert {"Company news", "Video"} <= labels

    html = reader.get(article.get_absolute_url()).content.decode()
    assert "2 min read" in html
    assert f"({SEED_CREDIT})" in html
    feed = reader.get("/").content.decode()
    assert "Show More" in feed and "Company news" in feed
