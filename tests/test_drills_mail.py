"""Fault drill: SMTP down. An invitation and a password reset, asked through the app's own forms
while the SMTP server is stopped, still succeed for the person asking; each mail waits in the
outbox table with its attempt, error and next attempt. Once SMTP is back, `flask hub send-due-mail`
delivers each exactly once, with the Message-ID it was built with; running it again sends nothing
more. Two senders working the queue at once never send the same mail twice."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from hub import mail
from hub.extensions import db, utcnow
from hub.mail import OutgoingMail
from tests.conftest import free_port, make_app
from tests.helpers import factories, login, post_form
from tests.helpers.faults import wait_until

pytestmark = pytest.mark.services


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a fixed port that can be started after the app is."""

    def __init__(self):
        self.port, self.received, self.controller = free_port(), [], None

    def start(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message
        received = self.received

        class Keep(Message):
            def handle_message(self, message):
                received.append(message)
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


def _serving(app):
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def drill_app(tmp_path, smtp):
    yield from _serving(make_app(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port,
                                 MAIL_RETRY_AFTER=timedelta(seconds=1)))


def _outbox() -> list[OutgoingMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def _retry(app) -> str:
    result = app.test_cli_runner().invoke(args=["hub", "send-due-mail"])
    assert result.exit_code == 0, result.output
    return result.output


def test_mail_asked_for_while_smtp_is_down_arrives_once_when_it_is_back(drill_app, smtp):
    facilitator = factories.user("Fay Facilitator", "facilitator")
    factories.user("Rhea Reset", email="rhea@example.org")
    inviting = drill_app.test_client()
    login(inviting, facilitator)
    invited = post_form(inviting, "/invitations", {"email": "newcomer@example.org"}, token_from="/invitations")
    assert invited.status_code == 200 and "newcomer@example.org" in invited.get_data(as_text=True)
    reset = post_form(drill_app.test_client(), "/password/forgot", {"email": "rhea@example.org"})
    assert reset.status_code == 200 and "Check your email" in reset.get_data(as_text=True)

    # Nothing lost: both wait in the outbox (the reset's is queued in the background).
    assert wait_until(lambda: [m.attempts for m in _outbox()] == [1, 1], 10), [(m.recipient, m.attempts)
                                                                                for m in _outbox()]
    queued = _outbox()
    assert {m.recipient for m in queued} == {"newcomer@example.org", "rhea@example.org"}
    assert all(m.status == "queued" and "refused" in m.last_error.lower() and m.next_attempt_at > m.created_at
               for m in queued), [(m.status, m.last_error) for m in queued]
    ids = {m.recipient: m.message_id for m in queued}

    smtp.start()
    assert "Sent 0 queued" in _retry(drill_app), "not before its next attempt is due"
    assert wait_until(lambda: utcnow() >= max(m.next_attempt_at for m in queued), 5)
    assert "Sent 2 queued" in _retry(drill_app)
    assert sorted((m["To"], m["Message-ID"]) for m in smtp.received) == sorted(ids.items()), \
        "each once, with the Message-ID it was built with"
    assert [m.status for m in _outbox()] == ["sent", "sent"] and all(m.sent_at for m in _outbox())
    assert all(m.raw == b"" for m in _outbox()), "a sent mail's words (its link) are not kept"
    assert "Sent 0 queued" in _retry(drill_app)
    assert len(smtp.received) == 2, "no second copy"
    print(f"\nmail drill: 2 mails asked for with SMTP down, 2 queued, 2 delivered once after it came back, "
          f"0 duplicates")


def test_a_mail_smtp_takes_at_once_is_sent_once_and_kept_as_sent(drill_app, smtp):
    smtp.start()
    with drill_app.test_request_context():
        mail.send("once@example.org", "Hello", "Just once.")
    assert [(m["To"], m["Subject"]) for m in smtp.received] == [("once@example.org", "Hello")]
    assert [(m.status, m.attempts) for m in _outbox()] == [("sent", 1)]
    assert "Sent 0 queued" in _retry(drill_app)


def test_two_senders_working_the_queue_at_once_send_each_mail_once(drill_app, smtp):
    with drill_app.test_request_context():
        for n in range(12):
            mail.enqueue(mail.build_message(f"p{n}@example.org", f"Note {n}", "Words."))
    smtp.start()
    sent: list[int] = []

    def work():
        with drill_app.app_context():
            sent.append(mail.deliver_due())
            db.session.remove()
    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert sum(sent) == 12
    assert sorted(m["To"] for m in smtp.received) == sorted(f"p{n}@example.org" for n in range(12))
    assert all(m.status == "sent" and m.attempts == 1 for m in _outbox())


def test_without_smtp_settings_mail_still_goes_to_the_outbox_folder(tmp_path):
    from pathlib import Path
    for app in _serving(make_app(tmp_path)):
        with app.test_request_context():
            mail.send("folder@example.org", "Kept", "In the folder.")
        assert [p.name.endswith(".eml") for p in Path(app.config["OUTBOX_DIR"]).iterdir()] == [True]
        assert _outbox() == []
