"""Create, list and read notifications. Call `notify` only after the change is committed.

Every notification names the policy action its recipient must pass on its subject (a thread
or post when it has one, else its space). That is checked when it is written and again every
time it is listed, counted, pushed or emailed, so someone removed from a space, or a thread
moved where they cannot follow, stops reaching them at once.
"""
from __future__ import annotations

from sqlalchemy import select

from hub import policy, realtime
from hub.extensions import db, utcnow
from hub.notify import email, subjects
from hub.notify.checks import email_settings, still_allowed, subject_of  # noqa: F401  (callers name them here)
from hub.notify.models import (DEFAULT_FREQUENCY, EMAIL_FREQUENCIES, OPTIONAL_KINDS, EmailSettings, MutedKind,
                               Notification)
from hub.people.models import User
from hub.spaces.models import Space
from hub.validation import ValidationError

UNREAD_CAP = 500  # the badge counts at most this many (nobody reads a 500+ backlog one by one)


def _allowed(user: User, notes) -> list[Notification]:
    """The notes the user may still see: subjects loaded together, each space asked about once."""
    notes = list(notes)
    subjects = _load_subjects(notes)
    asker = policy.Asker(user)
    kept = []
    for note in notes:
        if note.space_id is None and note.subject_type is None:
            allowed = policy.signed_in(user)
        else:
            subject = subjects.get((note.subject_type, note.subject_id)) if note.subject_type else \
                subjects.get(("space", note.space_id))
            allowed = subject is not None and asker.can(note.requires, subject)
        if allowed:
            kept.append(note)
    return kept


def _load_subjects(notes) -> dict[tuple, object]:
    """Each note's subject (or space), loaded together: one statement per kind of subject."""
    wanted: dict[str, set] = {}
    for note in notes:
        if note.subject_type in subjects.SUBJECTS:
            wanted.setdefault(note.subject_type, set()).add(note.subject_id)
        elif note.subject_type is None and note.space_id is not None:
            wanted.setdefault("space", set()).add(note.space_id)
    found: dict[tuple, object] = {}
    for name, ids in wanted.items():
        if name == "space":
            rows = db.session.scalars(select(Space).where(Space.id.in_(ids)))
        else:
            kind = subjects.SUBJECTS[name]
            rows = db.session.scalars(select(kind.model).options(*kind.load_options()).where(kind.model.id.in_(ids)))
        found.update(((name, row.id), row) for row in rows)
    return found


def notify(user_ids, kind: str, text, link: str = "", space: Space | None = None,
           requires: str = "space.view", subject=None) -> list[int]:
    """Store and push a notification to each person who may receive it now; returns who got it.
    `text` may be a callable, worded inside each recipient's language. `subject` (of a kind a
    domain registered in notify.subjects) makes every later check ask about it rather than about
    the space. Nobody who turned this kind off (OPTIONAL_KINDS) gets it."""
    subject_type = subjects.name_of(subject)
    delivered = []
    user_ids = set(user_ids)
    if kind in OPTIONAL_KINDS and user_ids:
        user_ids -= set(db.session.scalars(select(MutedKind.user_id).where(
            MutedKind.kind == kind, MutedKind.user_id.in_(sorted(user_ids)))))
    for user_id in sorted(user_ids):
        user = db.session.get(User, user_id)
        if user is None:
            continue
        note = Notification(user_id=user_id, kind=kind, text=_worded(text, user), link=link,
                            space_id=space.id if space else None, requires=requires,
                            subject_type=subject_type, subject_id=subject.id if subject_type else None)
        if not still_allowed(user, note):
            continue
        db.session.add(note)
        delivered.append(note)
    db.session.commit()
    for note in delivered:
        user = db.session.get(User, note.user_id)
        realtime.emit_to_users([note.user_id], "notification",
                               {"id": note.id, "text": note.text, "link": link, "unread": unread_count(user)})
    email.send_immediately([n.id for n in delivered])
    return [n.user_id for n in delivered]


def _worded(text, user: User) -> str:
    if not callable(text):
        return text
    from flask_babel import force_locale
    with force_locale(user.preferred_language or "en"):
        return str(text())


def visible(user: User, limit: int = 50, before_id: int | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if before_id is not None:
        stmt = stmt.where(Notification.id < before_id)
    rows = db.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit * 3))
    return _allowed(user, rows)[:limit]


def space_kinds(notes) -> dict[int, str]:
    """The kind of each note's space, for the private mark its row carries."""
    ids = sorted({n.space_id for n in notes if n.space_id is not None})
    return dict(db.session.execute(select(Space.id, Space.kind).where(Space.id.in_(ids))).all()) if ids else {}


def unread_count(user: User) -> int:
    """The bell's number, asked on every page: the unread notes are loaded once, their subjects
    together, and each space's facts asked once (policy.Asker), so it stays a handful of queries."""
    if not policy.signed_in(user):
        return 0
    unread = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc()).limit(UNREAD_CAP)))
    return len(_allowed(user, unread)) if unread else 0


def mark_read(user: User, ids=None) -> int:
    """Mark the person's notifications read: all, or the given ids (others' ids are ignored)."""
    stmt = Notification.__table__.update().where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_([int(i) for i in ids if str(i).isdigit()]))
    db.session.execute(stmt.values(read_at=utcnow()))
    db.session.commit()
    unread = unread_count(user)
    realtime.emit_to_users([user.id], "notification", {"unread": unread})
    return unread


def mark_all_read(user: User) -> None:
    mark_read(user)


def open_notification(user: User, note_id: int) -> Notification | None:
    """Mark one read and return it if it is the person's and still theirs to see."""
    note = db.session.get(Notification, note_id)
    if note is None or note.user_id != user.id or not still_allowed(user, note):
        return None
    mark_read(user, [note.id])
    return note


def set_email_frequency(user: User, frequency: str) -> EmailSettings:
    return update_email_settings(user, {"frequency": frequency})


def update_email_settings(user: User, data: dict) -> EmailSettings:
    """The digest choice (`frequency`) and whether direct notes are emailed while away
    (`when_away`): only what `data` names changes."""
    from flask_babel import gettext as _

    fields: dict[str, str] = {}
    if "frequency" in data and data["frequency"] not in EMAIL_FREQUENCIES:
        fields["frequency"] = _("Choose how often to get email.")
    if "when_away" in data and not isinstance(data["when_away"], bool):
        fields["when_away"] = _("Send true or false.")
    if fields:
        raise ValidationError(fields)
    settings = db.session.get(EmailSettings, user.id)
    if settings is None:
        settings = EmailSettings(user_id=user.id, frequency=DEFAULT_FREQUENCY, when_away=True)
        db.session.add(settings)
    if "frequency" in data:
        settings.frequency = data["frequency"]
    if "when_away" in data:
        settings.when_away = data["when_away"]
    db.session.commit()
    return settings


def has_unread(user_id: int, kind: str, subject) -> bool:
    """Whether a note of this kind about this subject already waits unread for the person."""
    subject_type = subjects.name_of(subject)
    return db.session.scalar(select(Notification.id).where(
        Notification.user_id == user_id, Notification.kind == kind, Notification.subject_type == subject_type,
        Notification.subject_id == subject.id, Notification.read_at.is_(None)).limit(1)) is not None


def optional_kinds(user: User) -> dict[str, bool]:
    """{kind: on} for the kinds of notification a person may turn off (all on until they do)."""
    muted = set(db.session.scalars(select(MutedKind.kind).where(MutedKind.user_id == user.id)))
    return {kind: kind not in muted for kind in OPTIONAL_KINDS}


def set_optional_kinds(user: User, choices: dict) -> dict[str, bool]:
    """Turn optional kinds on or off: {kind: bool}; kinds not named stay as they are."""
    from flask_babel import gettext as _

    unknown = [k for k in choices if k not in OPTIONAL_KINDS or not isinstance(choices[k], bool)]
    if unknown:
        raise ValidationError({unknown[0]: _("Say true or false for: %(kinds)s.", kinds=", ".join(OPTIONAL_KINDS))})
    for kind, on in choices.items():
        row = db.session.get(MutedKind, (user.id, kind))
        if on and row is not None:
            db.session.delete(row)
        elif not on and row is None:
            db.session.add(MutedKind(user_id=user.id, kind=kind))
    db.session.commit()
    return optional_kinds(user)
