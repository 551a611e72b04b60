"""The documented deployment keeps the app's fault tolerance: deploy/nginx.conf itself, in
front of two app servers, serves their cached pages through a database outage."""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from . import servers
from .deployed import env_through, start_relay

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = servers.ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RELAY_PORT, APP_PORTS, NGINX_PORT = 8145, (8146, 8147), 8148


def runnable_config(directory, app_ports):
    """The sample as it is, but on this machine: our app servers, plain HTTP on a local
    port, files under `directory`. Every proxy and upstream rule stays the sample's."""
    sample = SAMPLE.read_text()
    upstreams = "".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in app_ports
    )
    config, count = re.subn(r"(    server 10\.0\.0\.\d+:8000[^\n]*\n)+", upstreams, sample)
    assert count == 1, "the sample's upstream block changed shape"
    config, count = re.subn(r"server \{\n    listen 80;.*?\n\}\n", "", config, flags=re.S)
    assert count == 1
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{NGINX_PORT};")
    config = re.sub(r"\n\s*(http2 on|ssl_certificate(_key)?\s[^;]*);", "", config)
    config = config.replace("/var/cache/nginx/newsroom", str(directory / "cache"))
    # As root (a CI machine), workers would drop to a user that cannot reach `directory`.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{}}
http {{
    access_log off;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
{config}
}}
"""


def through_nginx(path):
    return servers.http_get(f"http://127.0.0.1:{NGINX_PORT}{path}", {"Host": "news.example.com"})


def test_the_sample_nginx_serves_cached_pages_through_a_database_outage(
    make_article, static_root, tmp_path
):
    stories = [make_article(headline=f"Cached story {n}") for n in range(2)]
    relay = start_relay(RELAY_PORT)
    env = env_through(relay, static_root, DJANGO_ALLOWED_HOSTS="news.example.com")
    config = tmp_path / "nginx.conf"
    config.write_text(runnable_config(tmp_path, APP_PORTS))
    subprocess.run([NGINX, "-t", "-c", str(config)], check=True, capture_output=True)
    try:
        with (
            servers.app_server(APP_PORTS[0], env, tmp_path / "a.log") as a,
            servers.app_server(APP_PORTS[1], env, tmp_path / "b.log") as b,
        ):
            # In the app servers' shared cache, not in nginx's own: the outage below has
            # to be ridden out by the app servers.
            for story in stories:
                for base in (a, b):
                    status = servers.http_get(
                        base + story.get_absolute_url(), {"Host": "news.example.com"}
                    )[0]
                    assert status == 200
            nginx = subprocess.Popen([NGINX, "-c", str(config)], stderr=subprocess.DEVNULL)
            try:
                _wait_for_nginx()
                relay.stop()
                # Pages no cache holds: every app server answers its 503, many times.
                for number in range(12):
                    status, headers, _ = through_nginx(f"/search/?q=outage{number}")
                    assert status == 503 and headers["Retry-After"]
                # Both servers are still in rotation and serve what they cached.
                for story in stories:
                    for _ in range(3):
                        status, _, html = through_nginx(story.get_absolute_url())
                        assert status == 200
                        assert story.headline in html
            finally:
                nginx.terminate()
                nginx.wait(timeout=10)
    finally:
        relay.stop()


def _wait_for_nginx():
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if through_nginx("/healthz/")[0] in (200, 403):
                return
        except OSError:
            pass
        time.sleep(0.05)  # waiting for a process to start, not timing an assertion
    raise RuntimeError("nginx did not start")


def test_the_sample_nginx_takes_the_largest_upload_the_app_accepts():
    limit = re.search(r"client_max_body_size (\d+)m;", SAMPLE.read_text())
    assert limit, "the sample states no body limit"
    assert int(limit.group(1)) * 1024 * 1024 > settings.NEWSROOM_PHOTO_MAX_BYTES
    assert Path(NGINX).exists()
