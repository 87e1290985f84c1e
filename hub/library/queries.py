"""Read side of the library. Every listing and count starts from a policy scope."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub import policy
from hub.extensions import db
from hub.forums.queries import text_diff
from hub.library.models import (Adoption, Collection, CollectionItem, Component, Resource, ResourceComponent,
                                ResourceEdit, ResourceFile, ResourceTag, ResourceVersion, Vote)
from hub.people.models import User
from hub.spaces.models import Space

PER_PAGE = 20
SORTS = ("newest", "tried", "helpful")
FILTERS = ("kind", "tag", "component", "population", "setting", "language", "library")


@dataclass
class Listing:
    resources: list
    tried: dict = field(default_factory=dict)
    helpful: dict = field(default_factory=dict)
    page: int = 1
    has_more: bool = False


def _like(value: str) -> str:
    return "%" + value.replace("\\", "").replace("%", "").replace("_", "\\_").lower() + "%"


def tried_counts(user):
    """Adoptions the user may see, per resource (a subquery)."""
    return (policy.scope(select(Adoption.resource_id, func.count().label("n")), user)
            .group_by(Adoption.resource_id).subquery())


def _helpful_votes():
    """Votes of people who may still see the resource they voted for (the who-voted list's people)."""
    return select(Vote.resource_id, func.count().label("n")).where(
        policy.reads_resource_clause(Vote.user_id, Vote.resource_id)).group_by(Vote.resource_id)


def browse(user, space_ids=None, filters: dict | None = None, sort: str = "newest", page: int = 1) -> Listing:
    filters = filters or {}
    tried = tried_counts(user)
    helpful = _helpful_votes().subquery()
    stmt = (policy.scope(select(Resource), user).where(Resource.status == "published")
            .outerjoin(tried, tried.c.resource_id == Resource.id).outerjoin(helpful, helpful.c.resource_id == Resource.id)
            .options(selectinload(Resource.tags), selectinload(Resource.space), selectinload(Resource.author)))
    if space_ids is not None:
        stmt = stmt.where(Resource.space_id.in_(list(space_ids)))
    stmt = _filtered(stmt, filters)
    order = {"tried": func.coalesce(tried.c.n, 0).desc(), "helpful": func.coalesce(helpful.c.n, 0).desc()}.get(sort)
    stmt = stmt.order_by(*([order] if order is not None else []), Resource.published_at.desc(), Resource.id.desc())
    page = max(1, page)
    rows = list(db.session.scalars(stmt.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    listing = Listing(rows[:PER_PAGE], page=page, has_more=len(rows) > PER_PAGE)
    listing.tried, listing.helpful = counts(user, [r.id for r in listing.resources])
    return listing


def _filtered(stmt, filters: dict):
    if filters.get("kind"):
        stmt = stmt.where(Resource.kind == filters["kind"])
    if filters.get("library"):
        stmt = stmt.where(Resource.library == filters["library"])
    if filters.get("tag"):
        stmt = stmt.where(Resource.id.in_(select(ResourceTag.resource_id).where(ResourceTag.tag == filters["tag"])))
    if str(filters.get("component") or "").isdigit():
        stmt = stmt.where(Resource.id.in_(select(ResourceComponent.resource_id)
                                          .where(ResourceComponent.component_id == int(filters["component"]))))
    for key, column in (("population", Resource.population), ("setting", Resource.setting),
                        ("language", Resource.languages)):
        if filters.get(key):
            stmt = stmt.where(func.lower(column).like(_like(filters[key]), escape="\\"))
    return stmt


def counts(user, resource_ids) -> tuple[dict, dict]:
    """({id: adoptions the user may see}, {id: helpful votes of people who may still see it})."""
    if not resource_ids:
        return {}, {}
    tried = dict(db.session.execute(policy.scope(select(Adoption.resource_id, func.count()), user)
                                    .where(Adoption.resource_id.in_(resource_ids)).group_by(Adoption.resource_id)).all())
    helpful = dict(db.session.execute(_helpful_votes().where(Vote.resource_id.in_(resource_ids))).all())
    return tried, helpful


def featured(user, space: Space) -> list[Resource]:
    return list(db.session.scalars(policy.scope(select(Resource), user).where(
        Resource.space_id == space.id, Resource.status == "published", Resource.featured_at.is_not(None))
        .order_by(Resource.featured_at.desc()).limit(12)))


def mine_in_progress(user, space: Space | None = None) -> list[Resource]:
    """What the person (or, in a team space, the team) is still working on or waiting for."""
    stmt = policy.scope(select(Resource), user).where(Resource.status != "published")
    if space is not None:
        stmt = stmt.where(Resource.space_id == space.id)
    else:
        stmt = stmt.where(Resource.author_id == user.id)
    return list(db.session.scalars(stmt.order_by(Resource.updated_at.desc()).limit(50)))


def review_queue(user, space: Space) -> list[Resource]:
    policy.require(user, "space.manage", space)
    stmt = policy.scope(select(Resource), user).where(Resource.space_id == space.id, Resource.status == "submitted")
    return [r for r in db.session.scalars(stmt.order_by(Resource.updated_at)) if policy.can(user, "resource.review", r)]


def edits_waiting(user, space: Space) -> list[ResourceEdit]:
    """Edits to the space's published resources waiting for this moderator's review."""
    policy.require(user, "space.manage", space)
    stmt = (policy.scope(select(ResourceEdit), user).join(Resource, Resource.id == ResourceEdit.resource_id)
            .where(Resource.space_id == space.id, ResourceEdit.status == "submitted")
            .options(selectinload(ResourceEdit.resource), selectinload(ResourceEdit.editor)))
    return [e for e in db.session.scalars(stmt.order_by(ResourceEdit.updated_at))
            if policy.can(user, "resource_edit.review", e)]


def queue_size(user, space: Space) -> int:
    return len(review_queue(user, space)) + len(edits_waiting(user, space))


@dataclass
class Proposal:
    """An edit shown on its resource's page: the text diff against what the library shows now,
    the other fields it changes, the files it brings and the ones it would take off."""
    edit: ResourceEdit
    diff: list
    details: list  # [(field, now, proposed)]
    files: list
    removed: list
    stale: bool  # the resource changed since the edit was written
    names: dict  # current file id -> its name, for "replaces ..."


def open_edit(user, resource: Resource) -> Proposal | None:
    """The edit this person may see on the resource: one that is open (waiting, or back with its
    editor), or, for its editor, their last one if it was declined."""
    from hub.library.edits import files_of
    edit = db.session.scalar(policy.scope(select(ResourceEdit), user).where(ResourceEdit.resource_id == resource.id)
                             .order_by(ResourceEdit.id.desc()).limit(1))
    if edit is None or edit.status in ("approved", "withdrawn") or (edit.status == "declined"
                                                                    and edit.editor_id != user.id):
        return None
    now = {"title": resource.title, "body": _joined(resource.summary, resource.body)}
    proposed = {"title": edit.title, "body": _joined(edit.summary, edit.body)}
    current = current_files(resource)
    return Proposal(edit, text_diff(now, proposed) if now != proposed else [], _details(user, resource, edit),
                    files_of(edit) if edit.status != "declined" else [],
                    [f for f in current if f.id in (edit.removed_file_ids or [])],
                    edit.based_on_version != resource.version, {f.id: f.filename for f in current})


def _details(user, resource: Resource, edit: ResourceEdit) -> list[tuple[str, str, str]]:
    names = component_names()

    def origin(resource_id):
        found = db.session.get(Resource, resource_id) if resource_id else None
        return found.title if found is not None and policy.can(user, "resource.view", found) else ""
    pairs = [(key, getattr(resource, key), getattr(edit, key))
             for key in ("kind", "library", "url", "population", "setting", "languages", "evidence_level")]
    pairs += [("tags", ", ".join(resource.tag_names), ", ".join(edit.tag_names)),
              ("component_ids", ", ".join(names.get(i, "") for i in resource.component_ids),
               ", ".join(names.get(i, "") for i in sorted(edit.component_ids or []))),
              ("adapted_from", origin(resource.adapted_from_id), origin(edit.adapted_from_id))]
    return [(key, before, after) for key, before, after in pairs if before != after]


def collections_of(user, space: Space) -> list[Collection]:
    return list(db.session.scalars(policy.scope(select(Collection), user).where(Collection.space_id == space.id)
                                   .order_by(Collection.featured.desc(), Collection.created_at.desc())))


def pinned_collections(user, space: Space) -> list[tuple[Collection, list[Resource]]]:
    if not policy.can(user, "space.view", space):
        return []
    rows = db.session.scalars(policy.scope(select(Collection), user).where(
        Collection.space_id == space.id, Collection.pinned_at.is_not(None)).order_by(Collection.pinned_at.desc()))
    return [(c, items(user, c)) for c in rows]


def items(user, collection: Collection) -> list[Resource]:
    """The collection's resources in the curator's order, as far as this viewer may see them."""
    return list(db.session.scalars(
        policy.scope(select(Resource), user).join(CollectionItem, CollectionItem.resource_id == Resource.id)
        .where(CollectionItem.collection_id == collection.id, Resource.status == "published")
        .order_by(CollectionItem.position, CollectionItem.id)))


def adoptions(user, resource: Resource) -> list[Adoption]:
    return list(db.session.scalars(policy.scope(select(Adoption), user).where(Adoption.resource_id == resource.id)
                                   .options(selectinload(Adoption.team)).order_by(Adoption.tried_on.desc())))


def adaptations(user, resource: Resource) -> list[Resource]:
    return list(db.session.scalars(policy.scope(select(Resource), user).where(
        Resource.adapted_from_id == resource.id, Resource.status == "published").order_by(Resource.published_at)))


def visible_origin(user, resource: Resource) -> Resource | None:
    origin = resource.adapted_from
    return origin if origin is not None and policy.can(user, "resource.view", origin) else None


def current_files(resource: Resource) -> list[ResourceFile]:
    """The resource's files now (not replaced or removed, and none an edit brought that waits)."""
    return list(db.session.scalars(select(ResourceFile).where(ResourceFile.resource_id == resource.id,
                                                              ResourceFile.superseded_at.is_(None),
                                                              ResourceFile.edit_id.is_(None))
                                   .order_by(ResourceFile.id)))


def all_files(user, resource: Resource) -> list[ResourceFile]:
    """Every file of the resource this person may see, newest first: earlier ones, and those of
    edits for their editor and the moderators."""
    return list(db.session.scalars(policy.scope(select(ResourceFile), user)
                                   .where(ResourceFile.resource_id == resource.id).order_by(ResourceFile.id.desc())))


def voters(user, resource: Resource) -> list[User]:
    """Who found it helpful: people the viewer may see who can still see the resource."""
    policy.require(user, "resource.view", resource)
    ids = list(db.session.scalars(select(Vote.user_id).where(Vote.resource_id == resource.id)))
    still = policy.audience(resource, among=ids)
    return list(db.session.scalars(policy.scope(select(User), user).where(User.id.in_(still)).order_by(User.name)))


def my_vote(user, resource: Resource) -> bool:
    return policy.signed_in(user) and db.session.get(Vote, (resource.id, user.id)) is not None


def history(user, resource: Resource) -> list[dict]:
    """Every version of the text this person may see, oldest first, each with a line diff against
    the one before (none for the first: versions left in a space the resource moved from, which
    the person does not read, are not theirs to compare with)."""
    policy.require(user, "resource.view", resource)
    rows = list(db.session.scalars(policy.scope(select(ResourceVersion), user)
                                   .options(selectinload(ResourceVersion.editor))
                                   .where(ResourceVersion.resource_id == resource.id).order_by(ResourceVersion.number)))
    current_editor = db.session.get(User, resource.edited_by_id or resource.author_id)
    versions = [{"number": r.number, "title": r.title, "body": _joined(r.summary, r.body), "editor": r.editor,
                 "at": r.created_at} for r in rows]
    versions.append({"number": resource.version, "title": resource.title,
                     "body": _joined(resource.summary, resource.body), "editor": current_editor,
                     "at": resource.updated_at})
    for before, after in zip([None] + versions, versions):
        after["against"] = before["number"] if before else None  # the version its diff compares with
        after["diff"] = text_diff(before, after) if before else []
    return versions


def _joined(summary: str, body: str) -> str:
    return summary + ("\n\n" + body if body else "")


def component_names() -> dict[int, str]:
    return dict(db.session.execute(select(Component.id, Component.name)).all())


def edit_form(user, resource: Resource) -> dict:
    """What the edit form starts from: the resource, or this person's own edit still open on it
    (so a second edit carries on from the first)."""
    from hub.library.edits import active_edit
    edit = active_edit(resource)
    source = edit if edit is not None and edit.editor_id == user.id else resource
    origin = source.adapted_from
    return {"title": source.title, "summary": source.summary, "body": source.body, "kind": source.kind,
            "url": source.url, "population": source.population, "setting": source.setting,
            "languages": source.languages, "evidence_level": source.evidence_level, "library": source.library,
            "tags": ", ".join(source.tag_names), "component_ids": [str(i) for i in source.component_ids],
            "adapted_from_id": origin.id if origin is not None and policy.can(user, "resource.view", origin) else ""}


def postable_spaces(user) -> list[Space]:
    """Spaces the person may add a resource to (for move and submit-to choices)."""
    rows = db.session.scalars(policy.scope(select(Space), user).where(Space.archived_at.is_(None))
                              .order_by(Space.name))
    return [s for s in rows if policy.can(user, "space.post", s)]
