"""Real app server processes, for what one test process cannot show: several servers
sharing one Redis, and a database that goes away and comes back."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET_KEY = "test-only-" + "k3y-" * 12
STARTUP_SECONDS = 30


def _host(settings_dict):
    # A socket directory may come as HOST or, from a ?host= URL, as OPTIONS["host"].
    return settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host") or "127.0.0.1"


def database_url(settings_dict, port=None):
    """The test database's URL; with `port`, through a relay listening on 127.0.0.1."""
    user = settings_dict.get("USER") or "postgres"
    host = _host(settings_dict)
    if port is None and host.startswith("/"):  # the project-local server's socket
        return f"postgresql://{user}@/{settings_dict['NAME']}?host={host}"
    if port is None:
        port = settings_dict.get("PORT") or 5432
    else:
        host = "127.0.0.1"
    return f"postgresql://{user}@{host}:{port}/{settings_dict['NAME']}"


def database_address(settings_dict):
    """Where PostgreSQL listens: a (host, port) pair, or a Unix socket path."""
    host = _host(settings_dict)
    port = int(settings_dict.get("PORT") or 5432)
    if host.startswith("/"):
        return f"{host}/.s.PGSQL.{port}"
    return (host, port)


def production_env(database, static_root, **extra):
    """Production settings, less HTTPS: the test talks plain HTTP on 127.0.0.1."""
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": TEST_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "NEWSROOM_STATIC_ROOT": str(static_root),
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process only
    env.update({key: str(value) for key, value in extra.items()})
    return env


def collect_static(static_root):
    env = production_env("postgresql://postgres@127.0.0.1:5432/unused", static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def http_get(url, headers=None):
    """(status, headers, body) without following redirects or raising on errors."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


@contextlib.contextmanager
def app_server(port, env, log_path):
    """One gunicorn process with a single worker; yields its base URL once it answers."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log_path)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_until_up(base, process, log_path):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Server exited early:\n{Path(log_path).read_text()}")
        try:
            if http_get(f"{base}/healthz/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)  # waiting for a process to start, not timing an assertion
    raise RuntimeError(f"Server did not start:\n{Path(log_path).read_text()}")


class TcpProxy:
    """A TCP relay to PostgreSQL that a test can cut, as an outage would."""

    def __init__(self, port, target=("127.0.0.1", 5432)):
        self.port, self.target = port, target
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def stop(self):
        """Refuse new connections and drop every open one."""
        with self.lock:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            self.listener.close()
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if isinstance(self.target, str):
                upstream = socket.socket(socket.AF_UNIX)
                upstream.connect(self.target)
            else:
                upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


def manage(env, *args, timeout=120):
    """Run a manage.py command as its own process (as a staff shell or cron would); it
    has exited when this returns."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class RedisServer:
    """A redis-server process of the test's own on `port`, keeping its snapshot (written
    only when asked) in `directory`, so a test can hang it, stop it and restart it from
    an older snapshot."""

    def __init__(self, port, directory):
        self.port, self.directory = port, Path(directory)
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        log = open(self.directory / f"redis-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
                *("--dir", str(self.directory), "--dbfilename", "dump.rdb"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if self.command("PING"):
                    return self
            time.sleep(0.05)  # waiting for a process to start, not timing an assertion
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def command(self, *args):
        import redis

        with redis.Redis(port=self.port, socket_timeout=5) as client:
            return client.execute_command(*args)

    def hang(self):
        """Stopped, not gone: connections are accepted and nothing is answered."""
        import signal

        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        import signal

        os.kill(self.process.pid, signal.SIGCONT)

    def snapshot(self):
        self.command("SAVE")

    def stop(self, *, snapshot=False):
        """Shut down (writing a snapshot first when asked), as for maintenance."""
        if self.process is None or self.process.poll() is not None:
            return
        self.resume()
        with contextlib.suppress(Exception):  # the server closes the connection as it exits
            self.command("SHUTDOWN", "SAVE" if snapshot else "NOSAVE")
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
