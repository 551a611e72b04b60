from django.core.management.base import CommandError

from desk.content_checks import check_content
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "List what readers would see broken on the public site: published photos without "
        "credit or alt text, published articles without authors, and links in article bodies "
        "to articles that do not exist or are not public. Exits non-zero when it finds any, "
        "so cron can alert. Changes nothing."
    )

    def handle(self, *args, **options):
        result = check_content(progress=self.progress)
        for finding in result.findings:
            self.stdout.write(str(finding))
        self.stdout.write(
            f"Checked {result.articles_checked} published article(s) and "
            f"{result.photos_checked} lead photo use(s): {len(result.findings)} problem(s)."
        )
        if result.findings:
            raise CommandError(f"check_content found {len(result.findings)} problem(s).")
