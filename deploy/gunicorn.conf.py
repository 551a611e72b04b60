"""gunicorn settings for the newsroom's app servers: `gunicorn -c deploy/gunicorn.conf.py
newsroom.wsgi`. Every value can be overridden on the command line or by environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One process per core is a good start; a thread or four each hide database round trips.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
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
