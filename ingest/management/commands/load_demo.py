from ingest.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo
from lib.commands import StaffCommand, rolled_back_if


class Command(StaffCommand):
    help = (
        "Load the demo newsroom: the model page's article with its lead photo, caption and "
        "credit, the News Feed entries, and more entries so that Show More matters. "
        "Running it again changes nothing."
    )
    changes_data = True

    def handle(self, *args, dry_run, **options):
        with rolled_back_if(dry_run):
            result = load_demo()
        if dry_run:
            result.delete_drawn_files()
        if not result.total:
            self.stdout.write("Demo content already loaded: nothing to do.")
            return
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(result.created.items()))
        if dry_run:
            self.stdout.write(f"Dry run: would create {counts}.")
            return
        self.stdout.write(self.style.SUCCESS(f"Created {counts}."))
        if "users" in result.created:
            self.stdout.write(
                f"Log in to the admin as {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}."
            )
