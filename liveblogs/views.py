from dataclasses import replace

from django.conf import settings
from django.shortcuts import get_object_or_404, render

from articles import metadata
from articles.models import Article
from feed.views import entry_ids, newer_than
from lib.pagecache import depends_on
from photos import crops

from . import stream
from .models import LiveBlog, LiveUpdate, live_cache_tag

# What the endpoints show of the article: its address and headline, never its body.
ARTICLE_COLUMNS = ("coverage_start", "coverage_end", "article__slug", "article__headline")
# When coverage has ended, open pages ask this much less often.
ENDED_SLOWDOWN = 20


def _live_blog(slug):
    blogs = LiveBlog.objects.published().select_related("article").only(*ARTICLE_COLUMNS)
    return get_object_or_404(blogs, article__slug=slug)


@depends_on(lambda slug: [live_cache_tag(slug)])
def more(request, slug):
    """The next batch of updates as an HTML fragment, for Show More to append in place."""
    blog = _live_blog(slug)
    batch = stream.batch_of(blog, request)
    context = {"blog": blog, "batch": batch, "order": stream.order_of(request)}
    return render(request, "liveblogs/_batch.html", context)


@depends_on(lambda slug: [live_cache_tag(slug)])
def updates(request, slug):
    """What changed for an open live blog showing the updates `?shown=3,2,1`: as the News
    Feed's endpoint answers (feed.views.updates), with the key events as they are now.
    The same updates shown give the same address, so every open page alike is answered
    from the page cache."""
    blog = _live_blog(slug)
    shown_ids = entry_ids(request.GET.get("shown", ""))
    public = stream.public_updates(blog)
    still = LiveUpdate.objects.published().filter(live_blog=blog)
    still = still.only("published_at", "updated_at", "live_blog_id")
    shown = list(still.filter(pk__in=shown_ids)) if shown_ids else []
    position = {pk: place for place, pk in enumerate(shown_ids)}
    shown.sort(key=lambda update: position[update.pk])
    newest = max(shown, key=lambda update: (update.published_at, update.pk), default=None)
    limit = settings.NEWSROOM_FEED_BATCH
    new = list(newer_than(public, newest)[: limit + 1])
    for update in new:
        update.live_blog = blog
    check_after = settings.NEWSROOM_FEED_CHECK_SECONDS
    context = {
        "blog": blog,
        "new": new[:limit],
        "more_new": len(new) > limit,
        "shown": shown,
        "key_events": stream.key_events(blog),
        "check_after": check_after if blog.is_live else check_after * ENDED_SLOWDOWN,
        "idle_after": settings.NEWSROOM_FEED_IDLE_SECONDS,
    }
    response = render(request, "liveblogs/_updates.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@depends_on(lambda slug, pk: [live_cache_tag(slug), Article.cache_tag(slug)])
def update(request, slug, pk):
    """One update on a page of its own, for sharing."""
    blog = _live_blog(slug)
    found = get_object_or_404(stream.public_updates(blog), pk=pk)
    found.live_blog = blog
    meta = metadata.site_page(
        request,
        found.title,
        found.summary or blog.article.headline,
        type="article",
        canonical=found.get_absolute_url(),
    )
    if found.photo_id:
        width, height = crops.crop_size(found.photo, "16x9")
        meta = replace(
            meta,
            image=crops.crop_url(found.photo, "16x9"),
            image_width=width,
            image_height=height,
            image_alt=found.photo.alt_text or found.title,
        )
    context = {"blog": blog, "update": found, "meta": meta}
    return render(request, "liveblogs/update.html", context)
