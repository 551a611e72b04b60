from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEntry, Caption, Status
from desk import workflow
from feed.models import FeedEntry
from labels.models import Label
from tests.staff import article_form_data, editor_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def press(client, article, step, **extra):
    return client.post(change_url(article), editor_form_data(article, _workflow=step, **extra))


def messages_of(client, response):
    return [str(message) for message in response.wsgi_request._messages]


def test_writer_submits_a_draft_for_review_and_it_is_audited(writer_client, writer, make_article):
    article = make_article(publish=False, created_by=writer)
    response = writer_client.post(
        change_url(article), article_form_data(article, _workflow="submit")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert AuditEntry.objects.get(action="submit").actor == writer


def test_editor_publishes_now_and_the_article_is_public_everywhere(
    desk_client, desk_editor, make_article, reader
):
    article = make_article(publish=False, photo=True, status=Status.REVIEW)
    response = press(desk_client, article, "publish")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_public
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert FeedEntry.objects.published().filter(article=article).exists()
    entry = AuditEntry.objects.get(action="publish", article=article)
    assert entry.actor == desk_editor


def test_publishing_is_refused_with_one_message_listing_everything_missing(
    desk_client, make_article, make_photo
):
    article = make_article(publish=False, standfirst="", authors=[])
    Caption.objects.create(article=article, photo=make_photo(credit="", alt_text=""))
    response = press(desk_client, article, "publish")
    assert response.status_code == 302 and response["Location"] == change_url(article)
    errors = [m for m in messages_of(desk_client, response) if m.startswith("Not published")]
    assert errors == [
        "Not published: add a standfirst, an author, the lead photo's credit and the lead "
        "photo's alt text."
    ]
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not AuditEntry.objects.filter(action="publish").exists()


def test_publishing_without_a_lead_photo_names_it(make_article, desk_editor):
    article = make_article(publish=False)
    with pytest.raises(workflow.PublishRefused) as refusal:
        workflow.publish_now(article, desk_editor)
    assert refusal.value.missing == ["a lead photo with its credit and alt text"]


def test_scheduled_article_becomes_public_at_its_time_with_no_job(
    desk_client, make_article, reader
):
    article = make_article(publish=False, photo=True)
    at = timezone.now() + timedelta(hours=2)
    local = timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
    assert press(desk_client, article, "schedule", _schedule_at=local).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(action="schedule", article=article).exists()
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert reader.get(article.get_absolute_url()).status_code == 200


def test_schedule_in_the_past_is_refused(make_article, desk_editor):
    article = make_article(publish=False, photo=True)
    with pytest.raises(ValueError):
        workflow.schedule(article, desk_editor, timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_unpublish_takes_the_article_off_the_site(desk_client, make_article, reader):
    article = make_article(photo=True)
    assert press(desk_client, article, "unpublish").status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert not FeedEntry.objects.published().filter(article=article).exists()
    assert AuditEntry.objects.filter(action="unpublish", article=article).exists()


def test_killed_article_answers_410_with_the_note_and_leaves_every_list(
    desk_client, make_article, reader
):
    article = make_article(photo=True, headline="Withdrawn story")
    response = press(desk_client, article, "kill", _kill_note="Legal reasons <b>now</b>")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.KILLED
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 410
    html = page.content.decode()
    assert "Legal reasons &lt;b&gt;now&lt;/b&gt;" in html
    assert "Withdrawn story" not in html
    assert "Withdrawn story" not in reader.get("/").content.decode()
    assert "Withdrawn story" not in reader.get(article.section.get_absolute_url()).content.decode()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert AuditEntry.objects.get(action="kill").message == "Legal reasons <b>now</b>"


def test_kill_needs_a_note(make_article, desk_editor):
    article = make_article(photo=True)
    with pytest.raises(ValueError):
        workflow.kill(article, desk_editor, "  ")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_embargoed_article_is_not_public_before_its_time_whatever_its_status(make_article, reader):
    until = timezone.now() + timedelta(hours=1)
    article = make_article(embargoed_until=until)
    assert article.status == Status.PUBLISHED
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert not FeedEntry.objects.published().filter(article=article).exists()
    with time_machine.travel(until + timedelta(seconds=1), tick=False):
        assert reader.get(article.get_absolute_url()).status_code == 200


def test_editor_sets_an_embargo_in_the_admin(desk_client, make_article, reader):
    article = make_article(photo=True)
    until = timezone.localtime(timezone.now() + timedelta(days=1))
    data = editor_form_data(
        article,
        embargoed_until_0=until.strftime("%Y-%m-%d"),
        embargoed_until_1=until.strftime("%H:%M:%S"),
    )
    assert desk_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.embargoed_until is not None
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_substantive_update_is_an_explicit_choice(desk_client, make_article):
    article = make_article(photo=True)
    data = editor_form_data(article, body="<p>Typo fixed</p>")
    assert desk_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.updated_at is None and not article.show_updated

    data = editor_form_data(article, body="<p>New facts</p>", substantive_update="on")
    assert desk_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.show_updated


def test_changing_a_published_slug_redirects_the_old_url_with_301(make_article, reader):
    article = make_article(slug="old-slug")
    article.slug = "new-slug"
    article.save()
    response = reader.get("/articles/old-slug/")
    assert response.status_code == 301
    assert response["Location"].endswith("/articles/new-slug/")
    article.slug = "newest-slug"
    article.save()
    assert reader.get("/articles/old-slug/")["Location"].endswith("/articles/newest-slug/")
    assert reader.get("/articles/new-slug/")["Location"].endswith("/articles/newest-slug/")


def test_renaming_a_draft_leaves_no_redirect(make_article, reader):
    article = make_article(publish=False, slug="draft-slug")
    article.slug = "draft-renamed"
    article.save()
    assert reader.get("/articles/draft-slug/").status_code == 404


def test_breaking_news_form_posts_a_pinned_entry_in_one_screen(desk_client, reader):
    url = reverse("admin:feed_feedentry_breaking")
    assert desk_client.get(url).status_code == 200
    response = desk_client.post(
        url, {"headline": "Explosions heard in the capital", "summary": "Details soon.",
              "pinned": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = FeedEntry.objects.get(headline="Explosions heard in the capital")
    assert entry.pinned and entry.label.name == "Breaking"
    assert entry.label.style == Label.Style.BREAKING
    assert FeedEntry.objects.published().filter(pk=entry.pk).exists()
    assert "Explosions heard in the capital" in reader.get("/").content.decode()


def test_breaking_news_form_needs_a_headline_and_is_closed_to_writers(client, desk_editor, writer):
    url = reverse("admin:feed_feedentry_breaking")
    client.force_login(desk_editor)
    response = client.post(url, {"headline": "", "summary": "x"})
    assert response.status_code == 200 and not FeedEntry.objects.exists()
    client.force_login(writer)
    assert client.get(url).status_code == 403


def test_scheduled_article_reaches_the_front_page_and_feeds_at_its_time_with_no_job(
    desk_editor, make_article, reader
):
    article = make_article(publish=False, photo=True, headline="Scheduled story")
    at = timezone.now() + timedelta(hours=2)
    workflow.schedule(article, desk_editor, at)
    surfaces = ["/", "/feed/rss/", article.section.get_absolute_url()]
    for url in surfaces:
        assert "Scheduled story" not in reader.get(url).content.decode(), url
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        for url in surfaces:
            assert "Scheduled story" in reader.get(url).content.decode(), url


def test_scheduling_an_incomplete_article_is_refused_like_publishing(make_article, desk_editor):
    article = make_article(publish=False, standfirst="")
    with pytest.raises(workflow.PublishRefused) as refusal:
        workflow.schedule(article, desk_editor, timezone.now() + timedelta(hours=1))
    assert refusal.value.missing == ["a standfirst", "a lead photo with its credit and alt text"]
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.published_at is None


def test_a_missing_headline_is_named_among_what_publishing_needs(make_article):
    article = make_article(publish=False, photo=True)
    article.headline = "  "
    assert article.missing_for_publication() == ["a headline"]


def test_publish_list_action_refuses_incomplete_articles_with_what_is_missing(
    desk_client, make_article
):
    ready = make_article(publish=False, photo=True)
    incomplete = make_article(publish=False, standfirst="", photo=True)
    response = desk_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, incomplete.pk]},
        follow=True,
    )
    assert "add a standfirst" in response.content.decode()
    ready.refresh_from_db()
    incomplete.refresh_from_db()
    assert ready.is_public and incomplete.status == Status.DRAFT


def test_killed_article_leaves_feeds_sitemaps_search_and_every_listing(
    make_article, make_author, desk_editor, reader
):
    author = make_author()
    article = make_article(photo=True, headline="Zanzibar withdrawn", tags=["zanzibar"],
                           authors=[author])  # fmt: skip
    workflow.add_correction(article, desk_editor, "An earlier version misspelled a name.")
    tag_url = reverse("articles:tag", args=["zanzibar"])
    surfaces = ["/", "/feed/rss/", "/feed/atom/", "/sitemap-articles.xml", "/news-sitemap.xml",
                "/search/?q=Zanzibar", author.get_absolute_url(),
                article.section.get_absolute_url(), tag_url, "/corrections/"]  # fmt: skip
    address = article.get_absolute_url()
    for url in surfaces:
        assert address in reader.get(url).content.decode(), url
    workflow.kill(article, desk_editor, "Legal reasons.")
    for url in surfaces:
        response = reader.get(url)
        assert address not in response.content.decode(), url
        assert response.status_code == (404 if url == tag_url else 200), url


def test_writer_posting_the_breaking_news_form_creates_nothing(writer_client):
    url = reverse("admin:feed_feedentry_breaking")
    assert writer_client.post(url, {"headline": "Forged", "pinned": "on"}).status_code == 403
    assert not FeedEntry.objects.exists() and not AuditEntry.objects.exists()


def test_breaking_news_is_audited_with_who_posted_it(desk_client, desk_editor):
    url = reverse("admin:feed_feedentry_breaking")
    desk_client.post(url, {"headline": "Quake hits the coast", "summary": ""})
    entry = AuditEntry.objects.get(object_repr="Quake hits the coast")
    assert entry.actor == desk_editor and entry.action == "publish"


@pytest.mark.parametrize(
    ("removal", "message"),
    [
        ({"credits-0-DELETE": "on"}, "needs at least one author"),
        ({"lead-0-DELETE": "on"}, "needs its lead photo"),
    ],
    ids=["last-author", "lead-photo"],
)
def test_saving_a_published_article_cannot_remove_what_publishing_required(
    desk_client, make_article, reader, removal, message
):
    article = make_article(photo=True)
    response = desk_client.post(change_url(article), editor_form_data(article, **removal))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert article.credits.count() == 1
    assert Caption.objects.filter(article=article).exists()
    assert reader.get(article.get_absolute_url()).status_code == 200


def test_unpublishing_and_removing_the_lead_photo_in_one_save_is_allowed(desk_client, make_article):
    article = make_article(photo=True)
    data = editor_form_data(article, _workflow="unpublish", **{"lead-0-DELETE": "on"})
    response = desk_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "draft"
    assert not Caption.objects.filter(article=article).exists()
