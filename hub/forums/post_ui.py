"""What every post of a thread page repeats (templates/forums/_post.html): the reader's rights,
and the words and links, translated and built once per page. Shared by the thread page and the
post views (a quote, an edit form)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from hub.forums.models import REACTIONS, Thread

REACTION_NAMES = {"thumbsup": _l("thumbs up"), "heart": _l("heart"), "tada": _l("celebrate"),
                  "lightbulb": _l("insight"), "pray": _l("thank you")}


def post_values(found: Thread, perms: dict, last_read: int) -> dict:
    """What every post of a thread page repeats (templates/forums/_post.html), for this reader."""
    return {"P": url_for("forums.permalink", post_id=0)[:-1],  # "/posts/"
            "token": generate_csrf(), "can_reply": perms["thread"]["thread.reply"],
            "can_accept": perms["thread"]["thread.accept_answer"], "can_moderate": perms["thread"]["thread.moderate"],
            "accepted": found.accepted_post_id, "last_read": last_read, "me": current_user.id,
            "offered": REACTIONS, "ui": _post_ui(found)}


def _post_ui(found: Thread) -> dict:
    """The words and links every post on a thread page repeats, translated and built once per page."""
    stem = url_for("forums.permalink", post_id=0)[:-1]  # "/posts/"
    labels = {k: _("React with %(kind)s", kind=str(v)) for k, v in REACTION_NAMES.items()}

    def buttons(mine: dict) -> list[tuple]:
        """(kind, emoji, label, pressed) for a post's reaction buttons, given its summary."""
        return [(kind, emoji, labels[kind], bool(mine.get(kind, {}).get("mine"))) for kind, emoji in REACTIONS.items()]

    return {
        "buttons": buttons,
        "post_stem": stem, "person_stem": url_for("people.profile", person_id=0)[:-1],
        "accept_url": url_for("forums.accept", thread_id=found.id),
        "react_names": {k: str(v) for k, v in REACTION_NAMES.items()},
        "link_title": _("Link to this post"), "new": _("new"), "reactions": _("Reactions"), "react": _("React"),
        "who_reacted": _("Who reacted"), "quote": _("Quote"), "edit": _("Edit"), "history": _("History"),
        "flag": _("Flag"), "delete": _("Delete"), "attachments": _("Attachments"),
        "attachment_stem": url_for("forums.attachment", attachment_id=0)[:-1],  # "/posts/attachments/"
    }
