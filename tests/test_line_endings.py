"""Issue 17: text enters with the line endings its sender uses (a browser's textarea sends CRLF),
and is stored with LF, in one place (hub.validation.normalise_text), for every surface: forum
posts and edits through forms and the API, chat, drafts, the library and the live preview."""
from __future__ import annotations

from hub.extensions import db
from hub.forums.models import Post
from tests.helpers import factories as f
from tests.helpers import api_write, opening_post as _opening, post_form
from tests.helpers import signed_in
from tests.helpers.library import make_resource


def _quotes(*posts) -> str:
    return "\r\n\r\n".join(f"[quote={p.id}]\r\n{p.body}\r\n[/quote]" for p in posts)


def test_a_crlf_quote_reply_from_a_form_publishes_quotes_not_markup(app, world, ctx):
    thread = f.thread(world.participant, world.commons, "Teach-back", "Try teach-back\r\nwith every patient")
    second = f.reply(world.teammate, thread, "We do it in Spanish too")
    fay = signed_in(app, world.facilitator)
    answer = post_form(fay, f"/threads/{thread.id}/reply",
                       {"body": _quotes(_opening(thread), second) + "\r\n\r\nBoth of these."},
                       token_from=f"/threads/{thread.id}")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    latest = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.number.desc()))
    assert "\r" not in latest.body
    assert latest.body_html.count(" wrote:</a>") == 2 and "[quote=" not in latest.body_html
    # Saving the post again from the edit form (CRLF once more) keeps the quotes.
    edited = post_form(fay, f"/posts/{latest.id}/edit", {"body": latest.body.replace("\n", "\r\n") + "\r\nEdited."},
                       token_from=f"/posts/{latest.id}/edit")
    assert edited.status_code == 302
    db.session.expire_all()
    latest = db.session.get(Post, latest.id)
    assert latest.body_html.count(" wrote:</a>") == 2 and "[quote=" not in latest.body_html
    assert "Edited." in latest.body_html


def test_the_api_chat_drafts_library_and_preview_take_crlf_as_lines(app, world, ctx):
    thread = f.thread(world.participant, world.commons, "Teach-back", "Try teach-back")
    pat = signed_in(app, world.participant)
    quote = f"[quote={_opening(thread).id}]\r\nTry teach-back\r\n[/quote]\r\nYes."
    posted = api_write(pat, "POST", f"/api/v1/threads/{thread.id}/posts", {"body": quote})
    assert posted.status_code == 201, posted.text
    assert "<blockquote>" in posted.get_json()["body_html"] and "[quote=" not in posted.get_json()["body_html"]
    preview = api_write(pat, "POST", "/api/v1/preview", {"body": quote, "space_id": world.commons.id})
    assert preview.get_json()["body_html"] == posted.get_json()["body_html"]
    api_write(pat, "PUT", f"/api/v1/drafts/reply:{thread.id}", {"body": "one\r\ntwo"})
    assert pat.get(f"/api/v1/drafts/reply:{thread.id}").get_json()["body"] == "one\ntwo"
    from tests.helpers.chat import channel
    general = channel(app, world.commons, "general")
    sent = api_write(pat, "POST", f"/api/v1/channels/{general.id}/messages", {"body": "line one\r\nline two",
                                                                             "client_id": "crlf-1"})
    assert sent.status_code in (200, 201), sent.text
    assert sent.get_json()["body"] == "line one\nline two"
    with app.test_request_context():
        resource = make_resource(world.participant, world.commons, "A tool", body="First\r\nSecond")
    assert resource.body == "First\nSecond"
