"""Issue 17, the smaller forum things: similar threads by their titles, "Move to" offering only what
the policy allows and confirming a one-way move, and an edit history that reads as rendered."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hub import policy, search
from hub.extensions import db
from hub.forums import moderation, queries
from hub.forums import services as forum
from hub.forums.categories import categories_of
from hub.spaces import membership
from tests.helpers import factories as f
from tests.helpers import api_write, opening_post as _opening, post_form, signed_in as _signed_in


LONG_TITLE = ("Our clinic spent the spring rebuilding intake forms with patient partners, and now we are "
              "stratifying run charts by race and preferred language")


def test_similar_threads_show_whole_titles(app, world, ctx):
    """A long title matched near its end came back as a fragment of itself ("…stratifying run
    charts…"): the hit's title is the thread's whole title, its matches marked."""
    thread = f.thread(world.participant, world.cohort.space, LONG_TITLE, "Details in the thread.")
    [hit] = search.similar_threads(world.teammate, "stratifying run charts", "", world.cohort.space)
    assert hit.id == thread.id
    assert re.sub(r"</?mark>", "", str(hit.title)) == LONG_TITLE
    assert "<mark>stratifying</mark>" in str(hit.title).lower()
    items = _signed_in(app, world.teammate).get(
        f"/api/v1/search/similar?title=stratifying+run+charts&space_id={world.cohort.space.id}").get_json()["items"]
    assert re.sub(r"</?mark>", "", items[0]["title_html"]) == LONG_TITLE


def _move_options(page: str) -> str:
    return page.split('id="move-target"')[1].split("</select>")[0]


def test_move_to_offers_only_what_the_policy_allows(app, world, ctx):
    """The form asks the policy ("thread.move_into") for each destination: an archived space was
    offered though the move was then refused; destinations come grouped by space, the thread's own
    first, and a one-way one (into an affinity space) says so."""
    archived = f.space("community", "Old Commons")
    membership.set_archived(world.admin, archived, True)
    thread = f.thread(world.participant, world.cohort.space, "Where does this go?", "words")
    page = _signed_in(app, world.facilitator).get(f"/threads/{thread.id}").get_data(as_text=True)
    options = _move_options(page)
    assert "Old Commons" not in options
    groups = re.findall(r'<optgroup label="([^"]+)">', options)
    assert groups[0] == world.cohort.space.name
    assert f"{world.secret.name} (one-way: asks you to confirm)" in groups
    offered = {int(i) for i in re.findall(r'<option value="(\d+)"', options)}
    asked = {c.id for c in db.session.scalars(select(moderation.Category))
             if policy.can(world.facilitator, "thread.move_into", policy.Destination(thread, c))
             and c.id != thread.category_id}
    assert offered == asked
    with pytest.raises(Exception):
        moderation.move_thread(world.facilitator, thread, categories_of(archived)[0])
    # Staff who cannot read the circle are never offered it.
    assert world.secret.name not in _move_options(
        _signed_in(app, world.other_facilitator).get(f"/threads/{thread.id}").get_data(as_text=True))


def test_a_one_way_move_is_confirmed_first(app, world, ctx):
    thread = f.thread(world.participant, world.commons, "Heading for the circle", "words")
    target = categories_of(world.secret)[0]
    client = _signed_in(app, world.facilitator)
    asked = post_form(client, f"/threads/{thread.id}/move", {"category_id": target.id},
                      token_from=f"/threads/{thread.id}")
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "This move cannot be undone" in text
    assert 'name="confirm" value="1"' in text and f'href="/threads/{thread.id}"' in text
    db.session.refresh(thread)
    assert thread.space_id == world.commons.id, "nothing moved before the confirmation"
    api = api_write(client, "PATCH", f"/api/v1/threads/{thread.id}", {"category_id": target.id})
    assert api.status_code == 422 and "confirm_one_way" in api.get_json()["error"]["fields"]
    db.session.refresh(thread)
    assert thread.space_id == world.commons.id
    done = post_form(client, f"/threads/{thread.id}/move", {"category_id": target.id, "confirm": "1"},
                     token_from=f"/threads/{thread.id}")
    assert done.status_code == 302
    db.session.refresh(thread)
    assert thread.space_id == world.secret.id
    # Within a space, or between spaces both ends of which stay open, nothing is asked.
    other = f.thread(world.participant, world.commons, "Just tidying", "words")
    general = next(c for c in categories_of(world.commons) if c.id != other.category_id)
    assert post_form(client, f"/threads/{other.id}/move", {"category_id": general.id},
                     token_from=f"/threads/{other.id}").status_code == 302
    moved = api_write(client, "PATCH", f"/api/v1/threads/{other.id}",
                      {"category_id": categories_of(world.cohort.space)[1].id})
    assert moved.status_code == 200 and moved.get_json()["space_id"] == world.cohort.space.id
    confirmed = api_write(client, "PATCH", f"/api/v1/threads/{other.id}",
                          {"category_id": target.id, "confirm_one_way": True})
    assert confirmed.status_code == 200 and confirmed.get_json()["space_id"] == world.secret.id


def test_a_refused_move_is_not_offered_a_confirmation(app, world, ctx):
    """Confirming comes after the policy: someone who may not move there is refused as before."""
    thread = f.thread(world.participant, world.cohort.space, "Staff only", "words")
    client = _signed_in(app, world.other_facilitator)  # moderates the cohort, cannot read the circle
    answer = post_form(client, f"/threads/{thread.id}/move", {"category_id": categories_of(world.secret)[0].id},
                       token_from=f"/threads/{thread.id}")
    assert answer.status_code == 404


def test_the_edit_history_reads_as_rendered_with_the_source_a_click_away(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Plan", "First **bold** step\n\nSecond step")
    opening = _opening(thread)
    forum.edit_post(world.participant, opening, {"body": "First **bold** step\n\nA better second step"})
    versions = queries.revisions(world.teammate, opening)
    assert [(k, str(b)) for k, b in versions[1]["rendered_diff"]] == [
        ("same", "<p>First <strong>bold</strong> step</p>"), ("removed", "<p>Second step</p>"),
        ("added", "<p>A better second step</p>")]
    client = _signed_in(app, world.teammate)
    rendered = client.get(f"/posts/{opening.id}/history").get_data(as_text=True)
    assert "<del><span class=\"visually-hidden\">removed: </span><p>Second step</p></del>" in rendered
    assert "<ins><span class=\"visually-hidden\">added: </span><p>A better second step</p></ins>" in rendered
    assert "**bold**" not in rendered and 'aria-current="page">As they read<' in rendered
    source = client.get(f"/posts/{opening.id}/history?view=source").get_data(as_text=True)
    assert "- Second step" in source and "First **bold** step" in source
    api = client.get(f"/api/v1/posts/{opening.id}/revisions").get_json()["items"]
    assert api[0]["body_html"] == "<p>First <strong>bold</strong> step</p>\n<p>Second step</p>"
    assert {"kind": "added", "html": "<p>A better second step</p>"} in api[1]["rendered_diff"]


def test_a_rendered_history_block_is_cleaned_again(world, ctx):
    """Blocks are cut out of stored safe HTML with a parser and each cleaned again: a cut never
    leaves markup the allow-list would not keep."""
    from hub import content
    blocks = content.blocks('<p>ok</p>\n<ul><li>a</li></ul>tail <script>x()</script><p onclick="x()">y</p>')
    assert [str(b) for b in blocks] == ["<p>ok</p>", "<ul><li>a</li></ul>", "tail", "x()", "<p>y</p>"]
