"""Probes: /healthz says the process is alive, /readyz that it can serve readers."""

import contextlib

import pytest
from django.db import OperationalError, connection


@contextlib.contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(refuse):
        yield


DEAD_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:8119/0",
    "OPTIONS": {"socket_connect_timeout": 0.2},
}


def test_healthz_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_stays_up_while_the_database_is_down(client, db):
    with database_down():
        assert client.get("/healthz/").status_code == 200


def test_readyz_reports_each_dependency(client, db):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}


def test_readyz_keeps_a_server_in_rotation_while_only_the_database_is_down(client, db):
    # It still serves every cached page: taking it out would turn those into errors.
    with database_down():
        response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "failing", "cache": "ok"},
    }


def test_readyz_keeps_a_server_in_rotation_while_only_the_cache_is_down(client, db, settings):
    settings.CACHES = {"default": DEAD_REDIS}
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "failing"},
    }


def test_readyz_fails_when_neither_the_database_nor_the_cache_answers(client, db, settings):
    settings.CACHES = {"default": DEAD_REDIS}
    with database_down():
        response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("url", ["/healthz/", "/readyz/"])
def test_probes_answer_whatever_host_the_load_balancer_sends(client, db, url, settings):
    settings.ALLOWED_HOSTS = ["news.example.com"]
    response = client.get(url, headers={"host": "10.0.0.11:8000"})
    assert response.status_code == 200


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize("url", ["/healthz/", "/readyz/"])
def test_probes_are_never_cached(client, db, url):
    client.get(url)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/healthz/", "/readyz/"])
def test_probes_over_plain_http_are_not_redirected_to_https(client, db, settings, url):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(url).status_code == 200
    assert client.get("/").status_code == 301
