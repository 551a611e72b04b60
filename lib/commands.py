"""What every staff management command shares: `--quiet`, a progress bar that stays silent
off a terminal, and the rollback that makes `--dry-run` report exactly what a real run would do."""

import sys
from contextlib import contextmanager

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm


def quiet_progress(iterable, **kwargs):
    """The progress callable functions use when nobody is watching: the iterable itself."""
    return iterable


def progress_bar(*, quiet=False, stream=None):
    """A callable wrapping an iterable in a tqdm bar, or in nothing when `quiet` or off a TTY."""
    stream = stream or sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        return quiet_progress

    def wrap(iterable, **kwargs):
        kwargs.setdefault("dynamic_ncols", True)
        return tqdm(iterable, file=stream, **kwargs)

    return wrap


@contextmanager
def rolled_back_if(dry_run):
    """Run a dry run's block in one transaction rolled back at the end; a real run's
    block runs as it is, so its own per-item transactions commit one by one."""
    if not dry_run:
        yield
        return
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class StaffCommand(BaseCommand):
    """A management command with `--quiet` and `self.progress` for long work."""

    changes_data = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="No progress bar (it is also hidden when output is not a terminal).",
        )
        if self.changes_data:
            parser.add_argument(
                "--dry-run",
                action="store_true",
                help="Report what would change without writing anything.",
            )
        return parser

    def report(self, problems, message):
        """One line on stderr per (position, detail) pair: `message` names them {0} and {1}."""
        for position, detail in problems:
            self.stderr.write(message.format(position, detail))

    def execute(self, *args, **options):
        quiet = options.get("quiet") or options.get("verbosity", 1) == 0
        self.progress = progress_bar(quiet=quiet, stream=self.stderr._out)
        return super().execute(*args, **options)
