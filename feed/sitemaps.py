from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class NewsFeedSitemap(Sitemap):
    changefreq = "always"

    def items(self):
        return ["feed:index"]

    def location(self, name):
        return reverse(name)
