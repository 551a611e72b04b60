"""Bad input never gets a 500: junk in a path, a query parameter, a header or a cookie is
a 4xx, or is ignored, on every public URL."""

import re
from urllib.parse import quote, urlencode

import pytest
from django.contrib.redirects.models import Redirect
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import previews
from lib.params import whole_number
from lib.sessions import SessionStore
from newsroom.urls import SITE_SITEMAPS

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


def public_routes(patterns=None, prefix=""):
    """(route, {parameter: converter}) for every URL pattern outside the admin."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from public_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry.pattern, RoutePattern):
            yield prefix + str(entry.pattern), entry.pattern.converters
        else:  # a regular expression: filled as a whole, below
            yield prefix + str(entry.pattern), None


# The public routes, and the admin's front door, where every request's session is read.
ROUTES = sorted([*public_routes(), ("admin/", {}), ("admin/login/", {})], key=lambda r: r[0])
# The query parameters the public pages read.
PARAMETERS = ["p", "q", "page", "before"]

# Hostile values by kind, so that each kind turns up often, not one value in fifty.
CONTROLS = ["\x00", "a\x00b", "1\x00", "\x00" * 40, "\x01\x7f", "\x1b[0m", "\r\n"]
ODD_NUMBERS = [
    "²", "¹²", "①", "١٢", "٣.٤", "０", " 1", "1 ", "+1", "-1", "1_0", "0", "00", "1e9",
    "9" * 30, "1" * 5000, "1700000000000000.1", "1700000000000000.99999999999999999999999",
    "99999999999999999999999.1", "1.2.3", ".",
]  # fmt: skip
JUNK = [
    "", " ", "..", "../../etc/passwd", "'", '"', "\\", "<script>alert(1)</script>", "%",
    "%zz", "%ff%fe", "\u2028", "\ufeff", "\ue000", "a" * 300,
]  # fmt: skip
HOSTILE = CONTROLS + ODD_NUMBERS + JUNK

# Digits of other scripts: `int()` takes some ("١٢"), `str.isdigit()` passes more ("²").
digits = st.one_of(
    st.text(st.sampled_from("0123456789²³¹①⑨١٢۳०১０"), min_size=1, max_size=3),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=2),
)
number_like = st.one_of(
    st.integers().map(str),
    st.sampled_from(ODD_NUMBERS),
    digits,
    # Cursor-shaped: microseconds and an id.
    st.tuples(st.integers(0, 2 * 10**15), st.one_of(st.integers(), digits)).map(
        lambda pair: f"{pair[0]}.{pair[1]}"
    ),
)
hostile_text = st.one_of(
    st.sampled_from(CONTROLS), number_like, st.sampled_from(JUNK), st.text(max_size=40)
)
# What a WSGI server hands over as a header: one byte per character.
header_text = st.text(st.characters(max_codepoint=255), max_size=60)


def mostly(usual, hostile):
    """`usual` about three times in four, so most requests get past the first check to the
    view; a failing example shrinks towards `usual`."""
    return st.integers(0, 3).flatmap(lambda roll: hostile if roll == 1 else usual)


def as_header(value):
    """A header as a WSGI server hands it over: its UTF-8 bytes, one per character."""
    return value.encode().decode("iso-8859-1")


def segment(converter, known):
    """A value for one path parameter: one the site knows, one the converter accepts, or
    hostile text; percent-encoded, or raw bytes that are not UTF-8."""
    accepted = st.from_regex(converter.regex, fullmatch=True).filter(lambda v: len(v) < 300)
    text = mostly(st.one_of(st.sampled_from(known), accepted), hostile_text)
    return st.one_of(
        text.map(lambda value: quote(value, safe="")),
        st.from_regex(r"(%[0-9A-Fa-f]{2}){1,6}", fullmatch=True),
    )


@st.composite
def paths(draw, route, converters, known):
    if converters is None:
        return "/" + quote(draw(st.from_regex(route, fullmatch=True)), safe="/")

    def fill(match):
        return draw(segment(converters[match["name"]], known.get(route.split("/")[0], ["x"])))

    return "/" + PLACEHOLDER.sub(fill, route)


@st.composite
def query_strings(draw, known):
    values = st.one_of(
        st.sampled_from(known["query"]),
        st.sampled_from(CONTROLS),
        number_like,
        st.sampled_from(JUNK),
        st.text(max_size=40),
        st.binary(max_size=12),  # percent-encoded, need not be UTF-8
    )
    # The parameters the site reads, each there or not, then any others.
    read = draw(st.fixed_dictionaries({}, optional=dict.fromkeys(PARAMETERS, values)))
    others = draw(st.lists(st.tuples(st.text(max_size=10), values), max_size=2))
    return urlencode([*read.items(), *others])


@st.composite
def cookies(draw, known):
    names = mostly(
        st.just("sessionid"), st.one_of(st.sampled_from(["csrftoken", "messages"]), st.text())
    )
    values = mostly(st.sampled_from(known["session"]), st.one_of(hostile_text, header_text))
    pairs = draw(st.lists(st.tuples(names, values), max_size=3))
    return draw(mostly(st.just("; ".join(f"{n}={v}" for n, v in pairs)), header_text))


@st.composite
def request_headers(draw, known):
    headers = {
        "HTTP_HOST": draw(mostly(st.just("testserver"), st.one_of(hostile_text, header_text))),
        "HTTP_COOKIE": draw(cookies(known)),
        "HTTP_ACCEPT": draw(
            mostly(st.sampled_from(["text/html", "*/*", "application/json"]), header_text)
        ),
        "HTTP_IF_NONE_MATCH": draw(
            mostly(st.sampled_from(['"x"', "*", 'W/"x"', '"', ", ,"]), header_text)
        ),
    }
    return {name: as_header(value) for name, value in headers.items()}


@pytest.fixture
def known(make_article, make_entry, django_user_model):
    """Values the site has content for, so generated requests also reach real pages."""
    article = make_article(tags=["Defence"])
    author = article.byline[0]
    entry = make_entry()
    Redirect.objects.create(site_id=1, old_path="/?p=21", new_path=article.get_absolute_url())
    client = Client()
    client.force_login(django_user_model.objects.create(username="desk", is_superuser=True))
    # Path parameters by the first part of their route, then query and cookie values.
    return {
        "articles": [article.slug],
        "sections": [article.section.slug],
        "tags": [article.tags.get().slug],
        "authors": [author.slug],
        "feed": [str(entry.pk)],
        "preview": [previews.token_for(article)],
        "sitemap-<section>.xml": list(SITE_SITEMAPS),
        "query": ["21", "1", "2", "grain", "1700000000000000.1"],
        "session": [client.cookies["sessionid"].value, "abcdefgh\x00", "\x00" * 32],
    }


# Seeded, so every run tries the same requests; the suite's per-test fixtures (an empty
# cache, a media folder) are shared by all the examples of one test.
SEEDED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize(("route", "converters"), ROUTES, ids=[route for route, _ in ROUTES])
@settings(SEEDED, max_examples=20)
@given(data=st.data())
def test_no_request_to_a_public_url_is_a_server_error(page_cache, known, route, converters, data):
    path = data.draw(paths(route, converters, known), label="path")
    query = data.draw(query_strings(known), label="query")
    headers = data.draw(request_headers(known), label="headers")
    method = data.draw(st.sampled_from(["get", "head"]), label="method")
    # Unhandled exceptions are raised here, so a failure shows its traceback.
    response = getattr(Client(), method)(f"{path}?{query}" if query else path, **headers)
    assert response.status_code < 500, (path, query, headers)


@pytest.mark.parametrize("page", ["/", "/feed/more/", "/search/", "sections", "tags", "authors"])
@settings(SEEDED, max_examples=120)
@given(data=st.data())
def test_no_query_string_on_a_page_that_reads_one_is_a_server_error(page_cache, known, page, data):
    """The pages that read `p`, `q`, `page` or `before`, given more tries than every URL
    gets above."""
    path = page if page.startswith("/") else f"/{page}/{known[page][0]}/"
    query = data.draw(query_strings(known), label="query")
    response = Client().get(f"{path}?{query}")
    assert response.status_code < 500, (path, query)


@SEEDED
@given(st.one_of(st.sampled_from(HOSTILE), number_like, st.text()))
def test_a_whole_number_is_ascii_digits_and_nothing_else(text):
    number = whole_number(text)
    if re.fullmatch(r"[0-9]{1,4000}", text):
        assert number == int(text)
    elif not re.fullmatch(r"[0-9]+", text):
        assert number is None


class TestWordPressPostLinks:
    def test_nul_in_the_post_id_is_the_news_feed_not_a_database_error(self, reader, make_entry):
        make_entry(headline="Latest")
        response = reader.get("/?p=%00")
        assert response.status_code == 200
        assert "Latest" in response.content.decode()

    def test_a_post_id_that_is_not_a_number_is_never_looked_up(
        self, reader, make_entry, django_assert_num_queries
    ):
        make_entry()
        reader.get("/")  # the current Site is looked up once per process
        # The News Feed page's own, as without ?p: its stream (the pinned entries and the
        # navigation are kept since the first request, lib.blocks).
        with django_assert_num_queries(1):
            assert reader.get("/", {"p": "abc"}).status_code == 200

    def test_a_numeric_post_id_still_redirects(self, reader):
        Redirect.objects.create(site_id=1, old_path="/?p=21", new_path="/articles/grid/")
        response = reader.get("/?p=21")
        assert response.status_code == 301
        assert response["Location"] == "/articles/grid/"


class TestSessionCookies:
    @pytest.mark.parametrize(
        "key", ["abcdefgh\x00", "\x00" * 32, "ABCDEFGHIJKL", "abcdefgh'--", "a" * 41, "ab"]
    )
    def test_a_key_django_never_makes_is_no_session(self, key):
        assert SessionStore(key).session_key is None

    def test_a_cookie_holding_nul_is_the_login_page_not_a_500(self, reader):
        response = reader.get("/admin/", HTTP_COOKIE="sessionid=abcdefghabcdefgh\x00")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    def test_a_real_session_still_logs_the_editor_in(self, editor_client):
        assert editor_client.get("/admin/").status_code == 200
