"""Whether a notification still reaches its person, asked at every use (the list, the badge, a
push, an email): its subject loaded again (notify.subjects) and the policy asked about it now.
And each person's email settings, with their defaults. A floor under services, email and away.
"""
from __future__ import annotations

from hub import policy
from hub.extensions import db
from hub.notify import subjects
from hub.notify.models import DEFAULT_FREQUENCY, EmailSettings, Notification
from hub.people.models import User
from hub.spaces.models import Space


def subject_of(note: Notification):
    if note.subject_type is None:
        return db.session.get(Space, note.space_id) if note.space_id is not None else None
    subject = subjects.SUBJECTS.get(note.subject_type)
    return db.session.get(subject.model, note.subject_id) if subject is not None else None


def still_allowed(user: User, note: Notification) -> bool:
    if note.space_id is None and note.subject_type is None:
        return policy.signed_in(user)
    subject = subject_of(note)
    return subject is not None and policy.can(user, note.requires, subject)


def email_settings(user: User) -> EmailSettings:
    settings = db.session.get(EmailSettings, user.id)
    return settings or EmailSettings(user_id=user.id, frequency=DEFAULT_FREQUENCY, when_away=True)
