"""Server-side drafts: what someone is writing survives a reload, a crash or another device."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from hub import content, policy
from hub.extensions import db, utcnow
from hub.forums.models import Draft, Thread
from hub.spaces.models import Space
from hub.validation import ValidationError, normalise_text

MAX_DRAFTS = 200


def _target(actor, key: str):
    """A draft key names where the words will go; saving one needs the right to post there."""
    kind, _sep, ident = key.partition(":")
    if not ident.isdigit() or kind not in ("thread", "reply"):
        raise ValidationError({"key": _("Unknown draft.")})
    if kind == "thread":
        space = db.session.get(Space, int(ident))
        policy.require(actor, "space.post", space)
        return space
    thread = db.session.get(Thread, int(ident))
    policy.require(actor, "thread.reply", thread)
    return thread


def get(actor, key: str) -> Draft | None:
    if not policy.signed_in(actor):
        return None
    return db.session.scalar(select(Draft).where(Draft.user_id == actor.id, Draft.key == key))


def get_for_writing(actor, key: str) -> Draft | None:
    """A draft, only while its person may still post where it goes: a removed member's draft
    may hold words quoted from the space, and those stop reaching them too."""
    _target(actor, key)
    return get(actor, key)


def save(actor, key: str, title: str = "", body: str = "") -> Draft:
    _target(actor, key)
    title, body = normalise_text(title), normalise_text(body)
    if len(body or "") > content.MAX_SOURCE_CHARS or len(title or "") > 200:
        raise ValidationError({"body": _("This draft is too long to keep.")})
    draft = get(actor, key)
    if draft is None:
        count = db.session.scalar(select(db.func.count(Draft.id)).where(Draft.user_id == actor.id))
        if count >= MAX_DRAFTS:
            raise ValidationError({"key": _("You have too many drafts; post or discard some first.")})
        draft = Draft(user_id=actor.id, key=key)
        db.session.add(draft)
    draft.title, draft.body, draft.updated_at = title or "", body or "", utcnow()
    db.session.commit()
    return draft


def discard(actor, key: str, commit: bool = True) -> None:
    db.session.execute(delete(Draft).where(Draft.user_id == actor.id, Draft.key == key))
    if commit:
        db.session.commit()
