"""Newsroom staff with real roles (group membership, not superuser), for desk tests."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone


def make_staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.com", f"pw-{username}", is_staff=True,
        first_name=username.capitalize(),
    )  # fmt: skip
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def writer(django_user_model):
    return make_staff(django_user_model, "wanda", "Writer")


@pytest.fixture
def other_writer(django_user_model):
    return make_staff(django_user_model, "oscar", "Writer")


@pytest.fixture
def desk_editor(django_user_model):
    return make_staff(django_user_model, "edith", "Editor")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def desk_client(client, desk_editor):
    client.force_login(desk_editor)
    return client


def article_form_data(article=None, **overrides):
    """What the article change form posts, for a writer (no publishing fields)."""
    data = {
        "section": article.section_id if article else "",
        "headline": article.headline if article else "",
        "slug": article.slug if article else "",
        "standfirst": article.standfirst if article else "",
        "body": article.body if article else "",
        "loaded_version": article.modified_at.isoformat() if article else "",
        "tags": [],
        "new_tags": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "lead-TOTAL_FORMS": "0",
        "lead-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    if article is not None:
        credits = list(article.credits.all())
        data["credits-TOTAL_FORMS"] = data["credits-INITIAL_FORMS"] = str(len(credits))
        for index, credit in enumerate(credits):
            data[f"credits-{index}-id"] = credit.pk
            data[f"credits-{index}-article"] = article.pk
            data[f"credits-{index}-author"] = credit.author_id
            data[f"credits-{index}-position"] = credit.position
        lead = article.lead_photo
        if lead:
            data["lead-TOTAL_FORMS"] = data["lead-INITIAL_FORMS"] = "1"
            data["lead-0-article"] = article.pk
            data["lead-0-photo"] = lead.photo_id
            data["lead-0-text"] = lead.text
    data.update(overrides)
    return data


def _local(article, fmt):
    if article is None or article.published_at is None:
        return ""
    return timezone.localtime(article.published_at).strftime(fmt)


def editor_form_data(article=None, **overrides):
    data = article_form_data(article)
    data.update({
        "published_at_0": _local(article, "%Y-%m-%d"),
        "published_at_1": _local(article, "%H:%M:%S"),
        "embargoed_until_0": "",
        "embargoed_until_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
    })  # fmt: skip
    data.update(overrides)
    return data
