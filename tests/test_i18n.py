"""Every UI string is marked for translation, and the Spanish locale is picked up."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TAGS = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
ALLOWED = re.compile(r"^[\s·•–—…()\[\]:,./|*#+›-]*$")  # punctuation and symbols carry no words
# Attributes added through a Jinja block (e.g. body_attrs) are markup, not words.
ATTRIBUTES = re.compile(r'^(?:[\w-]+="[^"]*"\s*)+$')


def test_templates_have_no_unmarked_text():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = JINJA.sub(" ", path.read_text())
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S)
        for chunk in TAGS.sub("\n", text).splitlines():
            chunk = ENTITY.sub(" ", chunk).strip()
            if chunk and not ALLOWED.match(chunk) and not ATTRIBUTES.match(chunk):
                offenders.append(f"{path.relative_to(ROOT)}: {chunk!r}")
    assert offenders == [], "wrap these in {{ _('...') }}:\n" + "\n".join(offenders)


def test_attribute_text_is_marked_too():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for attr, value in re.findall(r'\s(aria-label|title|placeholder|alt)="([^"]*)"', path.read_text()):
            if value and not value.strip().startswith("{{"):
                offenders.append(f"{path.name}: {attr}={value!r}")
    assert offenders == []


def test_locale_follows_the_person_then_the_browser(client):
    from tests.helpers import factories
    from tests.helpers import login
    page = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in page
    person = factories.user()
    person.preferred_language = "en"
    from hub.extensions import db
    db.session.commit()
    login(client, person)
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
