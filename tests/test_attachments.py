"""Pictures and files in posts and chat (issue 17, item 14): attached on the forms (a visible file
input that works without JavaScript) and through the API, checked as the library's uploads are,
pictures re-encoded (resized, without their metadata) and shown inline, other files downloaded;
each opened by exactly those who may read its post or message."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from hub.chat import services as chat
from hub.chat.models import Message, MessageAttachment
from hub.extensions import db
from hub.forums import attachments as post_files
from hub.forums import moderation
from hub.forums import services as forum
from hub.forums.models import Post, PostAttachment
from hub.library.demo_pdf import make_pdf
from hub.uploads import path_for
from tests.helpers import factories as f
from tests.helpers.chat import chat_socket, emit, received
from tests.helpers import csrf_token, login, statements, without_request_tokens
from tests.helpers.library import HOSTILE, HOSTILE_FILES, needs_corpus
from tests.helpers.pictures import assert_clean, halves, opened, phone_jpeg, png_with_text

PDF = make_pdf("Huddle checklist", ["Who needs an interpreter today?"])


def signed_in(app, person):
    client = app.test_client()
    login(client, person)
    return client


def files(*pairs):
    return [FileStorage(io.BytesIO(data), filename=name) for data, name in pairs]


def form(client, url, data, uploads=(), token_from="/"):
    payload = dict(data, csrf_token=csrf_token(client, token_from))
    payload["files"] = [(io.BytesIO(content), name) for content, name in uploads]
    return client.post(url, data=payload, content_type="multipart/form-data")


def kept(area: str) -> list:
    folder = path_for(area, "x").parent
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def cohort_thread(world, ctx):
    return f.thread(world.facilitator, world.cohort.space, "Show us your huddle board", "Photos welcome")


# ---------------------------------------------------------------- forums

def test_a_reply_with_a_photo_a_pdf_and_notes_shows_the_photo_and_offers_the_files(app, world, cohort_thread):
    pat = signed_in(app, world.participant)
    photo = phone_jpeg(halves((3000, 2000)), orientation=6)
    answer = form(pat, f"/threads/{cohort_thread.id}/reply", {"body": "Our board"},
                  [(photo, "board.jpeg"), (PDF, "checklist.pdf"), (b"clinic,rate\nA,0.4\n", "rates.csv")],
                  token_from=f"/threads/{cohort_thread.id}")
    assert answer.status_code == 302
    rows = list(db.session.scalars(select(PostAttachment).order_by(PostAttachment.id)))
    assert [(r.filename, r.type_label, r.is_image) for r in rows] == [
        ("board.jpeg", "jpeg", True), ("checklist.pdf", "pdf", False), ("rates.csv", "csv", False)]
    picture, pdf, csv = rows
    assert (picture.width, picture.height) == (1067, 1600)  # upright (the phone said so), at most 1600
    page = pat.get(f"/threads/{cohort_thread.id}").get_data(as_text=True)
    assert (f'<img src="/posts/attachments/{picture.id}" alt="board.jpeg" width="1067" height="1600" loading="lazy">'
            in page)
    assert f'<a href="/posts/attachments/{pdf.id}">checklist.pdf</a>' in page
    shown = pat.get(f"/posts/attachments/{picture.id}")
    assert shown.status_code == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert_clean(shown.data)
    assert opened(shown.data).size == (1067, 1600) and shown.data != photo
    for row, data in ((pdf, PDF), (csv, b"clinic,rate\nA,0.4\n")):
        served = pat.get(f"/posts/attachments/{row.id}")
        assert served.data == data  # any other file is kept and given back as it came, to download
        assert served.headers["Content-Disposition"].startswith("attachment;")
    for served in (shown, served):
        headers = served.headers
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Cache-Control"] == "no-store"
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_transparent_picture_stays_a_png_and_a_picture_alone_is_a_post(app, world, cohort_thread, ctx):
    post = forum.reply(world.participant, cohort_thread, {"body": ""}, files((png_with_text((50, 40), True), "x.gif")))
    stored = post.attachments[0]
    assert (stored.filename, stored.content_type, stored.width) == ("x.png", "image/png", 50)
    data = path_for("forums", stored.id).read_bytes()
    assert_clean(data)
    assert opened(data).mode == "RGBA"
    # A GIF's transparent colour is told in its metadata: it stays transparent once that is gone.
    from PIL import Image
    gif, out = Image.new("P", (8, 8)), io.BytesIO()
    gif.save(out, "GIF", transparency=0)
    picture = forum.reply(world.participant, cohort_thread, {"body": ""}, files((out.getvalue(), "dot.gif")))
    kept_gif = opened(path_for("forums", picture.attachments[0].id).read_bytes())
    assert (kept_gif.format, kept_gif.mode, kept_gif.getpixel((0, 0))[3]) == ("PNG", "RGBA", 0)


def test_what_is_refused_says_which_file_and_why_and_keeps_nothing(app, world, cohort_thread):
    pat = signed_in(app, world.participant)
    url, page = f"/threads/{cohort_thread.id}/reply", f"/threads/{cohort_thread.id}"
    hostile = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    answer = form(pat, url, {"body": "Keep these words"}, [(phone_jpeg(), "fine.jpg"), (hostile, "logo.svg")],
                  token_from=page)
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "logo.svg: That file type is not accepted." in text and "Choose the files to attach again." in text
    assert 'id="f-files-error"' in text and 'href="#f-files"' in text and "Keep these words" in text
    too_many = [(b"note\n", f"n{i}.txt") for i in range(app.config["ATTACHMENT_MAX_FILES"] + 1)]
    assert form(pat, url, {"body": "x"}, too_many, token_from=page).status_code == 422
    big = b"a" * (app.config["ATTACHMENT_MAX_MB"] * 1024 * 1024 + 1)
    assert "larger than" in form(pat, url, {"body": "x"}, [(big, "big.txt")], token_from=page).get_data(as_text=True)
    assert form(pat, url, {"body": ""}, [], token_from=page).status_code == 422  # nothing at all is not a post
    assert db.session.scalar(select(func.count()).select_from(PostAttachment)) == 0 and kept("forums") == []
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == cohort_thread.id)) == 1


def test_editing_takes_attachments_off_and_adds_more(app, world, cohort_thread, ctx):
    post = forum.reply(world.participant, cohort_thread, {"body": "Two files"},
                       files((b"first\n", "one.txt"), (b"second\n", "two.txt")))
    one, two = (a.id for a in post.attachments)
    pat = signed_in(app, world.participant)
    page = pat.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert f'name="remove_attachment_ids" value="{one}"> Remove one.txt' in page
    answer = form(pat, f"/posts/{post.id}/edit", {"body": "Two files", "remove_attachment_ids": str(one)},
                  [(phone_jpeg(), "three.jpg")], token_from=f"/posts/{post.id}/edit")
    assert answer.status_code == 302
    db.session.expire_all()
    assert [a.filename for a in db.session.get(Post, post.id).attachments] == ["two.txt", "three.jpg"]
    assert pat.get(f"/posts/attachments/{one}").status_code == 404 and f"{one:08d}" not in kept("forums")
    assert db.session.get(Post, post.id).revision_count == 0  # the words did not change
    # Someone who may not edit the post can neither add nor take off.
    tess = signed_in(app, world.teammate)
    assert tess.delete(f"/api/v1/post-attachments/{two}",
                       headers={"X-CSRFToken": csrf_token(tess, "/")}).status_code == 403
    added = tess.post(f"/api/v1/posts/{post.id}/attachments", headers={"X-CSRFToken": csrf_token(tess, "/")},
                      data={"files": (io.BytesIO(b"x\n"), "x.txt")}, content_type="multipart/form-data")
    assert added.status_code == 403


def test_the_api_takes_files_with_a_thread_a_reply_and_afterwards(app, world):
    from hub.auth import tokens
    from hub.forums.categories import general_category
    with app.test_request_context():
        plain = tokens.create_token(world.participant, "files")[1]
    client, bearer = app.test_client(), {"Authorization": f"Bearer {plain}"}
    made = client.post(f"/api/v1/spaces/{world.cohort.space.id}/threads", headers=bearer,
                       content_type="multipart/form-data",
                       data={"title": "Board photos", "body": "", "tags": "boards, huddles",
                             "category_id": str(general_category(world.participant, world.cohort.space).id),
                             "files": [(io.BytesIO(phone_jpeg()), "board.jpg")]})
    assert made.status_code == 201, made.get_data(as_text=True)
    thread = client.get(f"/api/v1/threads/{made.get_json()['id']}", headers=bearer).get_json()
    opening = thread["posts"]["items"][0]
    assert thread["tags"] == ["boards", "huddles"]
    assert [(a["filename"], a["is_image"], a["type"]) for a in opening["attachments"]] == [("board.jpg", True, "jpeg")]
    replied = client.post(f"/api/v1/threads/{thread['id']}/posts", headers=bearer, content_type="multipart/form-data",
                          data={"body": "The checklist", "files": [(io.BytesIO(PDF), "list.pdf")]})
    assert replied.status_code == 201 and replied.get_json()["attachments"][0]["type"] == "pdf"
    post_id = replied.get_json()["id"]
    added = client.post(f"/api/v1/posts/{post_id}/attachments", headers=bearer, content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(b"notes\n"), "notes.txt")]})
    assert added.status_code == 201
    note = added.get_json()["items"][0]
    assert note["url"] == f"/posts/attachments/{note['id']}"
    assert client.get(f"/api/v1/post-attachments/{note['id']}", headers=bearer).data == b"notes\n"
    assert client.delete(f"/api/v1/post-attachments/{note['id']}", headers=bearer).status_code == 204
    assert client.get(f"/api/v1/post-attachments/{note['id']}", headers=bearer).status_code == 404
    refused = client.post(f"/api/v1/posts/{post_id}/attachments", headers=bearer, content_type="multipart/form-data",
                          data={"files": [(io.BytesIO(b"<html><script>x</script>"), "a.txt")]})
    assert refused.status_code == 422 and "files" in refused.get_json()["error"]["fields"]
    # JSON as before.
    assert client.post(f"/api/v1/threads/{thread['id']}/posts", headers=bearer,
                       json={"body": "Plain words"}).get_json()["attachments"] == []


def test_a_kept_thread_page_shows_a_new_attachment_on_the_next_visit(app, world, cohort_thread, ctx):
    post = forum.reply(world.teammate, cohort_thread, {"body": "Words first"})
    pat = signed_in(app, world.participant)
    for _ in range(3):
        page = pat.get(f"/threads/{cohort_thread.id}").get_data(as_text=True)
    assert "/posts/attachments/" not in page
    post_files.add(world.teammate, post, files((b"added later\n", "later.txt")))
    assert "later.txt</a>" in pat.get(f"/threads/{cohort_thread.id}").get_data(as_text=True)


# ---------------------------------------------------------------- who may open them

def _post_file(author, thread, name="a.txt", data=b"words\n"):
    return forum.reply(author, thread, {"body": f"With {name}"}, files((data, name))).attachments[0]


def test_an_attachment_follows_its_post_hidden_deleted_and_moved(app, world, cohort_thread, ctx):
    hidden = _post_file(world.participant, cohort_thread, "hidden.txt")
    moderation.set_post_hidden(world.facilitator, hidden.post, True, "off topic")
    deleted = _post_file(world.participant, cohort_thread, "deleted.txt")
    forum.delete_post(world.participant, deleted.post)
    reads = {"participant": (True, False), "teammate": (False, False), "facilitator": (True, True),
             "outsider": (False, False), "member": (False, False)}
    for persona, (sees_hidden, sees_deleted) in reads.items():
        client = signed_in(app, getattr(world, persona))
        assert (client.get(f"/posts/attachments/{hidden.id}").status_code == 200) is sees_hidden, persona
        assert (client.get(f"/api/v1/post-attachments/{deleted.id}").status_code == 200) is sees_deleted, persona
    commons = f.thread(world.participant, world.commons, "Moving soon", "Hello")
    moving = _post_file(world.participant, commons, "moving.txt")
    outsider = signed_in(app, world.outsider)
    assert outsider.get(f"/posts/attachments/{moving.id}").status_code == 200
    from hub.forums.categories import categories_of
    moderation.move_thread(world.facilitator, commons, categories_of(world.secret)[0])
    assert outsider.get(f"/posts/attachments/{moving.id}").status_code == 404
    assert signed_in(app, world.member).get(f"/posts/attachments/{moving.id}").status_code == 200


def _statements(client, url) -> list[str]:
    return statements(client, url, expect=404)

def test_a_secret_spaces_attachments_answer_outsiders_like_missing_ones_after_the_same_statements(app, world, ctx):
    secret = f.thread(world.member, world.secret, "Circle", "Only us")
    post_file = _post_file(world.member, secret, "circle.txt", b"circle words\n")
    room = chat.create_channel(world.facilitator, world.secret, {"name": "circle"})
    message, *_ = chat.send(world.member, room, {"body": "a file", "client_id": "c-1"},
                           files((b"circle chat\n", "chat.txt")))
    message_file = message.attachments[0]
    for persona in ("participant", "removed_member", "other_facilitator", "admin"):
        client = signed_in(app, getattr(world, persona))
        client.get("/api/v1/me")  # warm up
        for hidden, missing in ((f"/posts/attachments/{post_file.id}", "/posts/attachments/999999"),
                                (f"/api/v1/post-attachments/{post_file.id}", "/api/v1/post-attachments/999999"),
                                (f"/chat/attachments/{message_file.id}", "/chat/attachments/999999"),
                                (f"/api/v1/message-attachments/{message_file.id}",
                                 "/api/v1/message-attachments/999999")):
            assert _statements(client, hidden) == _statements(client, missing), (persona, hidden)
            assert without_request_tokens(client.get(hidden)) == without_request_tokens(client.get(missing))
    member = signed_in(app, world.member)
    assert member.get(f"/posts/attachments/{post_file.id}").data == b"circle words\n"
    assert member.get(f"/chat/attachments/{message_file.id}").data == b"circle chat\n"


# ---------------------------------------------------------------- chat

def test_chat_sends_files_without_javascript_and_through_the_api_and_they_arrive_live(app, world, make_client, ctx):
    room = chat.create_channel(world.admin, world.team.space, {"name": "team-room"})
    tess = chat_socket(app, make_client(), world.teammate)
    assert emit(tess, "join", {"channel_id": room.id, "after_seq": 0})["ok"]
    tess.get_received("/chat")
    pat = signed_in(app, world.participant)
    page = f"/chat/channels/{room.id}"
    assert 'enctype="multipart/form-data"' in pat.get(page).get_data(as_text=True)
    sent = form(pat, f"/chat/channels/{room.id}/messages", {"body": "", "client_id": "form-1"},
                [(phone_jpeg(halves((2400, 1200))), "board.jpg")], token_from=page)
    assert sent.status_code == 302
    live = received(tess)
    assert len(live) == 1 and live[0]["author"]["id"] == world.participant.id
    (photo,) = live[0]["attachments"]
    assert (photo["filename"], photo["is_image"], photo["width"], photo["height"]) == ("board.jpg", True, 1600, 800)
    assert_clean(signed_in(app, world.teammate).get(photo["url"]).data)
    shown = pat.get(page).get_data(as_text=True)
    assert f'<img src="/chat/attachments/{photo["id"]}" alt="board.jpg" width="1600" height="800"' in shown
    api = pat.post(f"/api/v1/channels/{room.id}/messages", headers={"X-CSRFToken": csrf_token(pat, page)},
                   content_type="multipart/form-data",
                   data={"body": "The list", "client_id": "api-1", "files": [(io.BytesIO(PDF), "list.pdf")]})
    assert api.status_code == 201 and api.get_json()["attachments"][0]["type"] == "pdf"
    history = pat.get(f"/api/v1/channels/{room.id}/messages").get_json()["items"]
    assert [len(m["attachments"]) for m in history] == [1, 1]
    refused = form(pat, f"/chat/channels/{room.id}/messages", {"body": "words stay", "client_id": "form-2"},
                   [(b"MZ\x90\x00", "tool.exe")], token_from=page)
    assert refused.status_code == 422 and "tool.exe: That file type is not accepted." in refused.get_data(as_text=True)


def test_a_deleted_messages_files_go_with_its_words(app, world, ctx):
    room = chat.create_channel(world.admin, world.team.space, {"name": "team-room"})
    message, *_ = chat.send(world.participant, room, {"body": "oops", "client_id": "d-1"},
                           files((b"wrong file\n", "wrong.txt")))
    stored = message.attachments[0]
    tess = signed_in(app, world.teammate)
    assert tess.get(f"/chat/attachments/{stored.id}").status_code == 200
    chat.delete(world.participant, message)
    for persona in ("participant", "teammate", "admin"):
        client = signed_in(app, getattr(world, persona))
        assert client.get(f"/chat/attachments/{stored.id}").status_code == 404, persona
        assert client.get(f"/api/v1/messages/{message.id}").get_json()["attachments"] == []
    assert db.session.scalar(select(func.count()).select_from(MessageAttachment)) == 1
    assert db.session.get(Message, message.id).deleted_at is not None


# ---------------------------------------------------------------- the shared hostile files


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_every_hostile_file_is_refused_or_kept_only_as_our_own_picture(app, world, cohort_thread, ctx, name):
    """The 16 files in ../shared/testdata/xss/upload-files/: markup is refused; the pictures that
    carry payloads in their metadata are kept re-encoded, with none of it."""
    needs_corpus()
    data = (HOSTILE / name).read_bytes()
    try:
        post = forum.reply(world.participant, cohort_thread, {"body": "hostile"}, files((data, name)))
    except Exception as err:  # refused, per file
        assert "files" in getattr(err, "fields", {}), err
        return
    (stored,) = post.attachments
    kept_bytes = path_for("forums", stored.id).read_bytes()
    assert stored.is_image and stored.content_type in ("image/png", "image/jpeg") and kept_bytes != data
    assert_clean(kept_bytes)
    for marker in (b"<script", b"alert(", b"onerror", b"javascript:"):
        assert marker not in kept_bytes.lower(), (name, marker)
