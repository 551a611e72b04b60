"""Demo content: the model page's article and News Feed, plus enough entries that
Show More matters. Loading twice changes nothing; images are drawn with Pillow."""

import io
import random
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, ArticleAuthor, Author, Caption, Section
from feed import publishing
from feed.models import FeedEntry
from labels.models import Label
from photos.models import Photo

# The demo's accounts, each named for what it is; the password is the username.
# (username, role, first name): the superuser, and one of each newsroom role (the groups
# `migrate` makes, desk/roles.py).
DEMO_ACCOUNTS = [
    ("admin", None, "Ada"),
    ("editor", "Editor", "Edith"),
    ("writer", "Writer", "Wanda"),
]
DEMO_USERNAME = DEMO_PASSWORD = "admin"
# Where the development server runs unless `make run` says otherwise (HOST, PORT).
DEMO_DOMAIN = "127.0.0.1:8000"
# A Site domain the demo may move with the development server: the placeholder of a fresh
# database, or a local address it set itself.
_LOCAL_DOMAIN = re.compile(r"^(example\.com|(127\.0\.0\.1|localhost|0\.0\.0\.0|\[::1\])(:\d+)?)$")

SEED_HEADLINE = "Russia has deployed nearly 60,000 troops to Kursk Oblast, media reports"
SEED_CAPTION = (
    "A Ukrainian drone Unit commander with the call sign Boxer (R) stands in front of Ukrainian "
    "vehicles parked at a Ukrainian military position and former Russian military position in "
    "the Ukrainian-controlled territory of Sudzha, Kursk Oblast, Russia, on Aug. 18, 2024."
)
SEED_CREDIT = "Ed Ram/For The Washington Post via Getty Images"
SEED_BODY = [
    "Nearly 60,000 Russian army personnel are currently stationed in Russia's Kursk Oblast, "
    "Suspilne reported on Nov. 22, citing its undisclosed source in the General Staff of "
    "Ukraine's Armed Forces.",
    "Earlier reports from Ukrainian authorities said Russia had amassed 50,000 troops in Kursk "
    "Oblast, including North Korean soldiers, to attempt to push the Ukrainian military out of "
    "its territory.",
    "Ukrainian forces will remain in Kursk Oblast as long as “militarily possible,” the source "
    "said.",
    "According to the source, the General Staff believes that the Russian troops are planning to "
    "reach the border with Sumy Oblast to create a “buffer zone” there, as Ukraine looked to do "
    "with its incursion into Kursk Oblast.",
    "Kyiv launched the surprise offensive into Kursk Oblast on Aug. 6. Russian forces have "
    "managed to reclaim around half of the territory initially captured by Ukrainian troops.",
    "Russia has also deployed thousands of North Korean troops in the embattled region, with "
    "some reportedly already clashing with Ukraine in small-scale battles. Around 11,000 North "
    "Korean soldiers were stationed in Kursk Oblast as of Nov. 4.",
    "According to Commander-in-Chief Oleksandr Syrskyi, Russian forces have suffered 7,905 "
    "soldiers killed, 12,220 injured, and 717 captured during the three months of the Kursk "
    "offensive.",
]

# The model page's feed entries, newest first: (headline, label, summary).
SEED_ENTRIES = [
    (
        "What is the Votkinsk Plant, one of Russia's key missile factories?",
        "",
        "The Votkinsk Plant is a strategic, state-owned defense enterprise and one of the most "
        "important missile factories in Russia. It produces Iskander ballistic missiles — used "
        "in attacks against Ukraine — and nuclear-armed intercontinental ballistic missiles.",
    ),
    (
        "Putin signs law letting the FSB order internet disconnections",
        "",
        "Russian President Vladimir Putin signed a law on Feb. 20, framed by authorities as a "
        "measure to counter security threats and potential attacks, granting Russia’s Federal "
        "Security Service (FSB) broad authority to order the disconnection of individuals from "
        "mobile and home internet services.",
    ),
    (
        "KI Insights launches its podcast, Ukraine Insights",
        "Company news",
        "The Kyiv Independent’s separate analytical unit, KI Insights, is excited to announce the "
        "launch of its podcast, Ukraine Insights — a show dedicated to unpacking Ukraine’s "
        "politics, security, economy, and international relations through in-depth, "
        "expert-driven conversations.",
    ),
    (
        "The soldier who survived a Russian FPV drone strike",
        "Video",
        "In December 2023, Hlib Benia, a Ukrainian soldier with the 79th Separate Air Assault "
        "Brigade, was delivering supplies to his comrades when Russian FPV (first-person view) "
        "drones struck. Two of his fellow soldiers were killed. He survived but lost an arm and "
        "a leg.",
    ),
]

TOPICS = [
    ("Energy", "Power engineers restore supply in {place} after overnight attack",
     "Repair crews worked through the night to reconnect homes and hospitals in {place}."),
    ("Economy", "Central bank holds key rate as inflation slows in {place}",
     "Analysts in {place} expect the rate to stay unchanged until the spring."),
    ("Defence", "Air defence downs drones over {place}, regional governor says",
     "Debris damaged several buildings in {place}; no casualties were reported."),
    ("Diplomacy", "Foreign ministers meet in {place} to discuss security guarantees",
     "Delegations in {place} focused on long-term support and reconstruction funding."),
    ("Culture", "Museum in {place} reopens with a wartime photography exhibition",
     "The exhibition in {place} gathers work by frontline photographers."),
    ("Society", "Volunteers in {place} open a new shelter for displaced families",
     "The shelter in {place} can house up to 120 people and offers legal advice."),
]  # fmt: skip
PLACES = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia", "Sumy", "Poltava", "Chernihiv",
          "Mykolaiv", "Kherson", "Vinnytsia", "Zhytomyr"]  # fmt: skip
LABELS = ["", "", "", "Video", "Company news", "Analysis"]

EXTRA_ARTICLES = [
    ("war", "Ukraine", "Drone makers in Ukraine scale up production ahead of winter",
     ["drones", "defence industry"]),
    ("business", "Business", "Grain exports through Black Sea ports reach a two-year high",
     ["economy", "grain"]),
    ("culture", "Culture", "A Kyiv theatre stages its season in a metro station",
     ["culture", "kyiv"]),
]  # fmt: skip

EXTRA_ENTRIES = 64


@dataclass
class DemoResult:
    created: dict = field(default_factory=dict)
    photos: list = field(default_factory=list)  # drawn, with files in storage

    def add(self, kind, created):
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1

    @property
    def total(self):
        return sum(self.created.values())

    def delete_drawn_files(self):
        """For a run whose rows were rolled back: the files drawn for them go too."""
        for photo in self.photos:
            photo.delete_files()


def draw_photo(seed, size=(1600, 900)):
    """A landscape-like JPEG: a sky gradient, hills and a sun, varied by `seed`."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top = (rng.randint(40, 120), rng.randint(80, 160), rng.randint(150, 230))
    bottom = (rng.randint(180, 250), rng.randint(150, 220), rng.randint(100, 180))
    for y in range(height):
        mix = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)),
        )
    sun_x, sun_y = rng.randint(200, width - 200), rng.randint(100, height // 2)
    draw.ellipse([sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70], fill=(255, 226, 140))
    for layer in range(3):
        shade = 40 + layer * 30
        base = height * (0.55 + layer * 0.15)
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base + rng.randint(-60, 60)))
        points.append((width, height))
        draw.polygon(points, fill=(shade, shade + 30, shade))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue(), name=f"demo-{seed}.jpg")


def _photo(seed, caption, credit, alt_text, result):
    photo = Photo(caption=caption, credit=credit, alt_text=alt_text)
    photo.image.save(f"demo-{seed}.jpg", draw_photo(seed), save=False)
    photo.save()
    result.add("photos", True)
    result.photos.append(photo)
    return photo


def _article(result, *, slug, section, headline, standfirst, paragraphs, authors, tags,
             published_at, photo_seed, caption, credit, alt_text):  # fmt: skip
    article, created = Article.objects.get_or_create(
        slug=slug,
        defaults={
            "section": section,
            "headline": headline,
            "standfirst": standfirst,
            "body": "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        },
    )
    result.add("articles", created)
    if not created:
        return article
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.tags.set(tags)
    photo = _photo(photo_seed, caption, credit, alt_text, result)
    Caption.objects.create(article=article, photo=photo)
    publishing.publish(article, at=published_at)
    # It went live at its time, as an imported story does: nothing looks overdue.
    article.went_live_at = published_at
    article.save(update_fields=["went_live_at", "modified_at"])
    return article


def demo_accounts(result):
    """The superuser and a Writer and an Editor in their groups, each password its name.
    A database from an older demo, whose `editor` was a superuser, gets the Editor role."""
    user_model = get_user_model()
    for username, role, first_name in DEMO_ACCOUNTS:
        user = user_model.objects.filter(username=username).first()
        created = user is None
        if created:
            make = (
                user_model.objects.create_superuser
                if role is None
                else user_model.objects.create_user
            )
            user = make(username, f"{username}@example.com", username, first_name=first_name,
                        last_name="Demo", is_staff=True)  # fmt: skip
        elif role is not None and user.is_superuser and user.email == f"{username}@example.com":
            user.is_superuser = False
            user.save(update_fields=["is_superuser"])
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        result.add("users", created)


def serve_at(domain):
    """Point absolute links (canonical, "View on site", Open Graph, feeds) at the address
    the development server runs on, unless the site was given a real domain."""
    site = Site.objects.get_current()
    if site.domain == domain or not _LOCAL_DOMAIN.match(site.domain):
        return False
    site.domain, site.name = domain, settings.NEWSROOM_NAME
    site.save()
    return True


@transaction.atomic
def load_demo(domain=None):
    result = DemoResult()
    now = timezone.now()

    # Absolute links (canonical, feeds, sitemaps) name the current Site: point a fresh
    # database's placeholder at the development server.
    if serve_at(domain or DEMO_DOMAIN):
        result.add("site settings", True)
    demo_accounts(result)

    sections = {}
    for position, (slug, name, in_feed, description) in enumerate([
        ("news-feed", "News Feed", True, "Short updates as the news happens."),
        ("war", "Ukraine", True, "The war and its consequences."),
        ("business", "Business", False, "Economy, companies and markets."),
        ("culture", "Culture", False, "Arts, books, film and ideas."),
    ]):  # fmt: skip
        sections[slug], created = Section.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "position": position,
                "in_news_feed": in_feed,
                "description": description,
            },  # fmt: skip
        )
        result.add("sections", created)

    authors = {}
    for slug, name, role, bio in [
        ("olena-kovalenko", "Olena Kovalenko", "Reporter",
         "Olena covers the war in Ukraine's north-east and Russia's border regions."),
        ("taras-melnyk", "Taras Melnyk", "News editor",
         "Taras edits the News Feed and writes about defence and security."),
        ("iryna-bondar", "Iryna Bondar", "Business reporter",
         "Iryna writes about Ukraine's economy, energy and trade."),
    ]:  # fmt: skip
        authors[slug], created = Author.objects.get_or_create(
            slug=slug, defaults={"name": name, "role": role, "bio": bio}
        )
        result.add("authors", created)

    _article(
        result,
        slug="russia-deploys-nearly-60000-troops-to-kursk-oblast",
        section=sections["news-feed"],
        headline=SEED_HEADLINE,
        standfirst="Nearly 60,000 Russian army personnel are stationed in Kursk Oblast, "
        "according to a source in Ukraine's General Staff.",
        paragraphs=SEED_BODY,
        authors=[authors["olena-kovalenko"], authors["taras-melnyk"]],
        tags=["Kursk Oblast", "Russia", "North Korea"],
        published_at=now - timedelta(minutes=5),
        photo_seed=1,
        caption=SEED_CAPTION,
        credit=SEED_CREDIT,
        alt_text="A soldier stands in front of military vehicles parked in a field in Sudzha.",
    )
    for index, (section_slug, _name, headline, tags) in enumerate(EXTRA_ARTICLES, start=2):
        place = PLACES[index]
        _article(
            result,
            slug=headline.lower().replace(" ", "-")[:80].strip("-"),
            section=sections[section_slug],
            headline=headline,
            standfirst=f"Reporting from {place} and beyond.",
            paragraphs=[
                f"{headline}, according to officials and people working in {place}.",
                "The story is developing and will be updated as more becomes known.",
            ],
            authors=[
                authors["iryna-bondar"]
                if section_slug == "business"
                else authors["olena-kovalenko"]
            ],  # fmt: skip
            tags=tags,
            published_at=now - timedelta(hours=index * 3),
            photo_seed=index,
            caption=f"A street in {place} in November.",
            credit="Newsroom photo",
            alt_text=f"A landscape near {place} at dusk.",
        )

    for index, (headline, label, summary) in enumerate(SEED_ENTRIES):
        published_at = now - timedelta(minutes=20 + 45 * index)
        _, created = FeedEntry.objects.get_or_create(
            guid=f"demo:seed:{index}",
            defaults={
                "headline": headline,
                "label": Label.objects.for_name(label),
                "summary": summary,
                "published_at": published_at,
                "updated_at": published_at + timedelta(minutes=15) if index < 2 else None,
            },
        )
        result.add("feed entries", created)

    rng = random.Random(2024)
    for index in range(EXTRA_ENTRIES):
        topic, headline, summary = TOPICS[index % len(TOPICS)]
        place = PLACES[index % len(PLACES)]
        # Every tenth entry shares its time with the one before: ties happen in a real feed.
        minutes = 240 + 50 * (index - (index % 10 == 9))
        published_at = now - timedelta(minutes=minutes)
        _, created = FeedEntry.objects.get_or_create(
            guid=f"demo:extra:{index}",
            defaults={
                "headline": headline.format(place=place),
                "summary": summary.format(place=place),
                "label": Label.objects.for_name(LABELS[index % len(LABELS)]),
                "published_at": published_at,
                "updated_at": published_at + timedelta(minutes=rng.randint(10, 200))
                if index % 4 == 0
                else None,
            },
        )
        result.add("feed entries", created)
    return result
