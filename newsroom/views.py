"""Site-wide files that crawlers and browsers ask for by fixed names."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.defaults import ERROR_404_TEMPLATE_NAME

from articles import metadata
from lib.links import absolute_url_builder

ONE_DAY = 60 * 60 * 24


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def robots_txt(request):
    absolute = absolute_url_builder(request)
    sitemaps = [absolute(reverse("sitemap")), absolute(reverse("news-sitemap"))]
    return render(
        request, "robots.txt", {"sitemaps": sitemaps}, content_type="text/plain; charset=utf-8"
    )


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def web_manifest(request):
    manifest = {
        "name": settings.NEWSROOM_NAME,
        "short_name": settings.NEWSROOM_NAME[:12],
        "lang": settings.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#ffffff",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


@require_safe
def favicon(request):
    """Browsers and crawlers that ignore the <link rel="icon"> still ask here."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))


def page_not_found(request, exception, template_name=ERROR_404_TEMPLATE_NAME):
    """Django's 404, with the page's metadata given as every other page gives it."""
    context = {
        "request_path": request.path,
        "exception": str(exception),
        "meta": metadata.not_found_page(request),
    }
    return render(request, template_name, context, status=404)
