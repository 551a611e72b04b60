from django.apps import AppConfig


class PhotosConfig(AppConfig):
    """The photo library: checked uploads, private originals, renditions and crops."""

    name = "photos"

    def ready(self):
        from lib import purging

        from .models import Photo

        purging.watch(Photo)
