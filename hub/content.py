"""The only producer of trusted HTML: Markdown -> HTML -> bleach allow-list -> linkify -> Markup.

Render first, sanitize second (never the reverse): Markdown can turn harmless-looking text into
markup, so the allow-list must see the final HTML. The result is stored as `*_html` at write
time; templates never mark anything else safe.
"""
from __future__ import annotations

import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

from hub.validation import normalise_text

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr",
    "th", "td", "abbr", "sup", "sub",
})
ALLOWED_ATTRIBUTES = {
    "a": lambda tag, name, value: _safe_link_attribute(tag, name, value),
    "abbr": ["title"],
    "th": ["align"],
    "td": ["align"],
    "ol": ["start"],
}
# Relative links are allowed too (bleach keeps scheme-less URLs); nothing else is.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Python-Markdown's link matching is quadratic in unmatched "[": see _defuse_brackets. At most
# this many bracket pairs keep their Markdown meaning; the rest show literally.
MAX_LINK_BRACKETS = 400
_SIMPLE_BRACKETS = re.compile(r"\[[^\[\]]{0,500}\]")
# Fenced blocks and inline code spans, captured so re.split keeps them at odd indexes.
_CODE = re.compile(r"(^(?:```|~~~)[^\n]*\n.*?^(?:```|~~~)[ \t]*$|`[^`\n]+`)", re.M | re.S)
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
MAX_SOURCE_CHARS = 100_000


def _safe_link_attribute(tag: str, name: str, value: str) -> bool:
    """Allow href only with an allowed scheme or none. bleach reads "javascript:123" as host:port,
    so the scheme is checked again here the way a browser reads it (control characters dropped)."""
    if name in ("title", "rel"):
        return True
    if name != "href":
        return False
    squeezed = _BROWSER_IGNORED.sub("", value).lower()
    scheme, colon, _rest = squeezed.partition(":")
    if not colon or any(ch in scheme for ch in "/?#"):
        return True  # relative URL
    return scheme in ALLOWED_PROTOCOLS


_BROWSER_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


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
    filters=[partial(LinkifyFilter, callbacks=[_link_attributes], skip_tags={"pre", "code"})],
)


def render(source: str | None) -> Markup:
    """Turn a person's Markdown into safe HTML."""
    if not source:
        return Markup("")
    text = _defuse_brackets(normalise_text(source)[:MAX_SOURCE_CHARS])
    # raw HTML in Markdown is escaped by bleach below; markdown's own output is then filtered.
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return Markup(_cleaner.clean(html))


def _defuse_brackets(text: str) -> str:
    """Escape each "[" that does not open a simple (non-nested, short) bracket pair, and any past
    the cap. Python-Markdown scans from every unescaped "[" to the end of the text looking for
    its partner, so unmatched brackets make rendering quadratic; escaped ones show literally."""
    if "[" not in text:
        return text
    kept = 0

    def escape_unless_simple(match: re.Match) -> str:
        nonlocal kept
        if kept < MAX_LINK_BRACKETS and _SIMPLE_BRACKETS.match(text, match.start()):
            kept += 1
            return "["
        return "\\["

    # Code is left alone: Markdown never looks for links inside it, and an escape would show.
    pieces = _CODE.split(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = re.sub(r"(?<!\\)\[", escape_unless_simple, pieces[i])
    return "".join(pieces)


def excerpt(html: str, length: int = 200) -> str:
    """Plain text from stored safe HTML, for previews (escaped again wherever it is shown)."""
    text = bleach.clean(html, tags=set(), strip=True)
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def blocks(html: str) -> list[Markup]:
    """The top-level blocks (paragraphs, lists, quotes, tables) of stored safe HTML, each cleaned
    again on its own, so that two versions of a post can be compared as they read."""
    from lxml import html as lxml_html

    if not html or not html.strip():
        return []
    found = []
    for part in lxml_html.fragments_fromstring(html):
        text = part if isinstance(part, str) else lxml_html.tostring(part, encoding="unicode", with_tail=False)
        tail = "" if isinstance(part, str) else (part.tail or "")
        for piece in (text, tail):
            if piece.strip():
                found.append(Markup(bleach.clean(piece.strip(), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                                                 protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)))
    return found
