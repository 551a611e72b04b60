from django.urls import path

from . import views

app_name = "feed"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/more/", views.more, name="more"),
    path("feed/<int:pk>/", views.entry, name="entry"),
]
