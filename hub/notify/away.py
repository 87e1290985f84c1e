"""Email for people who are away: what is addressed to them (the kinds the domains register as
direct in notify.subjects: mentions, direct messages, quotes, replies to their own threads),
sent a few minutes after the fact to whoever has not read them and has no page of the hub open
(no live socket), as Discourse mails people it has not seen for a while. The digest choice
(daily, weekly, immediately) is separate; "never" means no email at all.

Run by `flask hub send-due-mail` (cron, every minute or few) and by `hub serve`'s own loop
(hub.notify.schedule), so the demo shows it. Each note is emailed at most once (emailed_at).
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from hub import mail, realtime
from hub.extensions import db, utcnow
from hub.notify import subjects
from hub.notify.models import Notification
from hub.notify.checks import email_settings, still_allowed, subject_of
from hub.people.models import User

STALE_AFTER = timedelta(days=2)  # older unread notes wait for the digest, not an "away" email


def send_due_mail(now=None) -> int:
    """Email each away person their due direct notes, one email each. Returns how many were sent."""
    from hub.notify.email import excerpts_of, split_private

    now = now or utcnow()
    delay = current_app.config["AWAY_EMAIL_DELAY"]
    due = db.session.scalars(select(Notification).where(
        Notification.kind.in_(sorted(subjects.DIRECT_KINDS)), Notification.emailed_at.is_(None), Notification.read_at.is_(None),
        Notification.created_at <= now - delay, Notification.created_at >= now - STALE_AFTER)
        .order_by(Notification.user_id, Notification.id)).all()
    by_person: dict[int, list[Notification]] = {}
    for note in due:
        by_person.setdefault(note.user_id, []).append(note)
    online = realtime.connected_user_ids(by_person)
    sent = 0
    for user_id, notes in by_person.items():
        user = db.session.get(User, user_id)
        settings = email_settings(user) if user is not None else None
        if user is None or not user.active or user_id in online or not settings.when_away \
                or settings.frequency in ("never", "immediately"):
            continue
        notes = [n for n in notes if _addressed_to(user, n) and still_allowed(user, n)]
        if not notes:
            continue
        with force_locale(user.preferred_language or "en"):
            public, private = split_private(notes)
            text = render_template("email/notifications.txt", person=user, public=public,
                                   private_count=len(private), base=current_app.config["BASE_URL"],
                                   excerpts=excerpts_of(public), away=True)
            subject = (public[0].text if len(notes) == 1 and public
                       else _("While you were away: %(num)d notes for you", num=len(notes)))
        for note in notes:
            note.emailed_at = now
        db.session.commit()
        mail.send(user.email, subject[:150], text)
        sent += 1
    return sent


def _addressed_to(user: User, note: Notification) -> bool:
    """Direct kinds (registered by the domains in notify.subjects) count; some only sometimes
    (a forum reply, on the person's own thread)."""
    rule = subjects.DIRECT_KINDS.get(note.kind)
    if rule is None:
        return note.kind in subjects.DIRECT_KINDS
    subject = subject_of(note)
    return subject is not None and rule(user, subject)
