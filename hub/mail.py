"""Email through real SMTP, by way of a durable outbox; without SMTP settings, into
instance/outbox/ and the log.

With SMTP set, a mail is first written to the `mail_outbox` table (committed), then delivered.
Delivery claims the row in one UPDATE (queued and due -> sending), so two processes never send
the same mail, and marks it sent only once the SMTP server has accepted it. A failed delivery goes
back to the queue with its attempts, last error and a next-attempt time (doubling from
MAIL_RETRY_AFTER, at most MAIL_RETRY_MAX); `flask hub send-due-mail` (cron, and `hub serve`'s own
loop, hub.notify.schedule) sends what is due again. The message is built once, so its Message-ID
stays the same across retries; once sent, its bytes are dropped. A mail the server refuses for good (5xx), or one that failed
MAX_ATTEMPTS times, is kept as failed, with its error.
"""
from __future__ import annotations

import email
import email.policy
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from hub.extensions import db, utcnow

MAX_ATTEMPTS = 12
SENDING_FOR_AT_MOST = timedelta(minutes=10)  # a claim older than this was a process that died mid-send


class OutgoingMail(db.Model):
    """One mail on its way: queued -> sending -> sent (or back to queued, or failed)."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(255))
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # the message as built, sent as it is
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


def build_message(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="hub.local")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Queue the mail (committed) and try to deliver it now; a failure leaves it queued for the
    retry, logged. Call after the caller's own commit: this commits."""
    msg = build_message(to, subject, text, html)
    if not current_app.config.get("SMTP_HOST"):
        _write_to_outbox(msg)
        return
    deliver(enqueue(msg))


def send_in_background(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send without making the request wait (or reveal, by its timing, that mail was sent): the
    mail is built now, queued and delivered in a background task."""
    from hub.extensions import socketio

    app = current_app._get_current_object()
    msg = build_message(to, subject, text, html)

    def work():
        with app.app_context():
            try:
                if not app.config.get("SMTP_HOST"):
                    _write_to_outbox(msg)
                else:
                    deliver(enqueue(msg))
            except Exception:  # a mail failure must not vanish silently
                app.logger.exception("Could not queue mail to %s", to)
            finally:
                db.session.remove()

    socketio.start_background_task(work)


def enqueue(msg: EmailMessage) -> int:
    """Write the mail to the outbox table and commit; its id."""
    row = OutgoingMail(message_id=str(msg["Message-ID"]), recipient=str(msg["To"])[:320],
                       subject=str(msg["Subject"])[:255], raw=_as_bytes(msg),
                       status="queued", attempts=0, next_attempt_at=utcnow())
    db.session.add(row)
    db.session.commit()
    return row.id


def _international(msg) -> bool:
    return not all(str(msg[h] or "").isascii() for h in ("From", "To"))


def _as_bytes(msg: EmailMessage) -> bytes:
    """The message as it will go on the wire (as smtplib's send_message would put it)."""
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n", utf8=_international(msg)))


def deliver_due(now: datetime | None = None, limit: int = 200) -> int:
    """Deliver every queued mail whose time has come (and any whose sender died mid-send).
    Returns how many were sent."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(OutgoingMail.id).where(_claimable(now)).order_by(OutgoingMail.id)
                                  .limit(limit)))
    return sum(1 for mail_id in ids if deliver(mail_id, now))


def _claimable(now: datetime):
    return or_((OutgoingMail.status == "queued") & (OutgoingMail.next_attempt_at <= now),
               (OutgoingMail.status == "sending") & (OutgoingMail.claimed_at < now - SENDING_FOR_AT_MOST))


def deliver(mail_id: int, now: datetime | None = None) -> bool:
    """Claim the mail (one UPDATE: only one process wins it), hand it to SMTP, then mark it sent;
    on failure put it back with a later next attempt. True when it was sent now."""
    now = now or utcnow()
    claimed = db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id, _claimable(now)).values(
        status="sending", claimed_at=now, attempts=OutgoingMail.attempts + 1))
    db.session.commit()
    if claimed.rowcount != 1:
        return False
    row = db.session.get(OutgoingMail, mail_id)
    try:
        _smtp_send(row.raw)
    except Exception as err:  # noqa: BLE001 (SMTP down or refusing: kept, retried, logged)
        _failed(row, err)
        return False
    # Sent: the words (a reset or invitation link among them) are not kept; the row says what went when.
    row.status, row.sent_at, row.last_error, row.raw = "sent", utcnow(), None, b""
    db.session.commit()
    return True


def _failed(row: OutgoingMail, err: Exception) -> None:
    config = current_app.config
    for_good = isinstance(err, smtplib.SMTPResponseException) and err.smtp_code >= 500 \
        or isinstance(err, smtplib.SMTPRecipientsRefused) or row.attempts >= MAX_ATTEMPTS
    wait = min(config["MAIL_RETRY_AFTER"] * 2 ** (row.attempts - 1), config["MAIL_RETRY_MAX"])
    row.status = "failed" if for_good else "queued"
    row.last_error = f"{type(err).__name__}: {err}"[:1000]
    row.next_attempt_at = utcnow() + wait
    db.session.commit()
    current_app.logger.warning("Mail %s to %s not sent (attempt %d): %s; %s", row.id, row.recipient, row.attempts,
                               row.last_error, "given up" if for_good else f"next attempt at {row.next_attempt_at}")


def _smtp_send(raw: bytes) -> None:
    """Hand the stored bytes to SMTP as they are (the same Message-ID on every attempt)."""
    config = current_app.config
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    sender, recipients = msg["From"].addresses[0].addr_spec, [a.addr_spec for a in msg["To"].addresses]
    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    if config.get("SMTP_SSL"):
        client = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), timeout=20)
    else:
        client = smtplib.SMTP(host, port, timeout=20)
    with client:
        if config.get("SMTP_STARTTLS"):
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            client.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        client.sendmail(sender, recipients, raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"] if _international(msg) else [])


def _write_to_outbox(msg: EmailMessage) -> None:
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = utcnow().strftime("%Y%m%dT%H%M%S%f") + ".eml"
    # Written aside and renamed, so a reader never sees half a message.
    partial = outbox / (name + ".part")
    partial.write_bytes(bytes(msg))
    partial.rename(outbox / name)
    current_app.logger.info("Mail to %s (%s) written to %s\n%s", msg["To"], msg["Subject"], outbox / name,
                            msg.get_body(("plain",)).get_content())
