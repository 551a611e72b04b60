"""schema.org JSON-LD of the News Feed page: the site with its search box, and the
entries as a list."""

from django.conf import settings

from articles.structured_data import publisher
from lib.links import reverse


def news_feed(entries, absolute):
    """The News Feed page: the site with its search box, and the entries as a list."""
    home = absolute(reverse("feed:index"))
    return [
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "@id": f"{home}#website",
            "url": home,
            "name": settings.NEWSROOM_PUBLICATION_NAME,
            "publisher": publisher(absolute),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": absolute(reverse("search")) + "?q={search_term_string}",
                },
                "query-input": "required name=search_term_string",
            },
        },
        {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": "News Feed",
            "url": home,
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": absolute(entry.link),
                    "name": entry.title,
                }
                for position, entry in enumerate(entries, start=1)
            ],
        },
    ]
