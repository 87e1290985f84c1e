"""What a deployment runs from cron, run inside `hub serve` instead (so `make run`'s demo sends its
digests and away mail by itself): every minute, the queued mail SMTP did not take before
(hub.mail), the due away mail and any digests whose period has come. Each is safe to run as often
as one likes; nothing is sent twice. Production runs the commands from cron or a worker instead
(README, "Email"), and leaves this off (HUB_MAIL_LOOP=0)."""
from __future__ import annotations

from hub.extensions import db, socketio


def run_once(app) -> None:
    from hub import mail
    from hub.notify.away import send_due_mail
    from hub.notify.email import send_digests

    with app.app_context():
        try:
            mail.deliver_due()  # what SMTP did not take before (hub.mail's outbox)
            send_due_mail()
            for period in ("daily", "weekly"):
                send_digests(period)
        except Exception:  # the next minute tries again; the page server must not stop
            app.logger.exception("Scheduled mail failed")
        finally:
            db.session.remove()


def run_forever(app, every: float = 60) -> None:
    while True:
        socketio.sleep(every)
        run_once(app)


def start(app) -> None:
    socketio.start_background_task(run_forever, app)
