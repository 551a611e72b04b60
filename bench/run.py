"""The newsroom benchmark: `make bench` (or `python -m bench.run --help`).

Seeds a separate PostgreSQL database, starts gunicorn with production settings on
127.0.0.1, drives it with wrk and reports requests per second, p50 and p99 for each page,
cached and uncached, each also as a share of the floor: a bare Django view answering the
same bytes from memory under the same server. Ends with the breaking-news load
(bench/breaking.py): 64 connections over a mix of pages, quiet and then while the desk
publishes, with no errors and no stale answer. Results go to bench-results/ as JSON.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import psycopg

from bench import admin_pages, breaking, polling
from bench.common import (
    RESULTS,
    ROOT,
    Gunicorn,
    database_rows,
    http_get,
    log,
    processes,
    production_env,
    serves,
    with_database,
)

PAGES = ["feed_first", "feed_deep", "article", "search"]
# The benchmark's 500 article URLs are drawn from the newest 10,000 published stories.
RELATED_CHOSEN = 10_000
# The parts of a run: the pages uncached and cached, the breaking-news load, 1,000 open
# tabs polling (bench/polling.py) and the admin at 100,000 articles (bench/admin_pages.py).
MODES = ["uncached", "cached", "breaking", "polling", "admin"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=int(os.environ.get("ARTICLES", 10_000)))
    parser.add_argument("--entries", type=int, default=int(os.environ.get("ENTRIES", 50_000)))
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or with_database(
            os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/newsroom"),
            "newsroom_bench",
        ),
        help="The benchmark's own database (default: newsroom_bench beside DATABASE_URL).",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8106)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("GUNICORN_THREADS", 4)),
        help="Threads per gunicorn worker.",
    )
    parser.add_argument(
        "--settings",
        default=os.environ.get("BENCH_SETTINGS", "newsroom.settings"),
        help="Django settings module the server runs with.",
    )
    parser.add_argument("--duration", type=int, default=10, help="Seconds per page run.")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="Runs per page, taken in turns with the floor's; the median run is reported, "
        "so a burst of load from elsewhere on the machine moves one run, not the result.",
    )
    parser.add_argument("--connections", type=int, default=16, help="Per page run.")
    parser.add_argument("--mix-duration", type=int, default=60, help="Seconds per mix run.")
    parser.add_argument("--mix-connections", type=int, default=64)
    parser.add_argument(
        "--publish-every", type=float, default=5.0, help="Seconds between the desk's publishes."
    )
    parser.add_argument("--reseed", action="store_true", help="Drop and seed the database again.")
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=MODES,
        default=MODES,
        help="Run only these halves (a partial run reports only its own targets).",
    )
    return parser.parse_args()


def env_for(args, **extra):
    return production_env(args.database_url, DJANGO_SETTINGS_MODULE=args.settings, **extra)


def manage(args, *command, capture=False, **extra):
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env_for(args, **extra),
        check=True,
        text=True,
        capture_output=capture,
    )


def create_database(url):
    """Create the database `url` names unless it exists."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database(args):
    name = urlsplit(args.database_url).path.lstrip("/")
    admin_url = with_database(args.database_url, "postgres")
    rows = database_rows(args.database_url)
    # seed_bulk makes one News Feed entry per published article in a feed section, plus
    # the standalone ones asked for; a database with at least the articles asked is kept.
    wanted_ok = rows and rows[0] == args.articles and rows[1] >= args.entries
    if wanted_ok and not args.reseed:
        log(f"Reusing {name}: {rows[0]} articles, {rows[1]} feed entries.")
        choose_related(args)
        return
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"Seeding {name} with {args.articles} articles and {args.entries} feed entries…")
    manage(args, "migrate", "--no-input", "-v0")
    started = time.perf_counter()
    manage(args, "seed_bulk", str(args.articles), "--entries", str(args.entries), "--seed", "6")
    log(f"Seeded in {time.perf_counter() - started:.0f} s.")
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    choose_related(args)


def choose_related(args):
    """Related stories are chosen as each story is published; bulk seeding skips that, so
    they are chosen here for the stories the benchmark may visit (the newest)."""
    manage(args, "choose_related", "--latest", str(RELATED_CHOSEN), "--quiet")


def targets(args):
    result = subprocess.run(
        [sys.executable, "-m", "bench.targets"],
        cwd=ROOT,
        env=env_for(args),
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(result.stdout)


class Server:
    """gunicorn with the production configuration from deploy/, on 127.0.0.1."""

    def __init__(self, args, cached, label):
        self.args, self.label = args, label
        self.base = f"http://127.0.0.1:{args.port}"
        prefix = f"bench-{label}-{int(time.time())}"
        self.env = env_for(
            args,
            REDIS_URL=args.redis_url,
            NEWSROOM_CACHE_PREFIX=prefix,
            NEWSROOM_PAGE_CACHE_SECONDS=600 if cached else 0,
            BENCH_FLOOR_FILE=RESULTS / "floor.html",
            WEB_CONCURRENCY=args.workers,
            GUNICORN_THREADS=args.threads,
            # Processes keep their database connections, so every backend's CPU is read.
            DATABASE_CONN_MAX_AGE=24 * 3600,
        )
        self.process = None

    def __enter__(self):
        self.gunicorn = Gunicorn(
            self.args.port,
            self.env,
            RESULTS / f"gunicorn-{self.label}.log",
            "--workers",
            str(self.args.workers),
        ).__enter__()
        self.process, self.log = self.gunicorn.process, self.gunicorn.log
        return self

    def __exit__(self, *exc):
        self.gunicorn.__exit__(*exc)


def serving_processes(server):
    """CPU seconds used so far, by process id, by what serves the benchmark: gunicorn (its
    master and workers), the PostgreSQL backends connected to the benchmark's database,
    and Redis."""
    database = urlsplit(server.args.database_url).path.lstrip("/")
    return {
        pid: seconds
        for pid, parent, name, title, seconds in processes()
        if server.process.pid in (pid, parent) or serves(name, title, database)
    }


def cpu_used(before, after):
    """CPU seconds between two `serving_processes` readings; None if a process that
    served ended in between (its last moments cannot be read, so the figure would be low)."""
    if any(pid not in after for pid in before):
        return None
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, *, connections, duration, paths=None, server=None):
    command = [
        "wrk",
        f"--threads={min(4, connections)}",
        f"--connections={connections}",
        f"--duration={duration}s",
        "--timeout=10s",
        "--latency",
        "--header=X-Forwarded-Proto: https",
    ]
    env = dict(os.environ)
    if paths:
        path_file = RESULTS / "paths.txt"
        path_file.write_text("\n".join(paths) + "\n")
        env["BENCH_PATHS"] = str(path_file)
        command.append(f"--script={ROOT / 'bench' / 'rotate.lua'}")
    cpu_before = serving_processes(server) if server else None
    output = subprocess.run(
        [*command, url], check=True, text=True, capture_output=True, env=env
    ).stdout
    cpu = cpu_used(cpu_before, serving_processes(server)) if server else None
    latencies = {pct: float(value) * UNITS[unit] for pct, value, unit in LATENCY.findall(output)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if socket := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in socket.groups())
    if non_2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(non_2xx.group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "cpu_ms_per_request": round(cpu * 1000 / requests, 3) if cpu and requests else None,
        "p50_ms": latencies.get("50"),
        "p99_ms": latencies.get("99"),
        "requests": requests,
        "errors": errors,
    }


def ratio(numerator, denominator):
    return round(numerator / denominator, 3) if numerator and denominator else None


def median_run(runs):
    """The run with the median rate, with every run's rate beside it, and the median
    CPU cost per request."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    costs = [run["cpu_ms_per_request"] for run in runs if run["cpu_ms_per_request"] is not None]
    return {
        **ordered[(len(ordered) - 1) // 2],
        "rps_runs": [run["rps"] for run in runs],
        "cpu_ms_runs": [run["cpu_ms_per_request"] for run in runs],
        "cpu_ms_per_request": statistics.median(costs) if costs else None,
    }


def run_pages(args, server, plan, cached):
    page_urls = {
        "floor": ["/__floor__/"],
        "feed_first": [plan["urls"]["feed_first"]],
        "feed_deep": [plan["urls"]["feed_deep"]],
        "article": plan["article_urls"],
        "search": [plan["urls"]["search"]],
    }
    results = {}
    if plan["statuses"].get("search") != 200:
        log(f"  search: skipped, /search/ answered {plan['statuses'].get('search')}")
        results["search"] = {"skipped": f"/search/ answered {plan['statuses'].get('search')}"}
        del page_urls["search"]
    if cached:  # fill the cache once, as the first readers would
        for paths in page_urls.values():
            for path in paths:
                http_get(server.base + path)
    # Pages take turns with the floor, so each share compares runs made moments apart.
    runs = {name: [] for name in page_urls}
    for _ in range(args.rounds):
        for name, paths in page_urls.items():
            runs[name].append(
                wrk(
                    server.base + paths[0],
                    connections=args.connections,
                    duration=args.duration,
                    paths=paths if len(paths) > 1 else None,
                    server=server,
                )
            )
    for name in page_urls:
        measured = results[name] = median_run(runs[name])
        measured["errors"] = sum(run["errors"] for run in runs[name])
        rates = ", ".join(f"{rps:.0f}" for rps in measured["rps_runs"])
        log(
            f"  {name:<14} {measured['rps']:>9.0f} rps  p50 {measured['p50_ms']:>7.2f} ms  "
            f"p99 {measured['p99_ms']:>7.2f} ms  cpu {measured['cpu_ms_per_request'] or 0:>6.2f} ms"
            f"  errors {measured['errors']}"
            f"  (runs: {rates})"
        )
    floor = results["floor"]
    for result in results.values():
        if "rps" in result:
            result["share_of_floor"] = round(result["rps"] / floor["rps"], 3)
            result["p50_vs_floor"] = round(result["p50_ms"] / floor["p50_ms"], 2)
            result["p99_vs_floor"] = round(result["p99_ms"] / floor["p99_ms"], 2)
            # The same comparison by what each request costs the machine: less noisy.
            result["cpu_share_of_floor"] = ratio(
                floor["cpu_ms_per_request"], result["cpu_ms_per_request"]
            )
    return results


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does this).")
    RESULTS.mkdir(exist_ok=True)
    prepare_database(args)
    manage(args, "collectstatic", "--no-input", "-v0")
    plan = targets(args)
    log(f"Data: {plan['counts']}")
    log(f"Queries per page (uncached, blocks built): {plan['queries_per_page']}")
    log(f"  with the shared blocks kept: {plan['queries_per_page_with_blocks_kept']}")

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        },
        "settings": {
            "articles": args.articles,
            "entries": args.entries,
            "workers": args.workers,
            "threads": args.threads,
            "django_settings": args.settings,
            "connections": args.connections,
            "duration_s": args.duration,
            "rounds": args.rounds,
        },
        "data": plan["counts"],
        "urls": plan["urls"],
        "queries_per_page": plan["queries_per_page"],
        "queries_per_page_with_blocks_kept": plan["queries_per_page_with_blocks_kept"],
        "article_query_counts_seen": plan["article_query_counts_seen"],
    }
    for label, cached in (("uncached", False), ("cached", True)):
        if label not in args.modes:
            continue
        with Server(args, cached, label) as server:
            status, body = http_get(server.base + plan["urls"]["feed_first"])
            if status != 200:
                raise SystemExit(f"The feed answered {status}; see {server.log.name}")
            (RESULTS / "floor.html").write_bytes(body)
            log(f"\n{label.capitalize()} ({len(body)} bytes per feed page):")
            report[label] = run_pages(args, server, plan, cached)
    try:
        if "breaking" in args.modes:
            report["breaking_news"] = breaking.run(args, plan, env_for, wrk, log, RESULTS)
        if "polling" in args.modes:
            log("\nPolling: 1,000 open tabs for 120 s…")
            database_url = with_database(args.database_url, "newsroom_polling")
            create_database(database_url)
            report["polling"] = polling.measure(
                database_url=database_url, redis_url=args.redis_url, port=args.port + 1
            )
            log(f"  gunicorn {report['polling']['gunicorn_core_share']:.3f} of one core")
        if "admin" in args.modes:
            log("\nThe admin at 100,000 articles…")
            admin_database = with_database(args.database_url, "nr_bench_admin")
            report["admin"] = admin_pages.measure(admin_database)
            for name, page in report["admin"]["pages"].items():
                log(f"  {name:<32} {page['median_ms']:>7.1f} ms median, {page['queries']} queries")

    finally:  # what was measured is written, whatever part failed
        write_report(args, report)
    news = report.get("breaking_news")
    if news and (news["breaking"]["errors"] or news["quiet"]["errors"] or news["stale_answers"]):
        raise SystemExit("The breaking-news load had errors or stale answers.")


def write_report(args, report):
    """The targets met or missed, and the whole report as JSON in RESULTS."""
    report["machine"]["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    report["targets"] = {}
    if uncached := report.get("uncached"):
        report["targets"].update(
            {
                "article_uncached_share_at_least_0.15": uncached["article"]["share_of_floor"],
                "feed_uncached_share_at_least_0.20": uncached["feed_first"]["share_of_floor"],
                "search_uncached_share_at_least_0.10": uncached.get("search", {}).get(
                    "share_of_floor"
                ),
                "deep_vs_first_at_least_0.9": round(
                    uncached["feed_deep"]["rps"] / uncached["feed_first"]["rps"], 3
                ),
                "by_cpu_per_request": {
                    name: uncached[name]["cpu_share_of_floor"]
                    for name in ("article", "feed_first", "feed_deep", "search")
                    if name in uncached and "cpu_share_of_floor" in uncached[name]
                },
            }
        )
    if cached := report.get("cached"):
        report["targets"]["cached_shares_at_least_0.9"] = {
            name: result["share_of_floor"]
            for name, result in cached.items()
            if "share_of_floor" in result and name != "floor"
        }
    if news := report.get("breaking_news"):
        report["targets"].update(
            {
                "breaking_vs_quiet_at_least_0.6": news["throughput_vs_quiet"],
                "breaking_p99_ms_under_250": news["breaking"]["p99_ms"],
                "breaking_errors_zero": news["breaking"]["errors"] + news["quiet"]["errors"],
                "breaking_stale_answers_zero": news["stale_answers"],
            }
        )
    if polling_figures := report.get("polling"):
        report["targets"]["polling_1000_tabs_core_share_under_0.05"] = polling_figures[
            "gunicorn_core_share"
        ]
    if admin := report.get("admin"):
        report["targets"]["admin_median_ms_under_150"] = {
            name: page["median_ms"] for name, page in admin["pages"].items()
        }
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{args.articles}-{stamp}.json"
    out.write_text(json.dumps(report, indent=2))
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    log(f"\nTargets: {json.dumps(report['targets'], indent=2)}")
    log(f"Results written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
