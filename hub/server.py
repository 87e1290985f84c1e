"""`flask hub serve` runs this module in a fresh interpreter: gevent must patch the standard
library before anything else imports it. One process, no debug, the same app and Socket.IO
code path as production's gunicorn gevent workers."""
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve hub with gevent and Socket.IO")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()

    os.environ.setdefault("HUB_SOCKETIO_ASYNC_MODE", "gevent")
    from hub import create_app
    from hub.extensions import socketio

    app = create_app()
    if os.environ.get("HUB_MAIL_LOOP", "1") != "0":  # digests and away mail without cron (hub.notify.schedule)
        from hub.notify import schedule
        schedule.start(app)
    app.logger.info("async mode %s", socketio.async_mode)
    app.logger.info("Serving hub on http://%s:%s", args.host, args.port)
    socketio.run(app, host=args.host, port=args.port, debug=False, use_reloader=False, log_output=True)


if __name__ == "__main__":
    main()
