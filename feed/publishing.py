"""How an article reaches the News Feed: the one function that creates or refreshes its
entry. The desk's steps, the scheduler and the importers call it after they publish or
update an article."""

from articles.models import Status

from .models import FeedEntry


def refresh_entry(article):
    """Create or refresh `article`'s News Feed entry when its section feeds the News Feed
    and the article is published; return the entry, or None."""
    if not article.section.in_news_feed or article.status != Status.PUBLISHED:
        return None
    entry, _ = FeedEntry.objects.update_or_create(
        article=article,
        defaults={
            "status": FeedEntry.Status.PUBLISHED,
            "published_at": article.published_at,
            "updated_at": article.updated_at,
        },
    )
    return entry


def publish(article, at=None, *, substantive_update=False):
    """Publish `article` (see `Article.publish`) and bring its feed entry along."""
    article.publish(at=at, substantive_update=substantive_update)
    return refresh_entry(article)


def mark_updated(article, at=None):
    """A substantive update of `article`, shown on its feed entry too."""
    article.mark_updated(at)
    return refresh_entry(article)
