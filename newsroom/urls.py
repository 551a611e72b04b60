from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import crops, feeds, search
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS

from . import health
from . import views as site_views

admin.site.site_header = f"{settings.NEWSROOM_NAME} editors' desk"
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    # Readers' reach: feeds, sitemaps, search and the files browsers and crawlers ask for.
    path("feed/rss/", feeds.NewsFeedRss(), name="feed-rss"),
    path("feed/atom/", feeds.NewsFeedAtom(), name="feed-atom"),
    path("sections/<slug:slug>/rss/", feeds.SectionFeedRss(), name="section-rss"),
    path("sections/<slug:slug>/atom/", feeds.SectionFeedAtom(), name="section-atom"),
    path("tags/<slug:slug>/rss/", feeds.TagFeedRss(), name="tag-rss"),
    path("tags/<slug:slug>/atom/", feeds.TagFeedAtom(), name="tag-atom"),
    path("authors/<slug:slug>/rss/", feeds.AuthorFeedRss(), name="author-rss"),
    path("authors/<slug:slug>/atom/", feeds.AuthorFeedAtom(), name="author-atom"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        # Full times in lastmod: a news site changes many times a day.
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap-section",
    ),
    path(
        "news-sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="news-sitemap",
    ),
    path("robots.txt", site_views.robots_txt, name="robots-txt"),
    path("manifest.webmanifest", site_views.web_manifest, name="web-manifest"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("search/", search.search, name="search"),
    path("photos/<int:pk>/crop/<str:ratio>.jpg", crops.crop, name="photo-crop"),
    path("", include("feed.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
