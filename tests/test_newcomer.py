"""The first hour of a newcomer: the commands work without exporting anything, the demo's
accounts say what they are, links follow the address the demo is served on, and `make help`
says what can be set."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management import call_command

from articles.models import Article, Author
from desk.scheduling import publish_scheduled
from ingest import demo
from ingest.demo import SEED_HEADLINE, load_demo, serve_at
from lib import localdb

ROOT = Path(__file__).resolve().parent.parent


def run(*command, env=None, cwd=ROOT):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


# manage.py without DATABASE_URL ----------------------------------------------------------


def test_manage_py_without_a_database_says_what_to_do_in_one_line(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    # manage.py as a newcomer runs it, with no local server made yet (.pgdata missing).
    script = (
        "import runpy, sys; from pathlib import Path; import lib.localdb as local; "
        f"local.DATA_DIR = Path({str(tmp_path / 'pgdata')!r}); "
        "sys.argv = ['manage.py', 'createsuperuser']; "
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    result = run(sys.executable, "-c", script, env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"manage.py: {localdb.NO_DATABASE}"]


def test_the_local_server_make_run_made_is_found_and_started(tmp_path, monkeypatch):
    (tmp_path / "PG_VERSION").write_text("17\n")
    started = []

    def start(data_dir):
        started.append(data_dir)
        return "postgresql://postgres@localhost:5499/newsroom"

    monkeypatch.setattr(localdb, "start", start)
    assert localdb.find(tmp_path) == "postgresql://postgres@localhost:5499/newsroom"
    assert started == [tmp_path]


def test_a_local_server_that_will_not_start_is_one_clear_line(tmp_path, monkeypatch):
    (tmp_path / "PG_VERSION").write_text("17\n")

    def start(data_dir):
        raise OSError("could not bind\nport 5499 in use")

    monkeypatch.setattr(localdb, "start", start)
    with pytest.raises(localdb.NoDatabase) as refusal:
        localdb.find(tmp_path)
    message = str(refusal.value)
    assert "\n" not in message
    assert "could not bind port 5499 in use" in message and "make db-stop" in message


def test_manage_py_with_a_database_runs_the_command():
    result = run(
        sys.executable, "manage.py", "shell", "-v0", "-c", "print('ready')", env=os.environ
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ready"


# The demo -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_accounts_are_named_for_what_they_are():
    load_demo()

    admin = authenticate(username="admin", password="admin")
    editor = authenticate(username="editor", password="editor")
    writer = authenticate(username="writer", password="writer")
    assert admin.is_superuser and admin.is_staff
    assert not editor.is_superuser and list(editor.groups.values_list("name", flat=True)) == [
        "Editor"
    ]
    assert not writer.is_superuser and list(writer.groups.values_list("name", flat=True)) == [
        "Writer"
    ]
    assert Author.objects.filter(user__in=[editor, writer]).count() == 2


@pytest.mark.django_db
def test_an_older_demos_superuser_editor_becomes_an_editor(django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", "editor")
    load_demo()

    editor = django_user_model.objects.get(username="editor")
    assert not editor.is_superuser and editor.groups.filter(name="Editor").exists()


def test_make_run_prints_all_three_accounts_and_make_help_the_variables():
    planned = run("make", "-n", "run").stdout
    printed = "\n".join(re.findall(r'echo "([^"]*)"', planned))
    for account in ("admin", "editor", "writer"):
        assert re.search(rf"^\s*{account}\s", printed, re.MULTILINE), printed

    help_text = run("make", "help").stdout
    for target in ("make run", "make test", "make demo", "make bench", "make db-stop"):
        assert target in help_text
    for variable in ("HOST=", "PORT=", "DATABASE_URL=", "ARGS=", "ARTICLES=", "PYTHON="):
        assert variable in help_text


def test_the_readme_keeps_exactly_two_set_up_commands():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]


@pytest.mark.django_db
def test_publish_scheduled_on_fresh_demo_data_finds_nothing_overdue(capsys):
    load_demo()

    call_command("publish_scheduled")  # raises CommandError (exit 1) when overdue
    assert publish_scheduled().overdue == []
    assert "Overdue" not in capsys.readouterr().out


# Links follow the served address --------------------------------------------------------


@pytest.mark.django_db
def test_links_follow_the_host_and_port_the_demo_is_served_on(admin_client):
    load_demo()
    assert Site.objects.get_current().domain == demo.DEMO_DOMAIN
    assert serve_at("127.0.0.1:8123")

    article = Article.objects.get(headline=SEED_HEADLINE)
    html = admin_client.get(article.get_absolute_url()).content.decode()
    expected = f"http://127.0.0.1:8123{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{expected}">' in html
    assert f'<meta property="og:url" content="{expected}">' in html
    content_type = ContentType.objects.get_for_model(Article)
    view_on_site = admin_client.get(f"/admin/r/{content_type.pk}/{article.pk}/")
    assert view_on_site.status_code == 302 and view_on_site.url == expected


@pytest.mark.django_db
def test_a_real_domain_is_never_moved_by_the_demo():
    Site.objects.filter(pk=Site.objects.get_current().pk).update(domain="news.example.com")
    Site.objects.clear_cache()

    assert not serve_at("127.0.0.1:8123")
    load_demo()
    assert Site.objects.get_current().domain == "news.example.com"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_view_on_site_and_canonical_links_lead_back_to_the_served_demo(live_server, page):
    load_demo()
    served = live_server.url.removeprefix("http://")
    serve_at(served)

    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    article = Article.objects.get(headline=SEED_HEADLINE)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("a.viewsitelink").first.click()
    page.wait_for_url(live_server.url + article.get_absolute_url())

    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    og_url = page.locator("meta[property='og:url']").get_attribute("content")
    assert canonical == og_url == live_server.url + article.get_absolute_url()
    assert page.locator("h1").inner_text() == SEED_HEADLINE
