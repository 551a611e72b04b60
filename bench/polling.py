"""The polling budget: `python -m bench.polling`.

Open News Feed pages and live blogs ask their updates endpoint what changed, every
NEWSROOM_FEED_CHECK_SECONDS (a tenth either way, at random), always revalidating the
answer they hold (If-None-Match), as static/js/feed.js does. This starts gunicorn with
production settings on 127.0.0.1, opens `tabs` such pages for `duration` seconds while
the desk posts now and then (each post purges, so every tab gets one fresh 200), and
reports the server's CPU time over the window as a share of one core: gunicorn's own
processes (the budget: under 5 %), and with the PostgreSQL backends and Redis that serve
them.

`measure(...)` does the whole run and returns the figures; bench.run can call it.
"""

import argparse
import http.client
import json
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from bench.common import RESULTS, ROOT, processes, production_env, serves

BUDGET = 0.05  # of one core
CHECK_SECONDS = 30  # NEWSROOM_FEED_CHECK_SECONDS in production
JITTER = 0.1  # as feed.js spreads its checks
LIVE_BLOG_SLUG = "polling-budget-live"

# Seeds the database the server reads: a News Feed and one running live blog.
SEED = f"""
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Section
from feed.models import FeedEntry
from liveblogs.models import LiveBlog, LiveUpdate
now = timezone.now()
section, _ = Section.objects.get_or_create(slug="polling", defaults={{"name": "Polling"}})
for number in range(60 - FeedEntry.objects.count()):
    FeedEntry.objects.create(
        headline=f"Seeded entry {{number}}", published_at=now - timedelta(minutes=number + 5)
    )
article, created = Article.objects.get_or_create(
    slug="{LIVE_BLOG_SLUG}",
    defaults={{"headline": "Storm on the coast: live", "section": section, "body": "<p>Live.</p>"}},
)
# Published as a bulk seed is, without the desk's checks (no byline or photo needed here).
Article.objects.filter(pk=article.pk).update(
    status="published", published_at=now - timedelta(hours=3)
)
blog, _ = LiveBlog.objects.get_or_create(article=article)
if blog.coverage_end:
    blog.resume_coverage()
for number in range(40 - blog.updates.count()):
    LiveUpdate.objects.create(
        live_blog=blog, body=f"<p>Seeded update {{number}}.</p>",
        published_at=now - timedelta(minutes=number + 5), is_key_event=number % 10 == 0,
    )
"""

# What the desk does meanwhile: one post every `every` seconds, News Feed and live blog
# in turns.
DESK = f"""
import sys, time
import django
django.setup()
from django.utils import timezone
from feed.models import FeedEntry
from liveblogs.models import LiveBlog, LiveUpdate
every, until = float(sys.argv[1]), time.monotonic() + float(sys.argv[2])
blog = LiveBlog.objects.get(article__slug="{LIVE_BLOG_SLUG}")
number = 0
while time.monotonic() + every < until:
    time.sleep(every)
    number += 1
    if number % 2:
        FeedEntry.objects.create(headline=f"Desk entry {{number}}", published_at=timezone.now())
    else:
        LiveUpdate.objects.create(live_blog=blog, body=f"<p>Desk update {{number}}.</p>")
    print(number, flush=True)
"""


def log(message):
    print(message, flush=True)


def environment(database_url, redis_url, **extra):
    return production_env(database_url, files="polling-", REDIS_URL=redis_url, **extra)


def process_cpu(root_pid, database):
    """CPU seconds used so far, by process id: gunicorn (the process `root_pid` and its
    children) apart from the PostgreSQL backends of `database` and Redis."""
    gunicorn, others = {}, {}
    for pid, parent, name, title, seconds in processes():
        if root_pid in (pid, parent):
            gunicorn[pid] = seconds
        elif serves(name, title, database):
            others[pid] = seconds
    return gunicorn, others


def used(before, after):
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def wait_for(base_port, process, log_file):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log_file}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=2)
            connection.request("GET", "/healthz/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start in 60 s")


def shown_ids(html, into):
    """The ids a freshly opened page sends (`?shown=`): its list's entries, in order."""
    part = html.split(f'id="{into}"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'data-entry="(\d+)"', part)[:100]


class Tab:
    """One open page: the address it asks and the ETag of the answer it holds."""

    def __init__(self, path, due):
        self.path, self.due, self.etag = path, due, None


def _fetch(connection, path, headers):
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
    response = connection.getresponse()
    body = response.read()
    return response.status, response.getheader("ETag"), body


def poll(port, tabs, duration, interval, connections):
    """Runs the tabs for `duration` seconds: each asks at its own moment, revalidating.
    Returns the statuses counted, and how many checks fell behind their moment by more
    than a second (the server kept up if none did)."""
    due = queue.PriorityQueue()
    for number, tab in enumerate(tabs):
        due.put((tab.due, number, tab))
    statuses, late, lock = {}, [0], threading.Lock()
    start = time.monotonic()
    stop = start + duration

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                moment, number, tab = due.get(timeout=1)
            except queue.Empty:
                if time.monotonic() >= stop:
                    return
                continue
            if moment >= stop:
                due.put((moment, number, tab))
                return
            wait = moment - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            elif wait < -1:
                with lock:
                    late[0] += 1
            headers = {"If-None-Match": tab.etag} if tab.etag else {}
            try:
                status, etag, _body = _fetch(connection, tab.path, headers)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, etag = "error", None
            if status == 200 and etag:
                tab.etag = etag
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            spread = interval * random.uniform(1 - JITTER, 1 + JITTER)
            due.put((moment + spread, number, tab))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, late[0]


def measure(
    *,
    tabs=1000,
    live_share=0.3,
    duration=120.0,
    interval=CHECK_SECONDS,
    port=8200,
    workers=2,
    threads=4,
    database_url=None,
    redis_url="redis://127.0.0.1:6379/6",
    post_every=30.0,
    connections=64,
    seed=True,
):
    """Start gunicorn (production settings, page cache on), open `tabs` pages, a share
    `live_share` of them on a live blog and the rest on the News Feed, each checking every
    `interval` seconds for `duration` seconds while the desk posts every `post_every`
    seconds, and return the server's cost as a dict: `gunicorn_core_share` is the budget's
    figure (CPU seconds of gunicorn's processes / wall seconds)."""
    database_url = database_url or os.environ.get(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/newsroom"
    )
    database = urlsplit(database_url).path.lstrip("/")
    RESULTS.mkdir(exist_ok=True)
    prefix = f"polling-{int(time.time())}"
    env = environment(database_url, redis_url, NEWSROOM_CACHE_PREFIX=prefix)
    if seed:
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                       cwd=ROOT, env=env, check=True)  # fmt: skip
        subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                   cwd=ROOT, env=env, check=True)  # fmt: skip
    server_env = {
        **env,
        "NEWSROOM_PAGE_CACHE_SECONDS": "600",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "DATABASE_CONN_MAX_AGE": str(24 * 3600),
    }
    log_path = RESULTS / "gunicorn-polling.log"
    with open(log_path, "wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application",
             "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--max-requests", "0", "--preload"],
            cwd=ROOT, env=server_env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for(port, server, log_path)
            return _run(
                server, port, database, server_env, tabs=tabs, live_share=live_share,
                duration=duration, interval=interval, post_every=post_every,
                connections=connections, workers=workers, threads=threads,
            )  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)


def _run(server, port, database, env, *, tabs, live_share, duration, interval, post_every,
         connections, workers, threads):  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    _status, _etag, feed_html = _fetch(connection, "/", {})
    live_path = f"/articles/{LIVE_BLOG_SLUG}/"
    _status, _etag, live_html = _fetch(connection, live_path, {})
    feed_check = "/feed/updates/?shown=" + ",".join(shown_ids(feed_html.decode(), "feed-entries"))
    live_check = f"{live_path}live/updates/?shown=" + ",".join(
        shown_ids(live_html.decode(), "live-updates")
    )
    live_tabs = round(tabs * live_share)
    now = time.monotonic()
    # Pages opened at random moments before the window: their checks are spread over it.
    opened = [
        Tab(live_check if number < live_tabs else feed_check, now + random.uniform(0, interval))
        for number in range(tabs)
    ]
    # Each tab holds the answer its page got when it opened (feed.js asks at once).
    for tab in opened:
        status, etag, _body = _fetch(connection, tab.path, {})
        if status != 200:
            raise SystemExit(f"{tab.path} answered {status}")
        tab.etag = etag
        tab.due = time.monotonic() + random.uniform(0, interval)
    connection.close()

    desk = subprocess.Popen(
        [sys.executable, "-c", DESK, str(post_every), str(duration)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    gunicorn_before, others_before = process_cpu(server.pid, database)
    started = time.monotonic()
    statuses, late = poll(port, opened, duration, interval, connections)
    wall = time.monotonic() - started
    gunicorn_after, others_after = process_cpu(server.pid, database)
    posts = len(desk.communicate(timeout=60)[0].split())
    gunicorn_seconds = used(gunicorn_before, gunicorn_after)
    serving_seconds = gunicorn_seconds + used(others_before, others_after)
    requests = sum(statuses.values())
    return {
        "tabs": tabs,
        "live_blog_tabs": live_tabs,
        "interval_seconds": interval,
        "duration_seconds": round(wall, 1),
        "workers": workers,
        "threads": threads,
        "desk_posts": posts,
        "requests": requests,
        "requests_per_second": round(requests / wall, 1),
        "statuses": {str(status): count for status, count in sorted(statuses.items(), key=str)},
        "late_checks": late,
        "gunicorn_cpu_seconds": round(gunicorn_seconds, 3),
        "gunicorn_core_share": round(gunicorn_seconds / wall, 4),
        "serving_cpu_seconds": round(serving_seconds, 3),
        "serving_core_share": round(serving_seconds / wall, 4),
        "budget_core_share": BUDGET,
        "within_budget": gunicorn_seconds / wall < BUDGET,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tabs", type=int, default=1000)
    parser.add_argument("--live-share", type=float, default=0.3)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--interval", type=float, default=CHECK_SECONDS)
    parser.add_argument("--port", type=int, default=int(os.environ.get("POLLING_PORT", 8200)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    parser.add_argument("--post-every", type=float, default=30.0)
    args = parser.parse_args()
    result = measure(
        tabs=args.tabs, live_share=args.live_share, duration=args.duration,
        interval=args.interval, port=args.port, workers=args.workers, threads=args.threads,
        database_url=args.database_url, redis_url=args.redis_url, post_every=args.post_every,
    )  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "polling.json").write_text(json.dumps(result, indent=2) + "\n")
    log(json.dumps(result, indent=2))
    share = result["gunicorn_core_share"]
    log(
        f"{result['tabs']} open tabs: gunicorn used {share:.1%} of one core (budget "
        f"{BUDGET:.0%}); with PostgreSQL and Redis {result['serving_core_share']:.1%}."
    )
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
