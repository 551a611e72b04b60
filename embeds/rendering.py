"""An embed as readers get it: a light placeholder that asks nothing of the provider.

The thumbnail (if any) comes from our own storage, and the title links to the post or
video itself, which works without JavaScript. static/js/embeds.js turns the button into
the provider's player when the reader asks for it; only then does the browser contact the
provider (the Content-Security-Policy's `frame-src` names each provider's frame)."""

from django.utils.html import format_html


def placeholder(embed, *, absolute=None):
    thumbnail = ""
    if embed.thumbnail:
        url = embed.thumbnail.url
        thumbnail = format_html(
            '<img class="embed__thumbnail" src="{}" alt="" loading="lazy" decoding="async">',
            absolute(url) if absolute else url,
        )
    author = format_html(" · {}", embed.author_name) if embed.author_name else ""
    return format_html(
        '<figure class="embed embed--{kind}" data-embed-player="{player}" '
        'data-embed-title="{title}">'
        '<div class="embed__stage">{thumbnail}'
        '<button type="button" class="embed__load">{action}: {title}</button></div>'
        '<figcaption class="embed__caption"><span class="embed__provider">{provider}</span> '
        '<a class="embed__link" href="{url}" rel="noopener noreferrer">{title}</a>{author}'
        '<span class="embed__notice"> Playing it loads content from {provider}.</span>'
        "</figcaption></figure>",
        kind=embed.kind,
        player=embed.player_url,
        title=embed.title or embed.url,
        thumbnail=thumbnail,
        action=embed.action_label,
        provider=embed.provider_name,
        url=embed.url,
        author=author,
    )
