"""What the benchmark's parts share: where it lives, its databases, how it asks for a page."""

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40


def log(message, stream=None):
    print(message, file=stream or sys.stdout, flush=True)


def production_env(database_url, *, files="", **extra):
    """The environment of the benchmark's processes: production settings against
    `database_url`, behind the TLS proxy, with static and media files under RESULTS
    (in `static`/`media` folders suffixed by `files`), and `extra` on top."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # HTTPS is terminated by the proxy in production; the clients send what it would.
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "NEWSROOM_STATIC_ROOT": str(RESULTS / f"{files}static"),
        "NEWSROOM_MEDIA_ROOT": str(RESULTS / f"{files}media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


def http_get(url):
    """(status, body) of a GET as the TLS-terminating proxy forwards it."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def with_database(url, name):
    """`url` naming database `name`, keeping host, port, socket and options."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_rows(url):
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            articles = conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
            entries = conn.execute("SELECT count(*) FROM feed_feedentry").fetchone()[0]
            return articles, entries
    except psycopg.Error:
        return None
