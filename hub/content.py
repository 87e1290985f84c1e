"""The only producer of trusted HTML: Markdown -> HTML -> bleach allow-list -> linkify -> Markup.

Render first, sanitize second (never the reverse): Markdown can turn harmless-looking text into
markup, so the allow-list must see the final HTML. The result is stored as `*_html` at write
time; templates never mark anything else safe.
"""
from __future__ import annotations

from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr",
    "th", "td", "abbr", "sup", "sub",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "th": ["align"],
    "td": ["align"],
    "ol": ["start"],
}
# Relative links are allowed too (bleach keeps scheme-less URLs); nothing else is.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
MAX_SOURCE_CHARS = 100_000


def _link_attributes(attrs, new=False):
    """Every link leaves without a referrer, and user links are marked as user content."""
    href = attrs.get((None, "href"), "")
    if href.startswith(("http://", "https://")):
        attrs[(None, "rel")] = "nofollow noopener noreferrer ugc"
    return attrs


_cleaner = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_attributes], skip_tags={"pre", "code"}, parse_email=True)],
)


def render(source: str | None) -> Markup:
    """Turn a person's Markdown into safe HTML."""
    if not source:
        return Markup("")
    text = source[:MAX_SOURCE_CHARS]
    # raw HTML in Markdown is escaped by bleach below; markdown's own output is then filtered.
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return Markup(_cleaner.clean(html))


def excerpt(html: str, length: int = 200) -> str:
    """Plain text from stored safe HTML, for previews (escaped again wherever it is shown)."""
    text = bleach.clean(html, tags=set(), strip=True)
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
