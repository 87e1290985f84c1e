"""Categories: every space starts with some, its facilitators manage them."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, insert, select

from hub import policy
from hub.extensions import db
from hub.forums.models import Category, Thread
from hub.spaces.models import Space
from hub.spaces.services import slugify
from hub.validation import ValidationError, require_text

# Names are stored in the language of the program; these are the starting sets per space kind.
DEFAULT_CATEGORIES = {
    "cohort": [(_l("Announcements"), _l("News from facilitators and the program.")),
               (_l("Ask the cohort"), _l("Questions for peers and coaches.")),
               (_l("Share a win"), _l("Progress worth celebrating.")),
               (_l("Data & measurement"), _l("Stratified measures, run charts and data questions.")),
               (_l("Resources"), _l("Tools, templates and readings."))],
    "community": [(_l("Announcements"), _l("News for the whole collaborative.")),
                  (_l("General"), _l("Anything for everyone."))],
}
FALLBACK = [(_l("General"), _l("Conversations in this space."))]


def default_rows(space_id: int, kind: str) -> list[dict]:
    return [{"space_id": space_id, "name": str(name), "slug": slugify(str(name)), "description": str(desc),
             "position": i} for i, (name, desc) in enumerate(DEFAULT_CATEGORIES.get(kind, FALLBACK))]


@event.listens_for(Space, "after_insert")
def _start_with_default_categories(_mapper, connection, space: Space) -> None:
    # Inside the same flush as the space, so a space never exists without a forum.
    connection.execute(insert(Category), default_rows(space.id, space.kind))


def categories_of(space: Space) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.space_id == space.id)
                                   .order_by(Category.position, Category.id)))


def _validated(space: Space, data: dict, current: Category | None = None) -> dict:
    errors: dict[str, str] = {}
    name = require_text(errors, "name", data.get("name"), _("Name"), 80)
    description = require_text(errors, "description", data.get("description"), _("Description"), 500, required=False)
    slug = slugify(name)
    clash = db.session.scalar(select(Category.id).where(Category.space_id == space.id, Category.slug == slug))
    if name and clash is not None and (current is None or clash != current.id):
        errors["name"] = _("This space already has a category with that name.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "description": description, "slug": slug}


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
