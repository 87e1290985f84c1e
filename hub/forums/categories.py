"""Categories: every space starts with some, its facilitators manage them, and each says who may
start threads in it and who may reply (hub.policy asks: "category.start_thread", "thread.reply")."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, insert, select

from hub import policy
from hub.extensions import db
from hub.forums.models import CATEGORY_RIGHTS, Category, Thread
from hub.spaces.models import Space
from hub.spaces.services import slugify
from hub.validation import ValidationError, require_text

# Names are stored in the language of the program; these are the starting sets per space kind.
# Announcements are the facilitators' to start; everyone may still reply to them.
ANNOUNCEMENTS = _l("Announcements")
DEFAULT_CATEGORIES = {
    "cohort": [(ANNOUNCEMENTS, _l("News from facilitators and the program.")),
               (_l("Ask the cohort"), _l("Questions for peers and coaches.")),
               (_l("Share a win"), _l("Progress worth celebrating.")),
               (_l("Data & measurement"), _l("Stratified measures, run charts and data questions.")),
               (_l("Resources"), _l("Tools, templates and readings."))],
    "community": [(ANNOUNCEMENTS, _l("News for the whole collaborative.")),
                  (_l("General"), _l("Anything for everyone."))],
}
FALLBACK = [(_l("General"), _l("Conversations in this space."))]


def default_rows(space_id: int, kind: str) -> list[dict]:
    return [{"space_id": space_id, "name": str(name), "slug": slugify(str(name)), "description": str(desc),
             "position": i, "who_may_start": "facilitators" if name is ANNOUNCEMENTS else "everyone",
             "who_may_reply": "everyone"}
            for i, (name, desc) in enumerate(DEFAULT_CATEGORIES.get(kind, FALLBACK))]


@event.listens_for(Space, "after_insert")
def _start_with_default_categories(_mapper, connection, space: Space) -> None:
    # Inside the same flush as the space, so a space never exists without a forum.
    connection.execute(insert(Category), default_rows(space.id, space.kind))


def categories_of(space: Space) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.space_id == space.id)
                                   .order_by(Category.position, Category.id)))


def startable(actor, space: Space) -> list[Category]:
    """The space's categories the person may start a thread in, in order."""
    asker = policy.Asker(actor)
    return [c for c in categories_of(space) if asker.can("category.start_thread", c)]


def general_category(actor, space: Space, offered: list[Category] | None = None) -> Category | None:
    """What a new thread goes in unless the person chooses: the first category everyone may start
    threads in (a space's general one, never its announcements), else the first they may."""
    offered = startable(actor, space) if offered is None else offered
    return next((c for c in offered if c.who_may_start == "everyone"), offered[0] if offered else None)


def form_choice(actor, space: Space, wanted) -> tuple[list[Category], int | str]:
    """What a New thread form offers the person, and the category it starts on: the one asked for
    when they may start threads there, else the space's general one ("" when none is open to them)."""
    offered = startable(actor, space)
    if str(wanted or "") in {str(c.id) for c in offered}:
        return offered, wanted
    general = general_category(actor, space, offered)
    return offered, general.id if general else ""


def _validated(space: Space, data: dict, current: Category | None = None) -> dict:
    """The fields `data` names, checked (all of them for a new category; a change keeps the rest)."""
    errors: dict[str, str] = {}
    fields: dict = {}
    if current is None or "name" in data:
        name = require_text(errors, "name", data.get("name"), _("Name"), 80)
        slug = slugify(name)
        clash = db.session.scalar(select(Category.id).where(Category.space_id == space.id, Category.slug == slug))
        if name and clash is not None and (current is None or clash != current.id):
            errors["name"] = _("This space already has a category with that name.")
        fields.update(name=name, slug=slug)
    if current is None or "description" in data:
        fields["description"] = require_text(errors, "description", data.get("description"), _("Description"), 500,
                                             required=False)
    for key, label in (("who_may_start", _("Who may start threads")), ("who_may_reply", _("Who may reply"))):
        if key in data or current is None:
            value = data.get(key) or "everyone"
            if value not in CATEGORY_RIGHTS:
                errors[key] = _("%(field)s: choose everyone or the space's facilitators.", field=label)
            fields[key] = value
    if errors:
        raise ValidationError(errors)
    return fields


def create_category(actor, space: Space, data: dict) -> Category:
    policy.require(actor, "space.manage", space)
    fields = _validated(space, data)
    position = db.session.scalar(select(func.coalesce(func.max(Category.position), -1))
                                 .where(Category.space_id == space.id)) + 1
    category = Category(space_id=space.id, position=position, **fields)
    db.session.add(category)
    db.session.commit()
    return category


def update_category(actor, category: Category, data: dict) -> Category:
    policy.require(actor, "category.manage", category)
    for key, value in _validated(category.space, data, category).items():
        setattr(category, key, value)
    db.session.commit()
    return category


def delete_category(actor, category: Category) -> None:
    """Only an empty category goes; its threads must be moved first so none is orphaned."""
    policy.require(actor, "category.manage", category)
    if db.session.scalar(select(Thread.id).where(Thread.category_id == category.id).limit(1)) is not None:
        raise ValidationError({"category": _("Move this category's threads elsewhere before deleting it.")})
    if db.session.scalar(select(func.count(Category.id)).where(Category.space_id == category.space_id)) <= 1:
        raise ValidationError({"category": _("A space keeps at least one category.")})
    db.session.delete(category)
    db.session.commit()
