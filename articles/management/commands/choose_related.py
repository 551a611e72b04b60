from articles.models import Article, RelatedStories
from lib import pagecache
from lib.commands import StaffCommand


class Command(StaffCommand):
    help = (
        "Choose the related stories of published articles that have none chosen (articles "
        "from before choices were kept, or loaded in bulk); --all chooses again for every one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--latest", type=int, help="Only the latest N published articles (newest first)."
        )
        parser.add_argument(
            "--all", dest="again", action="store_true", help="Also those already chosen."
        )

    def handle(self, *args, latest=None, again=False, **options):
        articles = Article.objects.published().order_by("-published_at", "-id")
        if not again:
            chosen = RelatedStories.objects.values("article_id")
            articles = articles.exclude(pk__in=chosen)
        ids = list(articles.values_list("pk", flat=True)[:latest])
        for number in self.progress(ids, unit="article", desc="Related stories"):
            article = Article.objects.published().filter(pk=number).first()
            if article is not None:
                RelatedStories.choose_for(article)
        if ids:
            pagecache.purge(pagecache.CONTENT)  # the pages show the new choices
        self.stdout.write(f"Chose the related stories of {len(ids)} article(s).")
