"""The deployment as documented, for the tests that run it: gunicorn started with
deploy/gunicorn.conf.py itself, and the collected static files production serves."""

import subprocess
import sys

import pytest

from . import servers


def start_gunicorn(port, env, log, *, workers=1):
    """A gunicorn master as deploy/gunicorn.conf.py runs it, binding 127.0.0.1:`port`."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "newsroom.wsgi"],
        cwd=servers.ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    servers.collect_static(root)
    return root
