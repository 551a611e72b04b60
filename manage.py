#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # Staff commands and migrations may run long queries: no per-query limit unless given.
    os.environ.setdefault("NEWSROOM_DATABASE_HANG_SECONDS", "0")
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "0")
    if not os.environ.get("DATABASE_URL"):
        # The project-local server `make run` made, found without exporting anything.
        from lib import localdb

        try:
            os.environ["DATABASE_URL"] = localdb.find()
        except localdb.NoDatabase as missing:
            sys.exit(f"manage.py: {missing}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
