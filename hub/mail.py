"""Email through real SMTP; without SMTP settings, into instance/outbox/ and the log."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from hub.extensions import utcnow


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
    msg = build_message(to, subject, text, html)
    config = current_app.config
    if not config.get("SMTP_HOST"):
        _write_to_outbox(msg)
        return
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
        client.send_message(msg)


def send_in_background(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send without making the request wait (or reveal, by its timing, that mail was sent)."""
    from hub.extensions import socketio

    app = current_app._get_current_object()

    def deliver():
        with app.app_context():
            try:
                send(to, subject, text, html)
            except Exception:  # a mail failure must not vanish silently
                app.logger.exception("Could not send mail to %s", to)

    socketio.start_background_task(deliver)


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
