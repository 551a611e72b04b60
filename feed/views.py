from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render

from articles import metadata
from lib.pagecache import depends_on
from lib.pagination import seek_request
from lib.params import whole_number

from .models import FEED, FeedEntry


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
    pinned = FeedEntry.objects.pinned() if batch.is_first else []
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
