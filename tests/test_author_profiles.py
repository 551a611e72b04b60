"""Every staff member who writes has an author profile, and a new article's byline starts
with its creator."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, Author
from desk import roles
from tests.staff import make_staff

pytestmark = pytest.mark.django_db


def test_joining_writer_makes_an_author_profile_named_after_the_account(django_user_model):
    user = make_staff(django_user_model, "wanda", "Writer")

    author = Author.objects.get(user=user)
    assert (author.name, author.slug) == ("Wanda", "wanda")


def test_joining_editor_through_the_group_side_makes_a_profile(django_user_model):
    user = django_user_model.objects.create_user("edith", first_name="Edith", last_name="Bold")
    Group.objects.get(name=roles.EDITOR).user_set.add(user)

    assert Author.objects.get(user=user).name == "Edith Bold"


def test_joining_admin_alone_makes_no_profile_and_a_second_group_makes_no_second(
    django_user_model,
):
    admin = make_staff(django_user_model, "ada", "Admin")
    assert not Author.objects.filter(user=admin).exists()

    writer = make_staff(django_user_model, "wanda", "Writer")
    writer.groups.add(Group.objects.get(name=roles.EDITOR))
    assert Author.objects.filter(user=writer).count() == 1


def test_an_existing_author_of_the_same_name_keeps_its_slug(django_user_model, make_author):
    make_author(name="Wanda", slug="wanda")
    user = make_staff(django_user_model, "wanda", "Writer")

    assert user.author.slug == "wanda-2"
    assert Author.objects.filter(name="Wanda").count() == 2


def test_the_admins_user_form_gives_a_new_writer_a_profile(admin_client, django_user_model):
    user = django_user_model.objects.create_user("newbie", password="pw-newbie-long")
    writer_group = Group.objects.get(name=roles.WRITER)
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "newbie",
            "first_name": "Nina",
            "last_name": "New",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [writer_group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Author.objects.get(user=user).name == "Nina New"


def test_a_writer_edits_their_own_profile_but_not_a_colleagues(writer_client, writer, other_writer):
    own, colleague = writer.author, other_writer.author
    page = writer_client.get(f"/admin/articles/author/{own.pk}/change/")
    assert page.status_code == 200 and 'name="bio"' in page.content.decode()

    response = writer_client.post(
        f"/admin/articles/author/{own.pk}/change/",
        {"name": "Wanda Writer", "slug": own.slug, "role": "Reporter", "bio": "Covers energy."},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.bio, own.user) == ("Wanda Writer", "Covers energy.", writer)

    forged = writer_client.post(
        f"/admin/articles/author/{colleague.pk}/change/",
        {"name": "Not Oscar", "slug": colleague.slug, "role": "", "bio": ""},
    )
    assert forged.status_code == 403
    colleague.refresh_from_db()
    assert colleague.name == "Oscar"


def test_a_new_articles_byline_starts_with_its_creator(writer_client, writer):
    page = writer_client.get("/admin/articles/article/add/")

    form = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.initial["author"] == writer.author.pk


def test_someone_who_does_not_write_starts_with_an_empty_byline(admin_client):
    page = admin_client.get("/admin/articles/article/add/")

    form = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert "author" not in form.initial


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_writer_files_a_story_under_her_own_byline_in_the_browser(
    live_server, page, django_user_model, make_section
):
    make_section(name="Ukraine", slug="ukraine")
    writer = django_user_model.objects.create_user(
        "nina", password="pw-nina-long", is_staff=True, first_name="Nina", last_name="New"
    )
    writer.groups.add(Group.objects.get(name=roles.WRITER))

    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "nina")
    page.fill("#id_password", "pw-nina-long")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")

    page.goto(live_server.url + "/admin/articles/article/add/")
    chosen = page.eval_on_selector("#id_credits-0-author", "box => box.selectedOptions[0].text")
    assert chosen == "Nina New"
    page.locator("#id_section + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Ukraine")
    page.locator(".select2-results__option", has_text="Ukraine").first.click()
    page.fill("#id_headline", "Trains run again to Kherson")
    page.fill("#id_standfirst", "The line reopened on Monday.")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get(headline="Trains run again to Kherson")
    assert [author.name for author in article.byline] == ["Nina New"]
    assert article.byline[0].user == writer

    # ... and she completes her own profile.
    page.goto(f"{live_server.url}/admin/articles/author/{writer.author.pk}/change/")
    page.fill("#id_bio", "Covers transport in the south.")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    writer.author.refresh_from_db()
    assert writer.author.bio == "Covers transport in the south."
