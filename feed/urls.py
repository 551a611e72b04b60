from django.urls import path

from . import feeds, views

app_name = "feed"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/more/", views.more, name="more"),
    path("feed/updates/", views.updates, name="updates"),
    path("feed/<int:pk>/", views.entry, name="entry"),
]

# The News Feed's RSS and Atom keep the names they had at the site's root.
root_urlpatterns = [
    path("feed/rss/", feeds.NewsFeedRss(), name="feed-rss"),
    path("feed/atom/", feeds.NewsFeedAtom(), name="feed-atom"),
]

# A label's page and feeds (the "labels" namespace: Label.get_absolute_url()).
label_urlpatterns = [
    path("labels/<slug:slug>/", views.label, name="detail"),
    path("labels/<slug:slug>/more/", views.label_more, name="more"),
    path("labels/<slug:slug>/rss/", feeds.LabelFeedRss(), name="rss"),
    path("labels/<slug:slug>/atom/", feeds.LabelFeedAtom(), name="atom"),
]
