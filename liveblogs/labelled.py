"""Live-blog updates on their labels' pages and feeds (feed.labels)."""

from feed.labels import Listed, Source

from .models import LiveUpdate


def _updates(label):
    return (
        LiveUpdate.objects.published()
        .filter(label=label)
        .for_stream()
        .select_related("live_blog__article")
        .defer("live_blog__article__body", "live_blog__article__search_document")
    )


def _describe(update):
    return Listed(
        "update", update.pk, update.title,
        f"{update.live_blog.get_absolute_url()}#{update.anchor}", update.summary,
        update.published_at, update.updated_at if update.show_updated else None, update,
    )  # fmt: skip


SOURCE = Source("update", 3, _updates, _describe)
