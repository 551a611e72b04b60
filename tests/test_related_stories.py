"""Related stories are chosen when a story is published or retagged, and read through
`published()` by its page: a withdrawn story drops out at once, a corrected headline shows."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles import blocks
from articles.models import RelatedStories


def related_headlines(article):
    return [story.headline for story in blocks.related_stories(article.pk)]


@pytest.fixture
def earlier(make_article):
    """Three stories tagged like the one published after them."""
    return [make_article(headline=f"Earlier story {n}", tags=["floods"]) for n in (1, 2, 3)]


def test_publishing_a_story_chooses_its_related_stories(earlier, make_article):
    story = make_article(headline="Rivers peak", tags=["floods"])
    kept = RelatedStories.objects.get(article=story)
    assert set(kept.story_ids) == {article.pk for article in earlier}
    assert set(related_headlines(story)) == {
        "Earlier story 1",
        "Earlier story 2",
        "Earlier story 3",
    }


def test_a_withdrawn_story_drops_out_and_a_corrected_headline_shows(earlier, make_article):
    story = make_article(headline="Rivers peak", tags=["floods"])
    earlier[0].unpublish()
    earlier[1].headline = "Earlier story, corrected"
    earlier[1].save()
    assert sorted(related_headlines(story)) == ["Earlier story 3", "Earlier story, corrected"]


def test_new_tags_choose_again(earlier, make_article):
    story = make_article(headline="Harvest begins", tags=["farming"])
    assert related_headlines(story) == []
    story.tags.add("floods")
    assert len(related_headlines(story)) == 3


def test_the_page_reads_the_kept_choice_in_one_query(
    earlier, make_article, reader, django_assert_num_queries
):
    story = make_article(headline="Rivers peak", tags=["floods"])
    reader.get(earlier[0].get_absolute_url())  # the blocks every page shares are built
    # The story with its byline and tags, then its kept Related stories.
    with django_assert_num_queries(2):
        page = reader.get(story.get_absolute_url()).content.decode()
    assert "Earlier story 1" in page


def test_a_story_with_none_kept_is_compared_as_it_is_shown(earlier, make_article):
    story = make_article(headline="Rivers peak", tags=["floods"])
    RelatedStories.forget(story)
    assert len(related_headlines(story)) == 3  # chosen live, as before choices were kept


def test_the_command_chooses_for_stories_with_none_kept(earlier, make_article):
    story = make_article(headline="Rivers peak", tags=["floods"])
    RelatedStories.objects.all().delete()
    out = StringIO()
    call_command("choose_related", "--quiet", stdout=out)
    assert "Chose the related stories of 4 article(s)." in out.getvalue()
    assert len(RelatedStories.objects.get(article=story).story_ids) == 3
    call_command("choose_related", "--quiet", stdout=out)
    assert "Chose the related stories of 0 article(s)." in out.getvalue()
