"""Does a hidden thing's 404 take measurably longer than a missing thing's 404?

Serves the demo collaborative in-process, signs in as a non-member, and times many
interleaved requests for something hidden and for something that does not exist: a secret
space by slug, and a channel and a message of that space (page, API) by id. Prints the medians
and their difference per pair; a difference that stands out from the noise would tell an
outsider that the hidden thing exists.

    .venv/bin/python bench/not_found_timing.py
"""
from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig  # noqa: E402
from hub import create_app  # noqa: E402
from hub.extensions import db  # noqa: E402

ROUNDS = 400
MISSING_ID = 999_999


def _hidden_chat(app) -> tuple[int, int]:
    """A channel of the secret space and one of its messages (the participant reads neither)."""
    from sqlalchemy import select

    from hub.chat.models import Channel, Message
    from hub.spaces.models import Space
    with app.app_context():
        space = db.session.scalar(select(Space).where(Space.slug == "white-accountability"))
        channel = db.session.scalar(select(Channel).where(Channel.space_id == space.id))
        message = db.session.scalar(select(Message).where(Message.channel_id == channel.id))
        return channel.id, message.id


def main() -> None:
    app = create_app(TestConfig(tempfile.mkdtemp(), LOGIN_LIMIT_PER_ACCOUNT="1000 per minute"))
    with app.app_context():
        db.create_all()
        from hub.demo.collaborative import seed
        from hub.demo.chat import seed_chat
        seed()
        seed_chat()
    channel_id, message_id = _hidden_chat(app)
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "email": "participant@demo.hub", "password": "equity-demo-2026"})
    pairs = {
        "space page": ("/spaces/white-accountability", "/spaces/no-such-space-here"),
        "channel page": (f"/chat/channels/{channel_id}", f"/chat/channels/{MISSING_ID}"),
        "channel API": (f"/api/v1/channels/{channel_id}/messages", f"/api/v1/channels/{MISSING_ID}/messages"),
        "message API": (f"/api/v1/messages/{message_id}", f"/api/v1/messages/{MISSING_ID}"),
    }
    for label, (hidden_path, missing_path) in pairs.items():
        times = {"hidden": [], "missing": []}
        for _ in range(ROUNDS):
            for name, path in (("hidden", hidden_path), ("missing", missing_path)):
                start = time.perf_counter()
                status = client.get(path).status_code
                times[name].append((time.perf_counter() - start) * 1000)
                assert status == 404, (path, status)
        hidden, missing = statistics.median(times["hidden"]), statistics.median(times["missing"])
        print(f"{label:<13} median 404 ms  hidden {hidden:.3f}  missing {missing:.3f}  "
              f"difference {hidden - missing:+.3f} ms ({hidden / missing:.3f}x), {ROUNDS} rounds each")


if __name__ == "__main__":
    main()
