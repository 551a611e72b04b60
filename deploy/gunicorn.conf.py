"""gunicorn settings for the newsroom's app servers: `gunicorn -c deploy/gunicorn.conf.py
newsroom.wsgi`. Every value can be overridden on the command line or by environment.

gunicorn is never exposed to readers directly: its workers hold a thread for as long as a
client takes to send a request or read a response, so a few slow clients would tie them
up. It always runs behind nginx (deploy/nginx.conf) or a load balancer that buffers.
"""

import os
import re
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
# Recycle workers now and then so a slow leak never becomes an outage.
max_requests = 5000
max_requests_jitter = 500
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
