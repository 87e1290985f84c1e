"""Abuse limits for chat: a per-person send rate (shared through Redis when HUB_REDIS_URL is set)."""
from __future__ import annotations

import math
import time

from flask import current_app
from flask_babel import gettext as _
from limits import parse_many

from hub.extensions import limiter


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        self.message = _("You are sending messages too fast. Wait %(n)d seconds; your message is kept.",
                         n=retry_after)
        super().__init__(self.message)


def check_send_rate(user_id: int) -> None:
    """Count one send for the person, or raise RateLimited (nothing is counted then). When the
    counters' storage (Redis) is unreachable the send goes ahead: losing a limit for a while is
    better than losing the conversation."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    items = parse_many(current_app.config["CHAT_SEND_LIMIT"])
    try:
        strategy = limiter.limiter
        for item in items:
            if not strategy.test(item, prefix, "chat-send", str(user_id)):
                reset, _remaining = strategy.get_window_stats(item, prefix, "chat-send", str(user_id))
                raise RateLimited(max(1, math.ceil(reset - time.time())))
        for item in items:
            strategy.hit(item, prefix, "chat-send", str(user_id))
    except RateLimited:
        raise
    except Exception:  # noqa: BLE001 (storage down: logged, not fatal)
        # With its traceback once per outage (in this process), then a line per send.
        current_app.logger.warning("chat send limit not checked: rate-limit storage unavailable",
                                   exc_info=not _STORAGE_DOWN["logged"])
        _STORAGE_DOWN["logged"] = True
    else:
        _STORAGE_DOWN["logged"] = False


_STORAGE_DOWN = {"logged": False}
