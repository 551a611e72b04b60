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


def revoke_url(article):
    from django.urls import reverse

    return reverse("admin:articles_article_revoke_previews", args=[article.pk])


def test_an_editor_revokes_every_preview_link_of_an_article_at_once(
    desk_client, desk_editor, make_article, reader
):
    from django.test import Client

    from articles.models import AuditEntry

    article = make_article(publish=False, headline="Leaked draft")
    other = make_article(publish=False)
    old_links = [previews.preview_url(article), previews.preview_url(article)]
    other_link = previews.preview_url(other)
    response = desk_client.post(revoke_url(article))
    assert response.status_code == 302
    anonymous = Client()
    for url in old_links:
        assert anonymous.get(url).status_code == 404
    assert anonymous.get(other_link).status_code == 200  # other articles keep theirs
    article.refresh_from_db()
    assert anonymous.get(previews.preview_url(article)).status_code == 200  # a new link works
    entry = AuditEntry.objects.get(action="revoke previews")
    assert entry.actor == desk_editor and entry.article == article


def test_revoking_preview_links_needs_a_post_and_the_right_to_edit(
    writer_client, other_writer, make_article
):
    from django.urls import reverse

    article = make_article(publish=False, created_by=other_writer)
    url = previews.preview_url(article)
    assert writer_client.get(revoke_url(article)).status_code == 403
    assert writer_client.post(revoke_url(article)).status_code == 403
    article.refresh_from_db()
    assert article.preview_version == 0
    # The link handed out before is still good (comparing URLs would compare clocks).
    assert previews.article_id_from(url.strip("/").split("/")[-1]) == article.pk
    page = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200 and revoke_url(article) not in page.content.decode()


def test_admin_change_page_says_who_can_read_the_draft_and_offers_to_revoke(
    editor_client, make_article
):
    from django.urls import reverse

    article = make_article(publish=False)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    text = html.content.decode()
    assert "Anyone who has this link" in text and "without logging in" in text
    assert revoke_url(article) in text and "Revoke preview links" in text


def test_an_embargoed_story_shows_when_readers_may_see_it_never_the_earlier_time(
    make_article, reader
):
    published = timezone.now() - timedelta(hours=1)
    embargo = timezone.now() + timedelta(hours=2)
    article = make_article(headline="Budget details", published_at=published)
    article.embargoed_until = embargo
    article.save()
    page = reader.get(previews.preview_url(article)).content.decode()
    assert f'datetime="{timezone.localtime(embargo):%Y-%m-%dT%H:%M:%S}' in page
    assert f'datetime="{timezone.localtime(published):%Y-%m-%dT%H:%M:%S}' not in page
