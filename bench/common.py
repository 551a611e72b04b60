"""What the benchmark's parts share: where it lives, its databases, how it asks for a page."""

import os
import statistics
import subprocess
import sys
import time
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


def processes():
    """(pid, parent pid, name, command line, CPU seconds so far) of every process, read
    from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                head, tail = stat.read().rsplit(")", 1)
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                title = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone while the list was read
            continue
        fields = tail.split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        yield int(entry.name), int(fields[1]), head.split("(", 1)[1], title, seconds


def serves(name, title, database):
    """Whether a process serves the benchmark beside the app server: a PostgreSQL backend
    of `database`, or Redis (the machine's one server, which cached pages use)."""
    return (name == "postgres" and f" {database} " in title) or name == "redis-server"


def time_page(client, url, *, warmup, repeat):
    """Milliseconds (median, fastest, slowest) `client` takes to get `url` over `repeat`
    requests after `warmup`, with the queries one request sends and its size."""
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Counted as sent: a request's start empties the connection's own query log.
    with connection.execute_wrapper(record):
        response = client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "queries": len(statements),
        "bytes": len(response.content),
    }


class Gunicorn:
    """gunicorn as deploy/gunicorn.conf.py runs it, serving the benchmark's application
    (bench/wsgi.py) on 127.0.0.1:`port` with `env`, logging to `log_path`; `options` are
    further command-line options. Entered once it answers its health check."""

    def __init__(self, port, env, log_path, *options):
        self.port, self.env, self.log_path, self.options = port, env, log_path, options
        self.base = f"http://127.0.0.1:{port}"
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench.wsgi:application"]
            + ["--config", str(ROOT / "deploy" / "gunicorn.conf.py")]
            + ["--bind", f"127.0.0.1:{self.port}", *self.options],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                if http_get(self.base + "/healthz/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not start in 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
