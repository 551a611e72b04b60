"""The providers whose media a story may embed, and how each one's player is reached.

The player address is always built here from the provider's documented URL pattern, never
taken from an oEmbed answer, so the page can only ever frame the hosts listed in
`FRAME_HOSTS` (the Content-Security-Policy's `frame-src`). oEmbed, where a provider offers
it, only adds a title, an author and a thumbnail.

This module imports nothing of Django's: the settings read `FRAME_HOSTS`."""

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

VIDEO, POST, AUDIO, CHART = "video", "post", "audio", "chart"


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    kind: str
    hosts: tuple  # the hosts of the URLs readers see (subdomains included)
    patterns: tuple  # regexes on "host/path?query" of the URL, with named groups
    player: str  # the player's address, formatted with the groups (and `url`)
    frame_host: str
    oembed: str = ""  # the provider's oEmbed endpoint, when it has one
    thumbnail_hosts: tuple = field(default=())

    def match(self, url):
        """The pattern groups of `url`, or None when it is not one of this provider's."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
        target = f"{host}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        for pattern in self.patterns:
            found = re.fullmatch(pattern, target)
            if found:
                return found.groupdict()
        return None

    def player_url(self, url, groups):
        return self.player.format(url=quote(url, safe=""), **groups)

    def oembed_url(self, url):
        if not self.oembed:
            return ""
        return f"{self.oembed}?format=json&url={quote(url, safe='')}"


_ID = r"[A-Za-z0-9_-]+"
_REST = r"(?:[/?#].*)?"

PROVIDERS = (
    Provider(
        "youtube", "YouTube", VIDEO, ("youtube.com", "youtu.be", "youtube-nocookie.com"),
        (rf"youtube\.com/watch\?(?:.*&)?v=(?P<id>{_ID})(?:&.*)?",
         rf"youtube\.com/(?:shorts|embed|live)/(?P<id>{_ID}){_REST}",
         rf"youtu\.be/(?P<id>{_ID}){_REST}"),
        "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
        "www.youtube-nocookie.com",
        "https://www.youtube.com/oembed",
        ("i.ytimg.com",),
    ),
    Provider(
        "vimeo", "Vimeo", VIDEO, ("vimeo.com",),
        (r"vimeo\.com/(?:video/)?(?P<id>\d+)" + _REST,
         r"player\.vimeo\.com/video/(?P<id>\d+)" + _REST),
        "https://player.vimeo.com/video/{id}?dnt=1&autoplay=1",
        "player.vimeo.com",
        "https://vimeo.com/api/oembed.json",
        ("i.vimeocdn.com",),
    ),
    Provider(
        "x", "X (Twitter)", POST, ("x.com", "twitter.com"),
        (rf"(?:x|twitter)\.com/(?P<user>{_ID})/status/(?P<id>\d+){_REST}",),
        "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
        "platform.twitter.com",
        "https://publish.twitter.com/oembed",
    ),
    Provider(
        "instagram", "Instagram", POST, ("instagram.com",),
        (rf"instagram\.com/(?P<type>p|reel|tv)/(?P<id>{_ID}){_REST}",),
        "https://www.instagram.com/{type}/{id}/embed/",
        "www.instagram.com",
    ),
    Provider(
        "facebook", "Facebook", POST, ("facebook.com", "fb.watch"),
        (rf"facebook\.com/(?P<page>[A-Za-z0-9_.-]+)/(?:posts|videos)/(?P<id>[A-Za-z0-9_.-]+){_REST}",
         r"facebook\.com/(?:watch/?\?v=|permalink\.php\?)(?P<id>.+)"),
        "https://www.facebook.com/plugins/post.php?href={url}",
        "www.facebook.com",
    ),
    Provider(
        "telegram", "Telegram", POST, ("t.me", "telegram.me"),
        (rf"(?:t|telegram)\.me/(?:s/)?(?P<channel>{_ID})/(?P<id>\d+){_REST}",),
        "https://t.me/{channel}/{id}?embed=1",
        "t.me",
    ),
    Provider(
        "tiktok", "TikTok", VIDEO, ("tiktok.com",),
        (r"tiktok\.com/@(?P<user>[A-Za-z0-9_.-]+)/video/(?P<id>\d+)" + _REST,),
        "https://www.tiktok.com/embed/v2/{id}",
        "www.tiktok.com",
        "https://www.tiktok.com/oembed",
    ),
    Provider(
        "soundcloud", "SoundCloud", AUDIO, ("soundcloud.com",),
        (rf"soundcloud\.com/(?P<user>{_ID})/(?P<track>{_ID}(?:/{_ID})?)/?(?:\?.*)?",),
        "https://w.soundcloud.com/player/?url={url}&auto_play=true",
        "w.soundcloud.com",
        "https://soundcloud.com/oembed",
    ),
    Provider(
        "spotify", "Spotify", AUDIO, ("open.spotify.com",),
        (r"open\.spotify\.com/(?:intl-[a-z]+/)?(?P<type>track|album|playlist|episode|show|artist)"
         rf"/(?P<id>{_ID}){_REST}",),
        "https://open.spotify.com/embed/{type}/{id}",
        "open.spotify.com",
        "https://open.spotify.com/oembed",
    ),
    Provider(
        "datawrapper", "Datawrapper", CHART, ("datawrapper.de", "datawrapper.dwcdn.net"),
        (rf"datawrapper\.dwcdn\.net/(?P<id>{_ID})(?:/\d+)?/?(?:\?.*)?",
         rf"datawrapper\.de/_/(?P<id>{_ID})/?(?:\?.*)?"),
        "https://datawrapper.dwcdn.net/{id}/",
        "datawrapper.dwcdn.net",
        "https://api.datawrapper.de/v3/oembed",
    ),
    Provider(
        "flourish", "Flourish", CHART, ("flourish.studio", "flo.uri.sh"),
        (r"(?:public\.flourish\.studio|flo\.uri\.sh)/(?P<type>visualisation|story)/(?P<id>\d+)"
         + _REST,),
        "https://flo.uri.sh/{type}/{id}/embed",
        "flo.uri.sh",
        "https://app.flourish.studio/api/v1/oembed",
    ),
)  # fmt: skip

BY_KEY = {provider.key: provider for provider in PROVIDERS}
FRAME_HOSTS = tuple(f"https://{provider.frame_host}" for provider in PROVIDERS)


def names():
    return ", ".join(provider.name for provider in PROVIDERS)


def provider_for(url):
    """The provider whose host `url` is on (subdomains included), or None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for provider in PROVIDERS:
        if any(host == known or host.endswith("." + known) for known in provider.hosts):
            return provider
    return None
