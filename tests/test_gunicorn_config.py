"""deploy/gunicorn.conf.py: two app servers on one host keep a control socket each."""

import pytest
from django.db import connection

from . import servers
from .deployed import start_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_masters_on_one_host_do_not_remove_each_others_control_socket(tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    env = {
        **servers.production_env(servers.database_url(connection.settings_dict), static_root),
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    with open(tmp_path / "a.log", "wb") as log_a, open(tmp_path / "b.log", "wb") as log_b:
        first, second = start_gunicorn(8151, env, log_a), start_gunicorn(8152, env, log_b)
        try:
            for process, port, log in ((first, 8151, "a.log"), (second, 8152, "b.log")):
                servers._wait_until_up(f"http://127.0.0.1:{port}", process, tmp_path / log)
            sockets = sorted(path.name for path in tmp_path.glob("*.ctl"))
            assert len(sockets) == 2, sockets
            second.terminate()
            second.wait(timeout=30)
            assert [path.name for path in tmp_path.glob("*.ctl")] == [
                name for name in sockets if "8151" in name
            ]
        finally:
            for process in (first, second):
                process.terminate()
                process.wait(timeout=30)


def test_a_worker_is_replaced_when_its_memory_grows_not_after_a_request_count(tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    env = {
        **servers.production_env(servers.database_url(connection.settings_dict), static_root),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "GUNICORN_MAX_WORKER_MB": "1",  # every worker is over it after one request
    }
    base = "http://127.0.0.1:8153"
    with open(tmp_path / "server.log", "wb") as log:
        process = start_gunicorn(8153, env, log)
        try:
            servers._wait_until_up(base, process, tmp_path / "server.log")
            for _ in range(3):
                assert servers.http_get(base + "/healthz/")[0] == 200
        finally:
            process.terminate()
            process.wait(timeout=30)
    text = (tmp_path / "server.log").read_text()
    assert "replacing it" in text
    assert text.count("Booting worker") >= 2
    assert "Autorestarting worker" not in text  # gunicorn's own max_requests recycling
