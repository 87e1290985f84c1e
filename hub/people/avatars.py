"""Profile pictures. An upload passes the same checks as every upload (hub.uploads: size, type read
from the content), then is cropped to its centred square, resized and re-encoded (hub.images), so
what is kept and served is our own JPEG with none of the original's metadata. It is kept as
UPLOAD_DIR/avatars/<person id>-<key>.jpg: a new key for every picture, so a page can let the
browser keep a picture for as long as its address names it. Without one, a person shows as their
initials on a coloured circle (templates/_macros.html `avatar`)."""
from __future__ import annotations

import secrets

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _

from hub import images, policy, uploads
from hub.extensions import db
from hub.people.models import User
from hub.validation import ValidationError

AREA = "avatars"
COLOURS = 8  # the circles' colours: .avatar-c0 to .avatar-c7 in static/css/hub.css
KEPT = "private, max-age=31536000, immutable"  # an address with the key names one picture for ever


def initials(name: str) -> str:
    """"Ana María Ruiz" -> "AR"; one word gives one letter."""
    words = [w for w in (name or "").replace(".", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def colour(person_id: int | None) -> int:
    return (person_id or 0) % COLOURS


def url(person) -> str | None:
    """Where a browser (signed in) loads the person's picture; None when they show initials."""
    if not getattr(person, "avatar_key", None):
        return None
    return url_for("people.avatar", person_id=person.id, v=person.avatar_key)


def brief(person) -> dict:
    """A person as payloads name an author: enough to show their name and picture."""
    return {"id": person.id, "name": person.name, "avatar_url": url(person)}


def _stored_name(person_id: int, key: str) -> str:
    return f"{person_id:08d}-{key}.jpg"


def _checked(upload) -> images.Picture:
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationError({"picture": _("Choose a picture to upload.")})
    try:
        data = uploads.read_limited(upload.stream, current_app.config["AVATAR_MAX_MB"] * 1024 * 1024)
        found = uploads.detect(data, upload.filename)
        if not found.is_image:
            raise ValidationError({"file": _("Choose a PNG, JPEG, GIF or WebP picture.")})
        return images.avatar(data)
    except ValidationError as err:  # the checks speak of "file"; this form's field is "picture"
        raise ValidationError({"picture": err.fields.get("file") or err.message})


def set_picture(actor, person: User | None, upload) -> User:
    """The person's new profile picture (the old one's file goes once the change is committed).
    Moving avatar_key moves the people epoch (hub.forums.thread_pages), so kept pages show it."""
    policy.require(actor, "person.edit", person)
    picture = _checked(upload)
    key, old = secrets.token_urlsafe(9), person.avatar_key
    uploads.store(AREA, _stored_name(person.id, key), picture.data)
    person.avatar_key = key
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.path_for(AREA, _stored_name(person.id, key)).unlink(missing_ok=True)
        raise
    # after commit
    if old:
        uploads.path_for(AREA, _stored_name(person.id, old)).unlink(missing_ok=True)
    return person


def remove_picture(actor, person: User | None) -> User:
    """Back to initials."""
    policy.require(actor, "person.edit", person)
    old = person.avatar_key
    if old is None:
        return person
    person.avatar_key = None
    db.session.commit()
    # after commit
    uploads.path_for(AREA, _stored_name(person.id, old)).unlink(missing_ok=True)
    return person


def response(person: User) -> Response:
    """The picture of a person the caller may see (the loader asked the policy). Asked for by its
    key (?v=), the browser keeps it; asked for otherwise, it checks again each time."""
    from werkzeug.exceptions import NotFound
    path = uploads.path_for(AREA, _stored_name(person.id, person.avatar_key)) if person.avatar_key else None
    if path is None or not path.exists():
        raise NotFound()
    cache = KEPT if request.args.get("v") == person.avatar_key else "private, no-cache"
    answer = uploads.file_response(path.read_bytes(), "image/jpeg", "avatar.jpg", True, cache=cache)
    answer.set_etag(person.avatar_key)
    return answer.make_conditional(request)
