from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("articles/<slug:slug>/", views.detail, name="detail"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("corrections/", views.corrections, name="corrections"),
]

# Feeds and search keep the names they had at the site's root.
root_urlpatterns = [
    path("sections/<slug:slug>/rss/", feeds.SectionFeedRss(), name="section-rss"),
    path("sections/<slug:slug>/atom/", feeds.SectionFeedAtom(), name="section-atom"),
    path("tags/<slug:slug>/rss/", feeds.TagFeedRss(), name="tag-rss"),
    path("tags/<slug:slug>/atom/", feeds.TagFeedAtom(), name="tag-atom"),
    path("authors/<slug:slug>/rss/", feeds.AuthorFeedRss(), name="author-rss"),
    path("authors/<slug:slug>/atom/", feeds.AuthorFeedAtom(), name="author-atom"),
    path("search/", views.search, name="search"),
]
