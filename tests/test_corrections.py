import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles import text
from articles.models import AuditEntry, Correction
from desk import workflow
from desk.editor import BODY_EDITOR_CONFIG
from tests.staff import editor_form_data

pytestmark = pytest.mark.django_db


def test_editor_adds_a_correction_shown_at_the_end_of_the_article(
    desk_client, desk_editor, make_article, reader
):
    article = make_article(photo=True, body="<p>Body text here.</p>")
    data = editor_form_data(
        article,
        **{"corrections-TOTAL_FORMS": "1", "corrections-0-text": "We misspelled <the> name.",
           "corrections-0-published_at_0": "", "corrections-0-published_at_1": ""},
    )  # fmt: skip
    data["corrections-0-published_at_0"] = "2026-01-05"
    data["corrections-0-published_at_1"] = "10:00:00"
    response = desk_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.created_by == desk_editor
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "We misspelled &lt;the&gt; name." in html
    assert html.index("Body text here.") < html.index("We misspelled")
    assert AuditEntry.objects.filter(action="correction", article=article).exists()


def test_a_correction_marks_a_substantive_update(make_article, desk_editor):
    article = make_article(photo=True)
    assert not article.show_updated
    workflow.add_correction(article, desk_editor, "Corrected the date.")
    article.refresh_from_db()
    assert article.show_updated


def test_corrections_page_lists_corrections_of_public_articles_only(
    make_article, desk_editor, reader
):
    public = make_article(headline="Public story")
    draft = make_article(publish=False, headline="Draft story")
    workflow.add_correction(public, desk_editor, "Fixed the spelling of Kharkiv.")
    draft.add_correction("Hidden correction.")
    html = reader.get("/corrections/").content.decode()
    assert "Fixed the spelling of Kharkiv." in html and "Public story" in html
    assert "Hidden correction." not in html and "Draft story" not in html


def test_writers_cannot_add_corrections(make_article, writer):
    article = make_article()
    with pytest.raises(PermissionDenied):
        workflow.add_correction(article, writer, "Nope")
    assert not Correction.objects.exists()


def test_article_without_updates_costs_no_query_for_corrections(
    make_article, django_assert_num_queries
):
    article = make_article()
    with django_assert_num_queries(0):
        assert article.public_corrections == []


# Rich text: the editor offers exactly what the sanitiser keeps.


def test_body_editor_toolbar_matches_what_the_server_keeps():
    """The editor's stock extensions write nothing the sanitiser drops; the newsroom's own
    blocks are checked block by block in tests/test_rich_bodies.py."""
    from django_prose_editor.config import EXTENSION_MAPPING, allowlist_from_extensions

    extensions = BODY_EDITOR_CONFIG["extensions"]
    stock = {name: value for name, value in extensions.items() if name in EXTENSION_MAPPING}
    assert {"Bold", "Link", "Table", "Blockquote"} <= set(stock)
    allowed = allowlist_from_extensions(stock)
    assert set(allowed["tags"]) <= text.ALLOWED_TAGS
    assert set(allowed["url_schemes"]) == text.ALLOWED_URL_SCHEMES


@pytest.mark.parametrize(
    "dirty",
    [
        '<p><a href="javascript:alert(1)">x</a></p>',
        '<p><a href="data:text/html;base64,PHNjcmlwdD4=">x</a></p>',
        '<p><img src=x onerror="alert(1)"><script>alert(1)</script></p>',
        '<p onclick="alert(1)"><a href="JaVaScRiPt:alert(1)">x</a></p>',
    ],
)
def test_posted_body_html_is_cleaned_of_scripts_and_dangerous_urls(
    desk_client, make_article, dirty
):
    article = make_article(publish=False)
    data = editor_form_data(article, body=dirty)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert desk_client.post(url, data).status_code == 302
    article.refresh_from_db()
    lowered = article.body.lower()
    for bad in ("javascript:", "data:", "<script", "onerror", "onclick", "<img"):
        assert bad not in lowered


def test_admin_body_field_uses_the_prose_editor(editor_client, make_article):
    article = make_article(publish=False)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    page = html.content.decode()
    assert "data-django-prose-editor-newsroom" in page and "desk/editor.js" in page


def test_plain_text_fields_are_escaped_on_the_page(make_article, make_photo, reader):
    photo = make_photo(alt_text='"><script>alt()</script>', credit="<b>Credit</b>")
    article = make_article(headline="<script>head()</script>", photo=photo,
                           caption="<i>cap</i>")  # fmt: skip
    html = reader.get(article.get_absolute_url()).content.decode()
    for raw in ("<script>head()</script>", "<script>alt()</script>", "<b>Credit</b>",
                "<i>cap</i>"):  # fmt: skip
        assert raw not in html
    assert "&lt;script&gt;head()&lt;/script&gt;" in html


def test_correction_added_in_the_admin_shows_readers_an_updated_time(
    desk_client, make_article, reader
):
    article = make_article(photo=True)
    data = editor_form_data(
        article,
        **{"corrections-TOTAL_FORMS": "1", "corrections-0-text": "Fixed a date.",
           "corrections-0-published_at_0": "2020-01-05",
           "corrections-0-published_at_1": "10:00:00"},
    )  # fmt: skip
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert desk_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.show_updated  # even when the note is dated before publication
    assert "article__updated" in reader.get(article.get_absolute_url()).content.decode()


def test_plain_text_fields_are_escaped_inside_json_ld_and_attributes(
    make_article, make_author, make_photo, reader
):
    import json
    import re

    hostile = '</script><script>alert("x")</script>&'
    photo = make_photo(alt_text=hostile, credit=hostile)
    article = make_article(headline=hostile, standfirst=hostile, photo=photo, caption=hostile,
                           authors=[make_author(name=hostile)])  # fmt: skip
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(" not in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = [json.loads(block) for block in blocks]
    news = next(item for item in data if item.get("@type") == "NewsArticle")
    assert news["headline"] == hostile and news["description"] == hostile
    assert news["author"][0]["name"] == hostile
    assert (news["image"][0]["caption"], news["image"][0]["creditText"]) == (hostile, hostile)
    escaped = "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"
    assert f'content="{escaped}' in html  # og:title and description attributes
    assert f'alt="{escaped}"' in html
    section_html = reader.get(article.section.get_absolute_url()).content.decode()
    assert "<script>alert(" not in section_html and f'alt="{escaped}"' in section_html
