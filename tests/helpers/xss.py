"""What "no executable output" means, per ../shared/testdata/xss/README.md."""
from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "form", "meta", "link",
                  "frame", "frameset", "applet", "template", "img", "video", "audio", "source", "input", "button"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
# Browsers drop ASCII whitespace and control characters anywhere inside a URL scheme.
_STRIPPED = re.compile(r"[\x00-\x20\x7f]+")


def payloads() -> list[dict]:
    path = TESTDATA / "xss" / "payloads.jsonl"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"../shared/testdata is not beside this checkout ({path} missing)")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}=")
            if name == "style":
                self.problems.append("style=")
            if name in URL_ATTRIBUTES and value:
                scheme = _STRIPPED.sub("", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"{name}={value[:40]!r}")

    handle_startendtag = handle_starttag


def executable_parts(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
