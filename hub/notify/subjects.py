"""What a notification can be about, and which kinds are addressed to a person: registered by
the domains (each in its fanout.py), so notify imports no domain model.

A note stores its subject as (`Subject.name`, id). Every later use (the list, the badge, a push,
an email) loads the subject again and asks the policy about it, so a note follows its subject:
a thread moved out of someone's reach stops reaching them. `space_of` says where the subject's
words are now (for the email privacy rule); `excerpt` gives the plain words an email may quote.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Subject:
    name: str
    model: type
    space_of: Callable[[Any], Any]
    # Loader options for a batch of them (the policy reads, say, a post's thread and space).
    load_options: Callable[[], list] = field(default=lambda: [])
    excerpt: Callable[[Any], str | None] | None = None


SUBJECTS: dict[str, Subject] = {}
# Kinds of note addressed to the person (not merely something they watch), for "email me while I
# am away": None, or a rule (person, subject) -> bool for kinds that are direct only sometimes.
DIRECT_KINDS: dict[str, Callable[[Any, Any], bool] | None] = {}


def register(subject: Subject) -> None:
    SUBJECTS[subject.name] = subject


def register_direct(kind: str, rule: Callable[[Any, Any], bool] | None = None) -> None:
    DIRECT_KINDS[kind] = rule


def name_of(obj) -> str | None:
    """The registered name of `obj`'s type (None: the note is about its space)."""
    return next((s.name for s in SUBJECTS.values() if isinstance(obj, s.model)), None) if obj is not None else None
