"""The public pages on Jinja2: its filters and globals write what Django's template language
wrote, printed text is escaped as before, trusted HTML is kept, and the pages that stay on
Django's templates (admin, sitemaps, robots.txt) still resolve there."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.template import Context, RequestContext, Template, engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from markupsafe import Markup

from lib.middleware import database_unavailable_response

pytestmark = pytest.mark.django_db

MOMENTS = [
    datetime(2026, 11, 25, 14, 5, 9, tzinfo=UTC),  # "Nov 25, 2026, 16:05" in Kyiv
    datetime(2026, 1, 15, 22, 30, 5, 123456, tzinfo=UTC),  # the next day in Kyiv
    datetime(2026, 12, 31, 22, 0, tzinfo=UTC),  # the next year in Kyiv
    datetime(2026, 7, 1, 8, 0, tzinfo=UTC),  # summer time
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),  # a second before the clocks go forward
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # the moment they do
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 03:30 summer time, before they go back
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # 03:30 again, winter time
    datetime(2026, 2, 3, 4, 5, 6),  # naive
]
FORMATS = ["M j, Y, H:i", "M j, Y", "M j, H:i", "Y-m-d\\TH:i:sO", "D, d N Y"]


def jinja(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def dtl(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
@pytest.mark.parametrize("format", FORMATS)
def test_date_filter_writes_what_django_writes(moment, format, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    assert jinja("{{ moment|date(format) }}", moment=moment, format=format) == dtl(
        "{{ moment|date:format }}", moment=moment, format=format
    )


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_machine_time_writes_what_django_writes(moment, settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    assert jinja("{{ moment|machine_time }}", moment=moment) == dtl(
        "{{ moment|date:'Y-m-d\\TH:i:sO' }}", moment=moment
    )


def test_page_dates_are_local_and_written_as_before(settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    moment = datetime(2026, 11, 25, 14, 5, tzinfo=UTC)
    assert jinja("{{ m|date('M j, Y, H:i') }}", m=moment) == "Nov 25, 2026, 16:05"
    assert jinja("{{ m|date('M j, H:i') }}", m=moment) == "Nov 25, 16:05"
    assert jinja("{{ m|machine_time }}", m=moment) == "2026-11-25T16:05:00+0200"
    with timezone.override("America/New_York"):
        assert jinja("{{ m|date('M j, Y, H:i') }}", m=moment) == "Nov 25, 2026, 09:05"


def test_month_names_follow_the_active_language():
    moment = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    for language in ("en-gb", "uk", "de"):
        with translation.override(language):
            assert jinja("{{ m|date('M j, Y') }}", m=moment) == dtl(
                "{{ m|date:'M j, Y' }}", m=moment
            )


@pytest.mark.parametrize("value", [None, "", 0])
def test_dates_of_nothing_are_empty(value):
    assert jinja("[{{ value|date('M j, Y') }}|{{ value|machine_time }}]", value=value) == "[|]"
    assert jinja("[{{ missing|date('M j, Y') }}]") == "[]"


@pytest.mark.parametrize(
    "text",
    ["", "One two three", "word " * 45, "Tags <b>and</b> & entities " * 12, " spaced   out "],
)
def test_truncatewords_writes_what_django_writes(text):
    assert jinja("{{ text|truncatewords(40) }}", text=text) == dtl(
        "{{ text|truncatewords:40 }}", text=text
    )


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_pluralize_writes_what_django_writes(count):
    items = list(range(count))
    assert jinja("{{ items|length|pluralize('Correction,Corrections') }}", items=items) == dtl(
        '{{ items|length|pluralize:"Correction,Corrections" }}', items=items
    )


def test_now_writes_the_local_year(settings):
    assert jinja('{{ now("Y") }}') == dtl('{% now "Y" %}')


def test_querystring_writes_what_django_writes():
    request = RequestFactory().get(
        "/search/", {"q": "troops & tanks", "page": "2", "x": ["1", "2"]}
    )
    written = engines["jinja2"].from_string("{{ querystring(page=3) }}|{{ querystring(x=None) }}")
    expected = Template("{% querystring page=3 %}|{% querystring x=None %}")
    assert written.render({}, request) == expected.render(RequestContext(request))


def test_url_reverses_like_django():
    assert jinja("{{ url('feed:index') }}") == reverse("feed:index") == "/"
    assert jinja("{{ url('articles:tag', 'kursk-oblast') }}") == "/tags/kursk-oblast/"
    assert jinja("{{ url('articles:tag', slug='kyiv') }}") == "/tags/kyiv/"
    set_script_prefix("/news/")  # a site served below a path is answered afresh
    try:
        assert jinja("{{ url('feed:index') }}") == "/news/"
    finally:
        set_script_prefix("/")
    assert jinja("{{ url('feed:index') }}") == "/"


def test_printed_values_are_escaped_as_django_escapes_them():
    hostile = "<script>alert('x')</script> & \"quoted\""
    assert jinja("{{ value }}", value=hostile) == dtl("{{ value }}", value=hostile)
    assert jinja("{{ value }}", value=hostile) == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;"
    )
    assert jinja("{{ value }}", value=mark_safe("<b>kept</b>")) == "<b>kept</b>"
    assert jinja("{{ value }}", value=Markup("<i>kept</i>")) == "<i>kept</i>"
    assert jinja("{{ value|safe }}", value="<p>kept</p>") == "<p>kept</p>"
    assert jinja("{{ value }}", value=5) == "5"


def test_the_engines_split_public_pages_from_the_rest():
    assert isinstance(get_template("feed/index.html").backend, Jinja2)
    assert isinstance(get_template("503.html").backend, Jinja2)
    assert isinstance(get_template("admin/base.html").backend, DjangoTemplates)
    assert isinstance(
        get_template("admin/articles/article/revisions.html").backend, DjangoTemplates
    )
    assert isinstance(get_template("sitemaps/sitemap.xml").backend, DjangoTemplates)
    assert isinstance(get_template("robots.txt").backend, DjangoTemplates)


def test_error_pages_render_without_a_request(settings):
    response = database_unavailable_response()
    assert response.status_code == 503
    assert f"try again in {settings.NEWSROOM_RETRY_AFTER} seconds" in response.content.decode()
    assert "Something went wrong on our side" in render_to_string("500.html")


def test_headline_and_summary_are_escaped_on_the_feed(reader, make_entry):
    make_entry(headline="<script>alert(1)</script>", summary='<img src=x onerror="y">')
    html = reader.get("/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;y&quot;&gt;" in html


def test_article_body_html_is_kept_and_headline_escaped(reader, make_article):
    article = make_article(
        headline="<script>alert(1)</script> & co",
        standfirst="<b>not bold</b>",
        body="<p>Kept <strong>bold</strong> and <a href='https://example.com/'>a link</a>.</p>",
    )
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>" in html
    assert '<p class="standfirst">&lt;b&gt;not bold&lt;/b&gt;</p>' in html
    assert "<strong>bold</strong>" in html and 'href="https://example.com/"' in html
    assert "<script>alert(1)" not in html


def json_ld_items(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    items = [json.loads(block) for block in blocks]
    return [item for block in items for item in (block if isinstance(block, list) else [block])]


def test_json_ld_survives_a_closing_script_tag_in_a_headline(reader, make_article, make_entry):
    hostile = "</script><script>alert(1)</script> & more"
    article = make_article(headline=hostile)
    make_entry(headline=hostile)

    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    (news,) = [item for item in json_ld_items(html) if item["@type"] == "NewsArticle"]
    assert news["headline"] == hostile

    html = reader.get("/").content.decode()
    assert "<script>alert(1)" not in html
    (listing,) = [item for item in json_ld_items(html) if item["@type"] == "ItemList"]
    assert hostile in [element["name"] for element in listing["itemListElement"]]


def test_the_test_client_sees_jinja2_templates_and_context(reader, make_article):
    article = make_article()
    response = reader.get(article.get_absolute_url())
    names = [template.name for template in response.templates]
    assert names[0] == "articles/detail.html"
    assert {"base.html", "feed/_entry.html", "articles/_byline.html"} <= set(names)
    assert response.context["article"] == article
    assert response.context["site_name"]
    assert response.context["request"].path == article.get_absolute_url()


def test_show_more_fragment_and_its_target(reader, make_entry, settings):
    settings.NEWSROOM_FEED_BATCH = 2
    for _ in range(5):
        make_entry()
    page = reader.get("/").content.decode()
    assert 'data-target="feed-entries"' in page
    cursor = reader.get("/").context["batch"].next_cursor
    fragment = reader.get(f"/feed/more/?before={cursor}")
    html = fragment.content.decode()
    assert html.startswith('<ol class="entries">') and "<html" not in html
    assert 'data-target="feed-entries"' in html
    assert len(fragment.context["batch"]) == 2
