"""Notification email: one at a time for "immediately", grouped digests for daily and weekly.

Privacy rules, checked at the moment of sending (never when queued):
- a notification is sent only if its person may still see its subject (notify.checks.still_allowed);
- nothing written in a team or affinity space is ever put in an email (the policy's
  "space.email_words"): those appear as a count and a link to the notification centre.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from hub import mail, policy
from hub.extensions import db, socketio, utcnow
from hub.notify import subjects
from hub.notify.models import DEFAULT_FREQUENCY, EmailSettings, Notification
from hub.notify.checks import email_settings, still_allowed, subject_of
from hub.people.models import User
from hub.spaces.models import Space

PERIODS = {"daily": timedelta(hours=23), "weekly": timedelta(days=6, hours=23)}


def is_private(note: Notification) -> bool:
    """True when the notification's words may not go in an email (policy "space.email_words"):
    the space its subject is in now (a thread may have moved since), else the space it was about."""
    subject = subject_of(note)
    kind = subjects.SUBJECTS.get(note.subject_type)
    space = kind.space_of(subject) if kind is not None and subject is not None else None
    if space is None and note.space_id is not None:  # (a subject in no space, a direct message, says nothing)
        space = db.session.get(Space, note.space_id)
    elif space is None:
        return False
    return not policy.can(None, "space.email_words", space)


def send_immediately(note_ids: list[int]) -> None:
    """After commit: for people who chose "immediately", send in the background (re-checked there)."""
    if not note_ids:
        return
    app = current_app._get_current_object()

    def deliver():
        with app.app_context():
            for note_id in note_ids:
                try:
                    _send_one(note_id)
                except Exception:  # one failure must not stop the rest, nor vanish
                    app.logger.exception("Could not email notification %s", note_id)

    socketio.start_background_task(deliver)


def _send_one(note_id: int) -> bool:
    note = db.session.get(Notification, note_id)
    if note is None or note.emailed_at is not None or note.read_at is not None:
        return False
    user = db.session.get(User, note.user_id)
    if user is None or not user.active or email_settings(user).frequency != "immediately":
        return False
    if not still_allowed(user, note):
        return False
    with force_locale(user.preferred_language or "en"):
        public, private = split_private([note])
        subject = _("New notification") if private else note.text
        text = render_template("email/notifications.txt", person=user, public=public, private_count=len(private),
                               base=current_app.config["BASE_URL"], excerpts=excerpts_of(public))
    note.emailed_at = utcnow()
    db.session.commit()
    mail.send(user.email, subject[:150], text)
    return True


def split_private(notes):
    public = [n for n in notes if not is_private(n)]
    return public, [n for n in notes if is_private(n)]


def excerpts_of(notes) -> dict[int, str]:
    """A short plain-text excerpt of each note's subject whose kind offers one (a post's words),
    for the notes an email may quote (split_private has kept the others out)."""
    found = {}
    for note in notes:
        kind = subjects.SUBJECTS.get(note.subject_type)
        subject = subject_of(note) if kind is not None and kind.excerpt is not None else None
        words = kind.excerpt(subject) if subject is not None else None
        if words:
            found[note.id] = words
    return found


def send_digests(period: str, now=None) -> int:
    """Send each person who chose `period` what they have not read or been emailed since their
    last digest. Returns how many digests were sent."""
    now = now or utcnow()
    sent = 0
    chose = EmailSettings.frequency == period
    if period == DEFAULT_FREQUENCY:
        chose = or_(chose, EmailSettings.user_id.is_(None))
    people = db.session.scalars(select(User).outerjoin(EmailSettings, EmailSettings.user_id == User.id)
                                .where(chose, User.active.is_(True)).order_by(User.id))
    for user in list(people):
        settings = db.session.get(EmailSettings, user.id)
        if settings is None:
            settings = EmailSettings(user_id=user.id, frequency=period)
            db.session.add(settings)
        if settings.last_digest_at is not None and now - settings.last_digest_at < PERIODS[period]:
            continue
        if _send_digest(user, settings, now):
            sent += 1
    return sent


def _send_digest(user: User, settings: EmailSettings, now) -> bool:
    stmt = select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None),
                                      Notification.emailed_at.is_(None))
    if settings.last_digest_at is not None:
        stmt = stmt.where(Notification.created_at > settings.last_digest_at)
    notes = [n for n in db.session.scalars(stmt.order_by(Notification.id)) if still_allowed(user, n)]
    settings.last_digest_at = now
    if not notes:
        db.session.commit()
        return False
    with force_locale(user.preferred_language or "en"):
        public, private = split_private(notes)
        text = render_template("email/notifications.txt", person=user, public=public, private_count=len(private),
                               base=current_app.config["BASE_URL"], excerpts=excerpts_of(public), digest=True)
        subject = _("Your %(period)s summary from the Equity Learning Hub",
                    period=_("daily") if settings.frequency == "daily" else _("weekly"))
    for note in notes:
        note.emailed_at = now
    db.session.commit()
    mail.send(user.email, subject, text)
    return True
