from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from articles import urls as article_urls
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS
from feed import urls as feed_urls
from feed.sitemaps import NewsFeedSitemap
from lib import health

from . import views as site_views

admin.site.site_header = f"{settings.NEWSROOM_NAME} editors' desk"
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "Newsroom"

# The sitemap index lists the News Feed first, then the articles' own sitemaps.
SITE_SITEMAPS = {"news-feed": NewsFeedSitemap, **SITEMAPS}

handler404 = "newsroom.views.page_not_found"

urlpatterns = [
    # Photos moved to their own app: editors' bookmarks keep working.
    re_path(
        r"^admin/articles/photo/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/photos/photo/%(rest)s", permanent=True, query_string=True),
    ),
    # The second step of staff sign-in (before the admin's own catch-all).
    path("admin/two-factor/", include("desk.two_factor")),
    path("admin/", admin.site.urls),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    # Readers' reach: feeds, sitemaps, search and the files browsers and crawlers ask for.
    *feed_urls.root_urlpatterns,
    *article_urls.root_urlpatterns,
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITE_SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-articles.xml",
        sitemap_views.sitemap,
        # The same address as the pattern below gives it: ten thousand URLs a page.
        {
            "sitemaps": SITE_SITEMAPS,
            "section": "articles",
            "template_name": "sitemaps/articles.xml",
        },
        name="sitemap-articles",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        # Full times in lastmod: a news site changes many times a day.
        {"sitemaps": SITE_SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
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
    path("", include("feed.urls")),
    path("", include((feed_urls.label_urlpatterns, "labels"))),
    path("", include("liveblogs.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
