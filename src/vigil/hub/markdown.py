"""Markdown written by people (posts, articles, lessons, model cards) made safe to show.

Rendered by `markdown`, then cleaned by `nh3` (an allow-list HTML sanitiser): whatever the
Markdown held, only the tags and attributes below reach the page, and links point to http(s),
mail or this site. Raw HTML in the source is sanitised like everything else.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3

TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]


def render_markdown(text: str) -> str:
    """Safe HTML for `text`; mark it safe in templates only through this function."""
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
