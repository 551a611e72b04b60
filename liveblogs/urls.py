from django.urls import path

from . import feeds, views

app_name = "liveblogs"

urlpatterns = [
    path("articles/<slug:slug>/live/more/", views.more, name="more"),
    path("articles/<slug:slug>/live/updates/", views.updates, name="updates"),
    path("articles/<slug:slug>/live/<int:pk>/", views.update, name="update"),
    path("articles/<slug:slug>/live/rss/", feeds.LiveBlogRss(), name="rss"),
    path("articles/<slug:slug>/live/atom/", feeds.LiveBlogAtom(), name="atom"),
]
