from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import previews

pytestmark = pytest.mark.django_db


def test_signed_preview_shows_a_draft_with_the_public_template(make_article, reader):
    article = make_article(publish=False, headline="Secret draft", photo=True)
    assert reader.get(article.get_absolute_url()).status_code == 404
    response = reader.get(previews.preview_url(article))
    assert response.status_code == 200
    assert "Secret draft" in response.content.decode()
    assert "articles/detail.html" in [template.name for template in response.templates]


def test_preview_is_noindex_and_never_cached(make_article, reader):
    response = reader.get(previews.preview_url(make_article(publish=False)))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_preview_stops_working_when_it_expires(make_article, reader, settings):
    settings.NEWSROOM_PREVIEW_MAX_AGE = 3600
    article = make_article(publish=False)
    url = previews.preview_url(article)
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert reader.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert reader.get(url).status_code == 404


def test_forged_or_altered_preview_tokens_are_refused(make_article, reader):
    article = make_article(publish=False)
    other = make_article(publish=False)
    token = previews.token_for(article)
    forged = token.replace(f"{article.pk}:", f"{other.pk}:", 1)
    assert reader.get(f"/preview/{forged}/").status_code == 404
    assert reader.get("/preview/nonsense/").status_code == 404


def test_admin_change_page_offers_the_preview_link(editor_client, make_article):
    from django.urls import reverse

    article = make_article(publish=False)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "/preview/" in html.content.decode()


def test_preview_is_never_served_from_the_page_cache(make_article, reader, page_cache):
    article = make_article(publish=False, headline="First draft headline")
    url = previews.preview_url(article)
    assert "First draft headline" in reader.get(url).content.decode()
    article.headline = "Second draft headline"
    article.save()
    response = reader.get(url)
    assert "Second draft headline" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_preview_page_carries_no_structured_data(make_article, reader):
    article = make_article(publish=False, headline="Unannounced")
    html = reader.get(previews.preview_url(article)).content.decode()
    assert "application/ld+json" not in html
