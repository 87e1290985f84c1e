"""Profile pictures (issue 17, item 13): uploaded on the profile page or through the API, cropped to a
centred square, resized and re-encoded without the original's metadata, served only as that new
JPEG with safe headers, initials on a coloured circle without one; shown beside people's names in
threads, chat, Latest and people lists."""
from __future__ import annotations

import io
import re

import pytest

from hub.extensions import db
from hub.people import avatars
from hub.people.models import User
from hub.uploads import path_for
from tests.helpers import factories as f
from tests.helpers import csrf_token, login, without_request_tokens
from tests.helpers.pictures import assert_clean, halves, opened, phone_jpeg, png_with_text


def signed_in(app, person):
    client = app.test_client()
    login(client, person)
    return client


def upload(client, data: bytes, filename: str = "me.jpg"):
    return client.post("/settings/profile/picture", data={"picture": (io.BytesIO(data), filename),
                                                          "csrf_token": csrf_token(client, "/settings/profile")},
                       content_type="multipart/form-data")


def picture_url(client, person) -> str:
    db.session.expire_all()
    key = db.session.get(User, person.id).avatar_key
    assert key, "no picture was saved"
    return f"/people/{person.id}/avatar?v={key}"


def test_a_phone_photo_becomes_an_upright_centred_square_without_its_metadata(app, world):
    pat = signed_in(app, world.participant)
    # A wide photo (red left, blue right) that the phone says to turn a quarter clockwise: upright it is
    # tall, red above blue, and its centred square is red in its top half, blue in its bottom half.
    answer = upload(pat, phone_jpeg(halves((400, 200)), orientation=6))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/settings/profile")
    served = pat.get(picture_url(pat, world.participant))
    assert served.status_code == 200
    picture = opened(served.data)
    assert picture.format == "JPEG" and picture.size == (avatars_side(), avatars_side())
    assert_clean(served.data)
    red, blue = picture.getpixel((128, 30)), picture.getpixel((128, 226))
    assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0], (red, blue)
    stored = path_for("avatars", f"{world.participant.id:08d}-{db.session.get(User, world.participant.id).avatar_key}.jpg")
    assert stored.read_bytes() == served.data  # what is kept is our encoding, never the upload


def avatars_side() -> int:
    from hub.images import AVATAR_SIDE
    return AVATAR_SIDE


def test_a_picture_is_served_only_as_an_image_with_safe_headers_and_kept_by_its_address(app, world):
    pat = signed_in(app, world.participant)
    upload(pat, png_with_text((300, 120), alpha=True), "logo.png")
    url = picture_url(pat, world.participant)
    served = pat.get(url)
    headers = served.headers
    assert headers["Content-Type"] == "image/jpeg" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Content-Disposition"].startswith("inline;")
    assert headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert_clean(served.data)
    # Without the picture's key (or with an old one), the browser must ask again; an unchanged one is a 304.
    assert pat.get(f"/people/{world.participant.id}/avatar").headers["Cache-Control"] == "private, no-cache"
    again = pat.get(url, headers={"If-None-Match": headers["ETag"]})
    assert again.status_code == 304
    # Anyone signed in sees it; nobody else.
    assert signed_in(app, world.outsider).get(url).status_code == 200
    assert app.test_client().get(url).status_code == 302


def test_what_is_not_a_picture_is_refused_and_nothing_is_kept(app, world):
    pat = signed_in(app, world.participant)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>'
    for data, name in ((b"just some words\n", "me.jpg"), (svg, "me.svg"), (b"GIF89a<script>", "me.gif"),
                       (b"", "me.png")):
        answer = upload(pat, data, name)
        assert answer.status_code == 422, name
        page = answer.get_data(as_text=True)
        assert 'id="f-picture-error"' in page and 'aria-invalid="true"' in page and 'href="#f-picture"' in page
    big = pat.application.config["AVATAR_MAX_MB"] * 1024 * 1024 + 1
    assert upload(pat, b"\xff" * big).status_code == 422
    db.session.expire_all()
    assert db.session.get(User, world.participant.id).avatar_key is None
    assert kept_files() == []


def kept_files() -> list:
    folder = path_for("avatars", "x").parent
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_new_picture_replaces_the_old_one_and_removing_it_brings_the_initials_back(app, world):
    pat = signed_in(app, world.participant)
    upload(pat, phone_jpeg())
    first = picture_url(pat, world.participant)
    upload(pat, png_with_text())
    second = picture_url(pat, world.participant)
    assert first != second
    assert len(kept_files()) == 1  # the old file went
    assert pat.get(first).headers["Cache-Control"] == "private, no-cache"  # an old address is not kept
    page = pat.get("/settings/profile").get_data(as_text=True)
    assert f'src="{second}"' in page and 'alt="Your profile picture"' in page
    removed = pat.post("/settings/profile/picture/remove", data={"csrf_token": csrf_token(pat, "/settings/profile")})
    assert removed.status_code == 302
    assert pat.get(second).status_code == 404 and kept_files() == []
    page = pat.get("/settings/profile").get_data(as_text=True)
    assert re.search(r'<span class="avatar avatar-96 avatar-c\d" role="img" aria-label="Your profile picture">PP</span>',
                     page)


def test_a_deactivated_persons_picture_answers_like_a_missing_one(app, world):
    with app.test_request_context():
        picture = type("Upload", (), {"stream": io.BytesIO(phone_jpeg()), "filename": "dee.jpg"})()
        dee = db.session.get(User, world.deactivated.id)
        dee.active = True
        avatars.set_picture(dee, dee, picture)
        dee.active = False
        db.session.commit()
    pat = signed_in(app, world.participant)
    hidden, missing = pat.get(f"/people/{dee.id}/avatar"), pat.get("/people/999999/avatar")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_tokens(hidden) == without_request_tokens(missing)
    api_hidden, api_missing = pat.get(f"/api/v1/people/{dee.id}/avatar"), pat.get("/api/v1/people/999999/avatar")
    assert api_hidden.status_code == api_missing.status_code == 404 and api_hidden.data == api_missing.data
    assert signed_in(app, world.admin).get(f"/people/{dee.id}/avatar").status_code == 200


def test_the_api_sets_shows_and_removes_a_picture(app, world):
    from hub.auth import tokens
    with app.test_request_context():
        plain = tokens.create_token(world.participant, "pictures")[1]
    client, bearer = app.test_client(), {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=bearer).get_json()["avatar_url"] is None
    refused = client.put("/api/v1/me/avatar", headers=bearer, content_type="multipart/form-data",
                         data={"picture": (io.BytesIO(b"not a picture"), "x.png")})
    assert refused.status_code == 422 and "picture" in refused.get_json()["error"]["fields"]
    done = client.put("/api/v1/me/avatar", headers=bearer, content_type="multipart/form-data",
                      data={"picture": (io.BytesIO(phone_jpeg()), "x.jpg")})
    assert done.status_code == 200
    url = done.get_json()["avatar_url"]
    assert url.startswith(f"/people/{world.participant.id}/avatar?v=")
    served = client.get(f"/api/v1/people/{world.participant.id}/avatar", headers=bearer)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Cache-Control"] == "no-store"
    assert_clean(served.data)
    seen = client.get(f"/api/v1/people/{world.participant.id}", headers=bearer).get_json()
    assert seen["avatar_url"] == url
    gone = client.delete("/api/v1/me/avatar", headers=bearer)
    assert gone.status_code == 200 and gone.get_json()["avatar_url"] is None
    assert client.get(f"/api/v1/people/{world.participant.id}/avatar", headers=bearer).status_code == 404
    # Through the browser session, a write needs its CSRF token, as every API write does.
    pat = signed_in(app, world.participant)
    assert pat.put("/api/v1/me/avatar", content_type="multipart/form-data",
                   data={"picture": (io.BytesIO(phone_jpeg()), "x.jpg")}).status_code == 400


@pytest.fixture
def pictured(app, world):
    """Pat has a picture; Tess shows her initials."""
    pat = signed_in(app, world.participant)
    upload(pat, phone_jpeg())
    return picture_url(pat, world.participant)


def test_pictures_and_initials_show_beside_names_in_threads_latest_chat_and_people_lists(app, world, pictured):
    from hub.chat import services as chat
    with app.test_request_context():
        thread = f.thread(world.participant, world.cohort.space, "Pictures in threads")
        f.reply(world.teammate, thread, "Initials here")
        room = chat.create_channel(world.admin, world.team.space, {"name": "team-room"})
        chat.send(world.participant, room, {"body": "Hello from Pat", "client_id": "p-1"})
        chat.send(world.teammate, room, {"body": "Hello from Tess", "client_id": "t-1"})
    tess = signed_in(app, world.teammate)
    tess_initials = rf'<span class="avatar avatar-(24|32) avatar-c{world.teammate.id % 8}" aria-hidden="true">TT</span>'
    pages = {"thread": f"/threads/{thread.id}", "latest": "/latest", "chat": f"/chat/channels/{room.id}",
             "people": "/people", "members": f"/spaces/{world.team.space.slug}/members"}
    for name, url in pages.items():
        page = tess.get(url).get_data(as_text=True)
        assert re.search(r'<img class="avatar avatar-(24|32)" src="' + re.escape(pictured) + '" alt="', page), name
    for name in ("thread", "chat", "people"):
        assert re.search(tess_initials, tess.get(pages[name]).get_data(as_text=True)), name
    latest = tess.get("/latest").get_data(as_text=True)
    assert 'alt="Started by Pat Participant"' in latest
    history = tess.get(f"/api/v1/channels/{room.id}/messages").get_json()["items"]
    assert [m["author"]["avatar_url"] for m in history] == [pictured, None]


def test_initials():
    assert avatars.initials("Ana María Ruiz") == "AR"
    assert avatars.initials("Dr. Ana") == "DA"
    assert avatars.initials("cher") == "C"
    assert avatars.initials("  ") == "?"
    assert avatars.initials("José-Luis ñandú") == "JÑ"
