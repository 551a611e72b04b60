"""Embeds: the provider allowlist, resolution through oEmbed (a mocked transport, never
the internet) or the documented URL pattern, the SSRF-safe fetch under it, and what
readers and the CSP get."""

import http.server
import io
import json
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from embeds import models as embed_models
from embeds import providers
from embeds.models import Embed
from feed.models import FeedEntry
from lib import fetching

pytestmark = pytest.mark.django_db

EXAMPLES = [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", "youtube", "video",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube", "video",
     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
    ("https://www.youtube.com/shorts/abcDEF12345", "youtube", "video",
     "https://www.youtube-nocookie.com/embed/abcDEF12345?autoplay=1"),
    ("https://vimeo.com/76979871", "vimeo", "video",
     "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
    ("https://x.com/kyivindependent/status/1760000000000000000", "x", "post",
     "https://platform.twitter.com/embed/Tweet.html?id=1760000000000000000&dnt=true"),
    ("https://twitter.com/jack/status/20", "x", "post",
     "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true"),
    ("https://www.instagram.com/p/C3xYz12AbCd/", "instagram", "post",
     "https://www.instagram.com/p/C3xYz12AbCd/embed/"),
    ("https://www.facebook.com/nasa/posts/10158", "facebook", "post",
     "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fnasa%2Fposts%2F10158"),
    ("https://t.me/kyivindependent_official/12345", "telegram", "post",
     "https://t.me/kyivindependent_official/12345?embed=1"),
    ("https://www.tiktok.com/@scout2015/video/6718335390845095173", "tiktok", "video",
     "https://www.tiktok.com/embed/v2/6718335390845095173"),
    ("https://soundcloud.com/forss/flickermood", "soundcloud", "audio",
     "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fforss%2Fflickermood&auto_play=true"),
    ("https://open.spotify.com/episode/4uLU6hMCjMI75M1A2tKUQC", "spotify", "audio",
     "https://open.spotify.com/embed/episode/4uLU6hMCjMI75M1A2tKUQC"),
    ("https://datawrapper.dwcdn.net/aBc12/3/", "datawrapper", "chart",
     "https://datawrapper.dwcdn.net/aBc12/"),
    ("https://public.flourish.studio/visualisation/1234567/", "flourish", "chart",
     "https://flo.uri.sh/visualisation/1234567/embed"),
]  # fmt: skip


@pytest.fixture
def transport(monkeypatch):
    """The provider's side, in memory: answers by URL; records every request."""

    class Transport:
        answers = {}
        requests = []

        def __call__(self, url, *, allowed_hosts, max_bytes):
            self.requests.append((url, allowed_hosts, max_bytes))
            fetching.check_url(url, allow_private=True, allowed_hosts=allowed_hosts)
            for prefix, answer in self.answers.items():
                if url.startswith(prefix):
                    if isinstance(answer, Exception):
                        raise answer
                    return answer
            raise fetching.FetchRefused(f"could not fetch {url}: network unreachable")

    fake = Transport()
    monkeypatch.setattr(embed_models, "fetch", fake)
    return fake


def jpeg(size=(480, 360)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(("url", "provider", "kind", "player"), EXAMPLES)
def test_every_allowlisted_provider_resolves_by_its_documented_pattern(
    transport, url, provider, kind, player
):
    embed = Embed.objects.resolve(url)
    assert (embed.provider, embed.kind, embed.player_url) == (provider, kind, player)
    assert embed.resolved_by == "pattern" and not embed.thumbnail  # the network is away
    assert embed.title  # a readable name even without the provider's answer


def test_the_allowlist_covers_what_a_newsroom_embeds():
    names = {provider.key for provider in providers.PROVIDERS}
    assert names >= {
        "youtube", "vimeo", "x", "instagram", "facebook", "telegram", "tiktok",
        "soundcloud", "spotify", "datawrapper", "flourish",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://evil.example/watch?v=dQw4w9WgXcQ", "evil.example is not a provider we embed"),
        ("https://youtube.com.evil.example/watch?v=x", "is not a provider we embed"),
        ("https://notyoutube.com/watch?v=dQw4w9WgXcQ", "is not a provider we embed"),
        ("http://169.254.169.254/latest/meta-data/", "is not a provider we embed"),
        ("http://localhost:8000/admin/", "is not a provider we embed"),
        ("javascript:alert(1)", "starting with https://"),
        ("file:///etc/passwd", "starting with https://"),
        ("https://www.youtube.com/about", "does not point to something that can be embedded"),
    ],
)
def test_unknown_hosts_and_non_media_addresses_are_refused_clearly(transport, url, message):
    with pytest.raises(ValidationError, match=message):
        Embed.objects.resolve(url)
    assert transport.requests == [] and not Embed.objects.exists()


def test_oembed_adds_title_author_and_a_thumbnail_kept_in_our_storage(transport, media_root):
    transport.answers = {
        "https://www.youtube.com/oembed": json.dumps(
            {
                "title": "Rescuers in Kharkiv",
                "author_name": "Newsroom",
                "thumbnail_url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
                "html": '<iframe src="https://evil.example/"></iframe><script>x()</script>',
            }
        ).encode(),
        "https://i.ytimg.com/": jpeg(),
    }
    embed = Embed.objects.resolve("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert (embed.title, embed.author_name, embed.resolved_by) == (
        "Rescuers in Kharkiv", "Newsroom", "oembed",
    )  # fmt: skip
    # The player comes from the pattern, never from the provider's HTML.
    assert embed.player_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert embed.thumbnail.name.startswith("embeds/")
    with Image.open(media_root / embed.thumbnail.name) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
    endpoint, allowed, max_bytes = transport.requests[0]
    assert endpoint.startswith("https://www.youtube.com/oembed?format=json&url=https%3A%2F%2F")
    assert allowed == {"www.youtube.com"} and max_bytes == embed_models.OEMBED_MAX_BYTES
    assert transport.requests[1][1] == {"i.ytimg.com"}
    # Resolving the same address again reuses the embed and asks nothing.
    assert Embed.objects.resolve(embed.url) == embed and len(transport.requests) == 2


def test_a_thumbnail_elsewhere_than_the_providers_image_host_is_not_fetched(transport):
    transport.answers = {
        "https://www.youtube.com/oembed": json.dumps(
            {"title": "T", "thumbnail_url": "http://169.254.169.254/latest/meta-data"}
        ).encode()
    }
    embed = Embed.objects.resolve("https://youtu.be/dQw4w9WgXcQ")
    assert not embed.thumbnail
    assert [url for url, _hosts, _max in transport.requests if "169.254" in url] == [
        "http://169.254.169.254/latest/meta-data"
    ]  # asked of the transport, and refused by the host check before any connection


def test_a_broken_oembed_answer_falls_back_to_the_pattern(transport):
    transport.answers = {"https://vimeo.com/api/oembed.json": b"<html>not json"}
    embed = Embed.objects.resolve("https://vimeo.com/76979871")
    assert embed.resolved_by == "pattern"
    assert embed.player_url == "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"


def test_an_embed_never_frames_a_host_outside_its_provider():
    embed = Embed(
        url="https://youtu.be/x", provider="youtube", kind="video",
        player_url="https://evil.example/embed/x",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="provider's own frame"):
        embed.full_clean()


def test_csp_frames_exactly_the_providers_players():
    frame_src = django_settings.SECURE_CSP["frame-src"]
    assert frame_src == ["'self'", *(f"https://{p.frame_host}" for p in providers.PROVIDERS)]
    assert "'unsafe-inline'" not in str(django_settings.SECURE_CSP)


def test_the_editor_resolves_an_address_or_says_why_not(writer_client, transport):
    url = reverse("admin:articles_article_editor_embed")
    answer = writer_client.post(url, {"url": "https://youtu.be/dQw4w9WgXcQ"})
    assert answer.status_code == 200
    embed = Embed.objects.get()
    assert answer.json() == {
        "id": embed.pk, "url": "https://youtu.be/dQw4w9WgXcQ", "title": "YouTube video",
        "provider": "YouTube", "kind": "video",
    }  # fmt: skip
    refused = writer_client.post(url, {"url": "https://evil.example/v/1"})
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("evil.example is not a provider we embed.")


def test_readers_cannot_resolve_embeds(client, transport):
    response = client.post(
        reverse("admin:articles_article_editor_embed"), {"url": "https://youtu.be/x"}
    )
    assert response.status_code == 302 and not Embed.objects.exists()


def test_a_video_feed_entry_shows_its_videos_placeholder(reader, make_entry, transport):
    embed = Embed.objects.resolve("https://youtu.be/dQw4w9WgXcQ")
    make_entry(headline="Watch: the rescue", embed=embed)
    html = reader.get("/").content.decode()
    assert f'data-embed-player="{embed.player_url}"' in html
    assert '<button type="button" class="embed__load">Play video' in html
    assert "<iframe" not in html


def test_a_feed_entry_with_a_photo_shows_its_thumbnail(reader, make_entry, make_photo):
    photo = make_photo(alt_text="Harbour cranes")
    make_entry(headline="Port news", photo=photo)
    html = reader.get("/").content.decode()
    assert 'class="entry__thumbnail"' in html and 'alt="Harbour cranes"' in html
    assert photo.crop_url("1x1-240") in html


# The SSRF-safe fetch under every request to a provider (a real server on our own port) ----

PORT = 8211


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://elsewhere.invalid/secret")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 5000)
        elif self.path == "/drip":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"late")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"title": "local"}')


@pytest.fixture(scope="module")
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{PORT}"
    server.shutdown()
    server.server_close()


def test_fetching_refuses_private_and_loopback_addresses(local_server):
    with pytest.raises(fetching.FetchRefused, match="private or loopback"):
        fetching.fetch(local_server + "/oembed")
    with pytest.raises(fetching.FetchRefused, match="private or loopback"):
        fetching.check_url("http://[::ffff:127.0.0.1]/")
    with pytest.raises(fetching.FetchRefused, match="only http and https"):
        fetching.fetch("ftp://example.com/file")


def test_fetching_keeps_to_the_allowed_hosts_through_redirects(local_server):
    allowed = {"127.0.0.1"}
    assert fetching.fetch(local_server + "/oembed", allow_private=True, allowed_hosts=allowed) == (
        b'{"title": "local"}'
    )
    with pytest.raises(fetching.FetchRefused, match="not an allowed host"):
        fetching.fetch(local_server + "/redirect", allow_private=True, allowed_hosts=allowed)
    with pytest.raises(fetching.FetchRefused, match="not an allowed host"):
        fetching.fetch("http://localhost:8211/oembed", allow_private=True, allowed_hosts=allowed)


def test_fetching_caps_size_and_time(local_server):
    with pytest.raises(fetching.FetchRefused, match="larger than the 1000 byte limit"):
        fetching.fetch(local_server + "/big", allow_private=True, max_bytes=1000)
    started = time.monotonic()
    with pytest.raises(fetching.FetchRefused, match="could not fetch"):
        fetching.fetch(local_server + "/slow", allow_private=True, timeout=0.3)
    assert time.monotonic() - started < 1.4
    started = time.monotonic()
    with pytest.raises(fetching.FetchRefused, match="took too long"):
        fetching.fetch(local_server + "/drip", allow_private=True, timeout=0.3)
    assert time.monotonic() - started < 2


def test_a_feed_entry_takes_its_video_by_address_in_the_admin(desk_client, transport):
    add = reverse("admin:feed_feedentry_add")
    form = desk_client.get(add)
    assert form.status_code == 200 and 'name="embed_url"' in form.content.decode()
    data = {
        "headline": "Watch: the rescue",
        "summary": "",
        "status": "published",
        "published_at_0": "2026-01-02",
        "published_at_1": "10:00:00",
        "embed_url": "https://evil.example/v/1",
    }
    refused = desk_client.post(add, data)
    assert refused.status_code == 200
    assert "evil.example is not a provider we embed" in refused.content.decode()
    data["embed_url"] = "https://vimeo.com/76979871"
    assert desk_client.post(add, data).status_code == 302
    entry = FeedEntry.objects.get()
    assert entry.embed.player_url == "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
