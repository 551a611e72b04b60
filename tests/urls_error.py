"""The site's URLs with an article view that fails, to exercise the 500 page."""

from django.urls import path

from articles import views
from newsroom.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("articles/<slug:slug>/", lambda request, slug: views.detail(request, slug)),
    *site_urlpatterns,
]
