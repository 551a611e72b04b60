"""The deployment as documented, for the tests that run it: gunicorn started with
deploy/gunicorn.conf.py itself, and the collected static files production serves."""

import contextlib
import subprocess
import sys
import uuid

import pytest

from . import servers

REDIS_URL = "redis://127.0.0.1:6379/6"
# The Redis the tests of whole deployments share with their app servers (by prefix).
DEPLOYED_REDIS_URL = "redis://127.0.0.1:6379/7"


def start_relay(port, relay_class=servers.TcpProxy):
    """A relay to the test database on 127.0.0.1:`port`, started; the test stops it."""
    from django.db import connection

    return relay_class(port, servers.database_address(connection.settings_dict)).start()


def env_through(relay, static_root, **extra):
    """Production settings for app servers that reach the database through `relay` and
    share a Redis page cache under a fresh prefix."""
    from django.db import connection

    return servers.production_env(
        servers.database_url(connection.settings_dict, port=relay.port),
        static_root,
        REDIS_URL=DEPLOYED_REDIS_URL,
        NEWSROOM_CACHE_PREFIX=f"deployed-{uuid.uuid4().hex[:10]}",
        **extra,
    )


def start_gunicorn(port, env, log, *, workers=1):
    """A gunicorn master as deploy/gunicorn.conf.py runs it, binding 127.0.0.1:`port`."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "newsroom.wsgi"],
        cwd=servers.ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@contextlib.contextmanager
def production_app_server(port, env, log_path, workers=1):
    """gunicorn as deployed, with `workers` processes; yields its base URL once it answers."""
    with open(log_path, "wb") as log:
        process = start_gunicorn(port, env, log, workers=workers)
        base = f"http://127.0.0.1:{port}"
        try:
            servers._wait_until_up(base, process, log_path)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def shared_redis(settings):
    """The test process and its app servers share one Redis under a fresh prefix; the
    returned values go into the servers' environment."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield {"REDIS_URL": REDIS_URL, "NEWSROOM_CACHE_PREFIX": prefix}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    servers.collect_static(root)
    return root
