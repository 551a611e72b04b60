"""gunicorn settings for the newsroom's app servers: `gunicorn -c deploy/gunicorn.conf.py
newsroom.wsgi`. Every value can be overridden on the command line or by environment.

gunicorn is never exposed to readers directly: its workers hold a thread for as long as a
client takes to send a request or read a response, so a few slow clients would tie them
up. It always runs behind nginx (deploy/nginx.conf) or a load balancer that buffers.
"""

import os
import re
import resource
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core is a good start.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# Threads wait on the database and Redis, they do not compute: enough of them that the
# requests a hung database holds (each for at most NEWSROOM_DATABASE_HANG_SECONDS, and
# then one probe a second) never leave cached pages, /healthz/ and static files queueing.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 16))
# Behind the proxy: it holds the slow clients, we keep its connections open a while.
keepalive = 5
timeout = 30
graceful_timeout = 30
# No recycling by request count: at breaking-news rates a fixed count restarts a worker
# many times a minute, and each restart costs its warm caches and a cold start (halving
# throughput in a 64-connection soak). A slow leak is caught by memory instead: a worker
# whose resident memory passes GUNICORN_MAX_WORKER_MB finishes its requests and is
# replaced (see post_request below).
max_requests = 0
max_worker_mb = int(os.environ.get("GUNICORN_MAX_WORKER_MB", 768))
# Trust X-Forwarded-* only from the proxy on this host or network.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# One control socket per instance (named after what it binds), so two masters on one host
# never remove each other's.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(
    os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir(),
    f"gunicorn-newsroom-{re.sub(r'[^A-Za-z0-9.]+', '-', bind)}.ctl",
)


def post_request(worker, req, environ, resp):
    """Replace a worker once its memory has grown past max_worker_mb (a leak), gracefully:
    it stops taking requests, finishes those it holds and exits; the master starts anew."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if worker.alive and peak_mb > max_worker_mb:
        worker.log.warning("Worker %s at %.0f MB: replacing it.", worker.pid, peak_mb)
        worker.alive = False
