"""Hostile text in every library field comes out inert: the XSS corpus (written by nobody on
this project) goes into titles, summaries, equity metadata, tags, adoption records and
collection titles, and the pages show it escaped; Markdown bodies go through content.render."""
from __future__ import annotations

import random

from hub.library import adoption, curation
from hub.library import services as library
from tests.helpers import signed_in
from tests.helpers.xss import executable_parts, payloads


def test_corpus_payloads_in_library_fields_never_reach_a_page_as_markup(app, world):
    # Each payload gets a unique prefix, so "not on the page as written" cannot pass by accident
    # and "on the page, escaped" can be checked too.
    sample = [f"P{i}Q" + p for i, p in enumerate(
        random.Random(5).sample([p["payload"] for p in payloads() if "<" in p["payload"]], 60))]
    made = []
    with app.test_request_context():
        collection = curation.create_collection(world.facilitator, world.cohort.space, {"title": sample[0][:200]})
        for payload in sample:
            resource = library.create_resource(world.facilitator, world.cohort.space, {
                "title": payload[:200], "summary": payload[:1000], "body": payload, "population": payload[:200],
                "setting": payload[:200], "languages": payload[:200], "tags": payload.split()[:1], "kind": "tool"})
            adoption.record(world.participant, resource, {"team_id": world.team.id, "tried_on": "2026-01-01",
                                                          "what_changed": payload, "result": payload})
            curation.add_item(world.facilitator, collection, resource)
            made.append((resource, payload))
    client = signed_in(app, world.participant)
    listings = [client.get(url).get_data(as_text=True) for url in (
        "/library", f"/spaces/{world.cohort.space.slug}/library", f"/collections/{collection.id}",
        f"/spaces/{world.cohort.space.slug}")]
    for resource, payload in made:
        page = client.get(f"/resources/{resource.id}").get_data(as_text=True)
        history = client.get(f"/resources/{resource.id}/history").get_data(as_text=True)
        prefix = payload.split("Q", 1)[0] + "Q"
        assert prefix in page
        for html in [page, history] + listings:
            assert payload[:200] not in html, payload
        assert executable_parts(resource.body_html) == [], payload
