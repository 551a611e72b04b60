"""Article genres: news, analysis and opinion, for readers and search engines."""

import json
import re

import pytest
from django.urls import reverse

from articles.models import Article, Genre
from tests.staff import editor_form_data

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.parametrize(
    "genre, schema_type",
    [
        (Genre.NEWS, "NewsArticle"),
        (Genre.ANALYSIS, "AnalysisNewsArticle"),
        (Genre.OPINION, "OpinionNewsArticle"),
    ],
)
def test_the_structured_data_type_follows_the_genre(reader, make_article, genre, schema_type):
    story = make_article(genre=genre)
    (data,) = json_ld(reader.get(story.get_absolute_url()).content.decode())
    assert data["@type"] == schema_type
    assert {"headline", "datePublished", "author", "publisher"} <= set(data)


def test_a_new_article_is_news(make_article):
    assert make_article().genre == Genre.NEWS


def test_an_empty_genre_is_saved_as_news(make_article):
    story = make_article()
    story.genre = ""
    story.save()
    assert Article.objects.get(pk=story.pk).genre == Genre.NEWS


OPINION_BADGE = '<span class="label label--opinion">Opinion</span>'


def test_opinion_is_marked_on_the_page_and_in_listings(reader, make_article, make_section):
    section = make_section(in_news_feed=True)
    opinion = make_article(section=section, genre=Genre.OPINION, headline="Why we should talk")
    news = make_article(section=section, headline="Talks begin")

    def header(article):
        html = reader.get(article.get_absolute_url()).content.decode()
        return html.split('<header class="article__header">')[1].split("</header>")[0]

    assert OPINION_BADGE in header(opinion)
    assert OPINION_BADGE not in header(news)
    listing = reader.get(section.get_absolute_url()).content.decode()
    assert listing.count(OPINION_BADGE) == 1
    assert listing.index(OPINION_BADGE) < listing.index("Why we should talk")
    feed = reader.get("/").content.decode()
    entry = feed.split(f'data-entry="{opinion.feed_entry.pk}"')[1].split("</li>")[0]
    assert OPINION_BADGE in entry
    other = feed.split(f'data-entry="{news.feed_entry.pk}"')[1].split("</li>")[0]
    assert OPINION_BADGE not in other


def test_the_desk_sets_the_genre(client, editor, make_article):
    client.force_login(editor)
    story = make_article(publish=False)
    url = reverse("admin:articles_article_change", args=[story.pk])
    assert 'name="genre"' in client.get(url).content.decode()
    response = client.post(url, editor_form_data(story, genre="analysis"))
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    assert response.status_code == 302, errors
    assert Article.objects.get(pk=story.pk).genre == Genre.ANALYSIS
