import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from desk.content_checks import check_content, internal_article_slugs


def kinds(result):
    return sorted((f.kind, f.detail) for f in result.findings)


def test_clean_site_has_no_findings(make_article, make_photo, capsys):
    target = make_article(slug="target", photo=make_photo())
    make_article(photo=make_photo(), body=f'<p><a href="{target.get_absolute_url()}">see</a></p>')

    assert check_content().findings == []
    call_command("check_content")
    assert "0 problem(s)" in capsys.readouterr().out


def test_published_photo_without_credit_or_alt_text_is_listed(make_article, make_photo):
    no_credit = make_photo(credit="")
    make_article(headline="Uses it", photo=no_credit)
    make_article(headline="Uses it too", photo=no_credit)
    make_article(headline="Bare photo", photo=make_photo(credit="", alt_text=""))
    # A draft's photo is not public yet: not listed.
    make_article(publish=False, photo=make_photo(alt_text=""))

    result = check_content()

    assert kinds(result) == [
        ("photo", "no credit and no alt text; used by “Bare photo”"),
        ("photo", "no credit; used by “Uses it”"),
    ]


def test_published_article_without_authors_is_listed(make_article):
    lonely = make_article(headline="Nobody wrote this", authors=[], photo=True)
    make_article(publish=False, authors=[])

    result = check_content()

    assert [(f.kind, f.item, f.detail) for f in result.findings] == [
        ("article", f"“Nobody wrote this” ({lonely.get_absolute_url()})", "no authors")
    ]


def test_links_to_missing_or_unpublished_articles_are_listed(make_article):
    draft = make_article(slug="still-a-draft", publish=False)
    live = make_article(slug="live-one", photo=True)
    body = (
        '<p><a href="/articles/gone-for-good/">gone</a> '
        f'<a href="{draft.get_absolute_url()}">draft</a> '
        f'<a href="http://localhost{live.get_absolute_url()}">live, absolute</a> '
        '<a href="https://elsewhere.example.org/articles/not-ours/">external</a> '
        '<a href="/sections/nowhere/">not an article link</a></p>'
    )
    make_article(headline="Linker", body=body, photo=True)

    result = check_content()

    assert [f.detail for f in result.findings] == [
        "links to /articles/gone-for-good/, which readers cannot see",
        "links to /articles/still-a-draft/, which readers cannot see",
    ]


def test_internal_link_parsing_keeps_only_our_article_pages():
    body = (
        '<a href="/articles/a/">1</a><a title="x" href=\'https://news.test/articles/b/\'>2</a>'
        '<a href="mailto:x@y.z">3</a><a href="https://other.test/articles/c/">4</a>'
    )
    assert internal_article_slugs(body, {"news.test"}) == ["a", "b"]


def test_command_exits_non_zero_and_lists_findings(make_article, capsys):
    make_article(headline="Nobody wrote this", authors=[], photo=True)

    with pytest.raises(CommandError, match="check_content found 1 problem"):
        call_command("check_content", "--quiet")
    out = capsys.readouterr().out
    assert "article: “Nobody wrote this”" in out and "no authors" in out
