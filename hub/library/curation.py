"""Curation by a space's moderators: featured resources, ordered collections, a collection pinned
to a cohort's home, and the framework components (kept by site facilitators)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hub import content, policy
from hub.extensions import db, utcnow
from hub.library.models import Collection, CollectionItem, Component, Resource
from hub.library.fields import text_of
from hub.spaces.models import Space
from hub.validation import ValidationError, require_text, same_name

DEFAULT_COMPONENTS = [_l("Make equity a strategic priority"), _l("Build infrastructure to support health equity"),
                      _l("Address the multiple determinants of health"),
                      _l("Eliminate racism and other forms of oppression"), _l("Partner with the community")]


def set_featured(actor, resource: Resource, featured: bool) -> Resource:
    policy.require(actor, "resource.curate", resource)
    resource.featured_at = utcnow() if featured else None
    db.session.commit()
    return resource


def _collection_fields(data: dict, current: Collection | None) -> dict:
    errors: dict[str, str] = {}
    get = lambda key: text_of(data.get(key, getattr(current, key, "") if current else ""))  # noqa: E731
    title = require_text(errors, "title", get("title"), _("Title"), 200)
    description = require_text(errors, "description", get("description"), _("Description"), 5000, required=False)
    if errors:
        raise ValidationError(errors)
    featured = data.get("featured", current.featured if current else False)
    return {"title": title, "description": description, "featured": featured in (True, "1", "on", "true")}


def create_collection(actor, space: Space, data: dict) -> Collection:
    policy.require(actor, "space.manage", space)
    if space.is_archived:
        raise ValidationError({"title": _("That space is archived.")})
    fields = _collection_fields(data, None)
    collection = Collection(space_id=space.id, created_by_id=actor.id, **fields,
                            description_html=str(content.render(fields["description"])))
    db.session.add(collection)
    db.session.commit()
    return collection


def update_collection(actor, collection: Collection, data: dict) -> Collection:
    policy.require(actor, "collection.curate", collection)
    fields = _collection_fields(data, collection)
    for key, value in fields.items():
        setattr(collection, key, value)
    collection.description_html = str(content.render(collection.description))
    db.session.commit()
    return collection


def set_pinned(actor, collection: Collection, pinned: bool) -> Collection:
    policy.require(actor, "collection.pin", collection)
    collection.pinned_at = utcnow() if pinned else None
    db.session.commit()
    return collection


def add_item(actor, collection: Collection, resource: Resource | None) -> CollectionItem:
    policy.require(actor, "collection.curate", collection)
    if resource is None or not policy.can(actor, "resource.view", resource) or resource.status != "published":
        raise ValidationError({"resource_id": _("Choose a published resource you can see.")})
    existing = db.session.scalar(select(CollectionItem).where(CollectionItem.collection_id == collection.id,
                                                              CollectionItem.resource_id == resource.id))
    if existing is not None:
        return existing
    last = db.session.scalar(select(func.max(CollectionItem.position))
                             .where(CollectionItem.collection_id == collection.id))
    item = CollectionItem(collection_id=collection.id, resource_id=resource.id, position=(last or 0) + 1)
    db.session.add(item)
    db.session.commit()
    return item


def remove_item(actor, collection: Collection, resource_id: int) -> None:
    policy.require(actor, "collection.curate", collection)
    item = db.session.scalar(select(CollectionItem).where(CollectionItem.collection_id == collection.id,
                                                          CollectionItem.resource_id == resource_id))
    if item is not None:
        db.session.delete(item)
        db.session.commit()


def move_item(actor, collection: Collection, resource_id: int, offset: int) -> None:
    """Swap an item with its neighbour (offset -1 up, +1 down): the order is the curator's."""
    policy.require(actor, "collection.curate", collection)
    items = list(db.session.scalars(select(CollectionItem).where(CollectionItem.collection_id == collection.id)
                                    .order_by(CollectionItem.position, CollectionItem.id)))
    index = next((i for i, item in enumerate(items) if item.resource_id == resource_id), None)
    if index is None:
        raise ValidationError({"resource_id": _("That resource is not in this collection.")})
    other = index + (1 if offset > 0 else -1)
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position
    db.session.commit()


def ensure_default_components() -> None:
    """The framework's five components, when the list is still empty (seed and first use)."""
    if db.session.scalar(select(Component.id).limit(1)) is None:
        for position, name in enumerate(DEFAULT_COMPONENTS):
            db.session.add(Component(name=str(name), position=position))
        db.session.commit()


def components() -> list[Component]:
    return list(db.session.scalars(select(Component).order_by(Component.position, Component.id)))


def save_component(actor, data: dict, current: Component | None = None) -> Component:
    policy.require(actor, "component.manage")
    errors: dict[str, str] = {}
    name = require_text(errors, "name", text_of(data.get("name")), _("Name"), 120)
    clash = db.session.scalar(select(Component.id).where(same_name(Component.name, name)))
    if name and clash is not None and (current is None or clash != current.id):
        errors["name"] = _("There is already a component with that name.")
    if errors:
        raise ValidationError(errors)
    if current is None:
        last = db.session.scalar(select(func.max(Component.position)))
        current = Component(name=name, position=(last or 0) + 1)
        db.session.add(current)
    current.name = name
    db.session.commit()
    return current
