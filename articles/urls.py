from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("articles/<slug:slug>/", views.detail, name="detail"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("corrections/", views.corrections, name="corrections"),
]
