"""The ORM session class that adopts a person read before it existed.

A thread page's first statement reads the person's row on a plain connection (thread_pages.load),
before the request has an ORM session; hub.auth.sessions.place_loaded_person leaves that person
waiting in `g`. The session takes them in as it is made, as if it had loaded them. A kept page
that asks the ORM nothing never makes a session at all: that saves the session's set-up and a
second read of the person on the most visited page (bench/RESULTS.md, "thread page").
Without it the page still works, reading the person again through the ORM.
"""
from __future__ import annotations

from flask import g, has_app_context
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

# Where a person read before the request had an ORM session waits for it (hub.auth.sessions).
PERSON_WAITING = "hub_person_waiting_for_session"


class Session(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session, taking in the person waiting for it (see the module docstring)."""

    def __init__(self, db, **options):
        super().__init__(db, **options)
        if has_app_context():
            waiting = g.pop(PERSON_WAITING, None)
            if waiting is not None:
                self.add(waiting)
