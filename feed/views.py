from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render

from articles import metadata
from labels.models import Label, label_cache_tag
from lib.pagecache import CONTENT, depends_on
from lib.pagination import seek_request
from lib.params import whole_number

from . import labels
from .blocks import pinned_entries
from .models import FEED, FeedEntry

# A page names at most this many of the entries it shows (the newest); older ones it
# shows are not checked.
MAX_SHOWN = 100
LARGEST_ID = 2**63 - 1


@depends_on(lambda: [FEED])
def index(request):
    post_id = whole_number(request.GET.get("p"))
    if post_id is not None:  # a WordPress-style link to an imported post
        redirect = Redirect.objects.filter(
            site_id=settings.SITE_ID, old_path=f"/?p={post_id}"
        ).first()
        if redirect and redirect.new_path:
            return HttpResponsePermanentRedirect(redirect.new_path)
    batch = seek_request(request, FeedEntry.objects.stream(), settings.NEWSROOM_FEED_BATCH)
    pinned = pinned_entries() if batch.is_first else []
    context = {"batch": batch, "pinned": pinned, "meta": index_meta(request, batch)}
    return render(request, "feed/index.html", context)


def index_meta(request, batch):
    return metadata.site_page(
        request,
        "News Feed" if batch.is_first else "News Feed (older entries)",
        f"The latest news updates from {settings.NEWSROOM_NAME}.",
    )


@depends_on(lambda: [FEED])
def more(request):
    """The next batch as an HTML fragment, for Show More to append in place."""
    batch = seek_request(request, FeedEntry.objects.stream(), settings.NEWSROOM_FEED_BATCH)
    return render(request, "feed/_batch.html", {"batch": batch})


@depends_on(lambda pk: [FEED])
def entry(request, pk):
    entry = get_object_or_404(FeedEntry.objects.published().for_listing(), pk=pk)
    meta = metadata.site_page(
        request,
        entry.title,
        entry.text or entry.title,
        type="article",
        canonical=entry.get_absolute_url(),
    )
    return render(request, "feed/entry.html", {"entry": entry, "meta": meta})


@depends_on(lambda: [FEED])
def updates(request):
    """What changed for an open page that shows the entries `?shown=3,2,1` (newest first):
    the entries newer than the newest of them still in the stream, at most a batch, and
    which of them are still public, with their "Updated" stamps. The same entries shown
    give the same address, so every open page alike is answered from the page cache."""
    shown_ids = entry_ids(request.GET.get("shown", ""))
    still_public = FeedEntry.objects.published().only("published_at", "updated_at", "pinned")
    shown = list(still_public.filter(pk__in=shown_ids)) if shown_ids else []
    position = {pk: place for place, pk in enumerate(shown_ids)}
    shown.sort(key=lambda entry: position[entry.pk])
    newest = max(
        (entry for entry in shown if not entry.pinned),
        key=lambda entry: (entry.published_at, entry.pk),
        default=None,
    )
    limit = settings.NEWSROOM_FEED_BATCH
    new = list(newer_than(FeedEntry.objects.stream(), newest)[: limit + 1])
    context = {
        "new": new[:limit],
        "more_new": len(new) > limit,
        "shown": shown,
        "check_after": settings.NEWSROOM_FEED_CHECK_SECONDS,
        "idle_after": settings.NEWSROOM_FEED_IDLE_SECONDS,
    }
    response = render(request, "feed/_updates.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def entry_ids(value):
    """The ids of `?shown=`, in their order, the first MAX_SHOWN of them; anything that is
    not a list of ids is a 400."""
    if not value:
        return []
    ids = [whole_number(part) for part in value.split(",", MAX_SHOWN)[:MAX_SHOWN]]
    if any(pk is None or not 0 < pk <= LARGEST_ID for pk in ids):
        raise BadRequest("That list of entries is not valid.")
    return list(dict.fromkeys(ids))


def newer_than(entries, entry):
    """`entries` published after `entry` (all of them when it is None), newest first."""
    entries = entries.order_by("-published_at", "-pk")
    if entry is None:
        return entries
    return entries.filter(
        Q(published_at__gt=entry.published_at)
        | Q(published_at=entry.published_at, pk__gt=entry.pk),
        # Lets PostgreSQL start the index range scan at the entry.
        published_at__gte=entry.published_at,
    )


@depends_on(lambda slug: [label_cache_tag(slug), CONTENT])
def label(request, slug):
    """A label's page: its public entries, articles and live-blog updates, newest first."""
    label = get_object_or_404(Label.objects.published(), slug=slug)
    batch = labels.seek_labelled_request(request, label, settings.NEWSROOM_FEED_BATCH)
    meta = metadata.site_page(
        request,
        label.name if batch.is_first else f"{label.name} (older)",
        label.description or f"Everything {settings.NEWSROOM_NAME} labelled “{label.name}”.",
    ).with_feeds(*metadata.feed_links(label.name, "labels:rss", "labels:atom", label.slug))
    return render(request, "labels/detail.html", {"label": label, "batch": batch, "meta": meta})


@depends_on(lambda slug: [label_cache_tag(slug), CONTENT])
def label_more(request, slug):
    """The label's next batch as an HTML fragment, for Show More to append in place."""
    label = get_object_or_404(Label.objects.published(), slug=slug)
    batch = labels.seek_labelled_request(request, label, settings.NEWSROOM_FEED_BATCH)
    return render(request, "labels/_batch.html", {"label": label, "batch": batch})
