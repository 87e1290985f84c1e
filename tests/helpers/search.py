"""What a search answer page says, for tests that look for words that must not be there."""
from __future__ import annotations

import re


def shown_text(page: str) -> str:
    """What a search answer says, minus the searcher's own words echoed back (title, input), with
    highlights removed (they split a canary into marked words)."""
    page = re.sub(r"<head>.*?</head>", "", page, flags=re.S)
    page = re.sub(r'<input id="search-q"[^>]*>', "", page)
    page = re.sub(r'<a href="/search\?[^"]*"', "<a", page)  # facet links repeat the query
    return re.sub(r"</?mark>", "", page)
