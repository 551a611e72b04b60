"""Production settings: `check --deploy` is clean, the CSP holds, static files are
hashed and cached for good, and replicas only serve readers."""

import os
import re
import subprocess
import sys

import pytest
from django.db import connection, transaction

from lib.middleware import database_unavailable_response
from lib.routers import ReplicaRouter, replica_reads

from . import servers

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": servers.TEST_SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "news.example.com",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "REDIS_URL": "redis://127.0.0.1:6379/6",
}


def manage(*args, **env):
    environment = {**servers.production_env(os.environ["DATABASE_URL"], "/tmp")}
    environment.update(PRODUCTION)
    environment.update(env)
    for name, value in env.items():
        if value is None:
            environment.pop(name)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=servers.ROOT,
        env={key: value for key, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECURE_SSL_REDIRECT="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY"), ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without(missing, message):
    result = manage("check", **{missing: None})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_weak_secret_fails_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style(?P<attrs>[^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize("page", ["feed", "article", "section", "search", "404"])
def test_pages_carry_a_csp_and_no_inline_code_without_its_nonce(
    reader, make_article, make_photo, page
):
    article = make_article(headline="Troops deployed", tags=["Defence"], photo=make_photo())
    url = {
        "feed": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "search": "/search/?q=troops",
        "404": "/articles/no-such-story/",
    }[page]
    response = reader.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy)
    for match in [*INLINE_SCRIPT.finditer(html), *INLINE_STYLE.finditer(html)]:
        attrs = match.group("attrs")
        if 'type="application/ld+json"' in attrs or 'type="application/json"' in attrs:
            continue  # data, never executed
        assert nonce and f'nonce="{nonce.group(1)}"' in attrs, match.group(0)
    assert not STYLE_ATTRIBUTE.search(html)
    assert not HANDLER_ATTRIBUTE.search(html)


def test_the_database_outage_page_needs_no_inline_style():
    html = database_unavailable_response().content.decode()
    assert "<style" not in html and "style=" not in html and "<script" not in html


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    servers.collect_static(static_root)
    return static_root


def test_static_files_get_hashed_compressed_copies(collected_static):
    css = list((collected_static / "css").glob("site.*.css"))
    assert [path.name for path in css if re.fullmatch(r"site\.[0-9a-f]{12}\.css", path.name)]
    assert list((collected_static / "css").glob("site.*.css.gz"))
    assert (collected_static / "staticfiles.json").exists()


@pytest.mark.django_db(transaction=True)
def test_pages_link_hashed_static_files_served_for_a_year_or_more(
    make_article, collected_static, tmp_path
):
    make_article()
    env = servers.production_env(servers.database_url(connection.settings_dict), collected_static)
    with servers.app_server(8115, env, tmp_path / "server.log") as server:
        status, _, html = servers.http_get(server + "/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
        assert stylesheet, "the page links the hashed stylesheet"
        status, headers, _ = servers.http_get(
            server + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
        assert max_age >= 365 * 24 * 3600
        assert "immutable" in headers["Cache-Control"]


class TestReplicaRouter:
    router = ReplicaRouter()

    def test_readers_queries_go_to_the_replica(self):
        with replica_reads():
            assert self.router.db_for_read(None) == "replica"

    def test_everything_else_reads_the_primary(self):
        assert self.router.db_for_read(None) == "default"
        with replica_reads(False):
            assert self.router.db_for_read(None) == "default"

    @pytest.mark.django_db
    def test_reads_inside_a_transaction_stay_on_the_primary(self):
        with replica_reads(), transaction.atomic():
            assert self.router.db_for_read(None) == "default"

    def test_writes_and_migrations_go_to_the_primary_only(self):
        with replica_reads():
            assert self.router.db_for_write(None) == "default"
        assert self.router.allow_migrate("default", "articles")
        assert not self.router.allow_migrate("replica", "articles")
