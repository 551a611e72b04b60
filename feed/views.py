from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render

from newsroom.pagination import seek_request

from .models import FeedEntry


def index(request):
    if "p" in request.GET:  # a WordPress-style link to an imported post
        redirect = Redirect.objects.filter(
            site_id=settings.SITE_ID, old_path=f"/?p={request.GET['p']}"
        ).first()
        if redirect and redirect.new_path:
            return HttpResponsePermanentRedirect(redirect.new_path)
    batch = seek_request(request, FeedEntry.objects.stream(), settings.NEWSROOM_FEED_BATCH)
    pinned = FeedEntry.objects.pinned() if batch.is_first else []
    return render(request, "feed/index.html", {"batch": batch, "pinned": pinned})


def more(request):
    """The next batch as an HTML fragment, for Show More to append in place."""
    batch = seek_request(request, FeedEntry.objects.stream(), settings.NEWSROOM_FEED_BATCH)
    return render(request, "feed/_batch.html", {"batch": batch})


def entry(request, pk):
    entry = get_object_or_404(FeedEntry.objects.published().for_listing(), pk=pk)
    return render(request, "feed/entry.html", {"entry": entry})
