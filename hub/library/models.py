"""Library rows: resources (tools, change ideas, stories, recordings, links), their files and
versions, collections, "we tried this" adoptions and helpful votes. Who may see any of them is
decided in hub.policy, through the resource's home space."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db, utcnow

KINDS = ("tool", "change_idea", "story", "recording", "link")
LIBRARIES = ("tool", "idea")  # the tool library (facilitators publish) and the idea library (participants submit)
# draft: the author's (and, in a team space, the team's); submitted: waiting for review;
# changes_requested: back with the author, with a note; declined; published.
STATUSES = ("draft", "submitted", "changes_requested", "declined", "published")
# A proposed edit to a published resource: submitted (waiting for review), changes_requested (back
# with its editor, with a note), approved (now the resource's text), declined (kept, closed) or
# withdrawn (its editor took it back; kept only for the files it had brought).
EDIT_STATUSES = ("submitted", "changes_requested", "approved", "declined", "withdrawn")
EVIDENCE_LEVELS = ("", "promising", "emerging", "established")


class Component(db.Model):
    """A component of the equity framework a resource serves; facilitators keep the list."""

    __tablename__ = "library_components"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ResourceComponent(db.Model):
    __tablename__ = "library_resource_components"

    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"),
                                             primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("library_components.id", ondelete="CASCADE"),
                                              primary_key=True, index=True)


class ResourceTag(db.Model):
    __tablename__ = "library_resource_tags"

    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"),
                                             primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Resource(db.Model):
    __tablename__ = "library_resources"
    __table_args__ = (Index("ix_library_resources_space_status", "space_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    library: Mapped[str] = mapped_column(String(10), default="idea")
    kind: Mapped[str] = mapped_column(String(20), default="tool")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")  # an external link (kind "link", or any)
    population: Mapped[str] = mapped_column(String(200), default="")
    setting: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")  # comma-separated, as typed
    evidence_level: Mapped[str] = mapped_column(String(20), default="")
    adapted_from_id: Mapped[int | None] = mapped_column(ForeignKey("library_resources.id", ondelete="SET NULL"),
                                                        index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")  # the reviewer's last note, for the author
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who wrote the current text
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_threads.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    featured_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    space: Mapped["Space"] = relationship()  # noqa: F821
    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821
    adapted_from: Mapped["Resource | None"] = relationship(remote_side=[id])
    tags: Mapped[list[ResourceTag]] = relationship(cascade="all, delete-orphan", order_by="ResourceTag.tag")
    component_links: Mapped[list[ResourceComponent]] = relationship(cascade="all, delete-orphan")

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

    @property
    def component_ids(self) -> list[int]:
        return sorted(c.component_id for c in self.component_links)

    @property
    def language_list(self) -> list[str]:
        return [lang.strip() for lang in self.languages.split(",") if lang.strip()]


class ResourceVersion(db.Model):
    """The text a resource had before an edit (version n; the resource holds the latest)."""

    __tablename__ = "library_resource_versions"
    __table_args__ = (UniqueConstraint("resource_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who wrote this version
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # when it was written
    # Set when the resource moved to another space after this version: it was written for this
    # space's readers and stays theirs (hub.policy.library); None while it moved nowhere since.
    left_in_space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))

    resource: Mapped[Resource] = relationship()
    editor: Mapped["User"] = relationship()  # noqa: F821
    left_in_space: Mapped["Space | None"] = relationship()  # noqa: F821


class ResourceEdit(db.Model):
    """An edit to a published resource by someone who may not curate it (its author), held for the
    space's facilitators: the library keeps showing the approved text until they approve this one.
    It holds every field the form edits; files added or replaced while it waits point to it
    (ResourceFile.edit_id) and files it would take off are listed in removed_file_ids."""

    __tablename__ = "library_resource_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    based_on_version: Mapped[int] = mapped_column(Integer)  # the version of the resource it was written on
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="tool")
    library: Mapped[str] = mapped_column(String(10), default="idea")
    url: Mapped[str] = mapped_column(String(500), default="")
    population: Mapped[str] = mapped_column(String(200), default="")
    setting: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    evidence_level: Mapped[str] = mapped_column(String(20), default="")
    adapted_from_id: Mapped[int | None] = mapped_column(ForeignKey("library_resources.id", ondelete="SET NULL"))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    component_ids: Mapped[list] = mapped_column(JSON, default=list)
    removed_file_ids: Mapped[list] = mapped_column(JSON, default=list)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    resource: Mapped[Resource] = relationship(foreign_keys=[resource_id])
    editor: Mapped["User"] = relationship(foreign_keys=[editor_id])  # noqa: F821
    adapted_from: Mapped["Resource | None"] = relationship(foreign_keys=[adapted_from_id])

    @property
    def tag_names(self) -> list[str]:
        return list(self.tags or [])


class ResourceFile(db.Model):
    """An uploaded file, stored under UPLOAD_DIR named by its id. A replaced file is kept
    (superseded_at set) so earlier versions stay downloadable."""

    __tablename__ = "library_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(160))  # sanitised, with the extension of its real type
    content_type: Mapped[str] = mapped_column(String(120))
    type_label: Mapped[str] = mapped_column(String(20))  # pdf, docx, xlsx, pptx, csv, text, png, jpeg, gif, webp
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    is_image: Mapped[bool] = mapped_column(Boolean, default=False)
    extracted_text: Mapped[str] = mapped_column(Text, default="")  # for search (PDF, DOCX, plain text)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("library_files.id", ondelete="SET NULL"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set while the file belongs to a proposed edit (and kept if that edit is declined): then it
    # is its editor's and the reviewers', never the resource's current file.
    edit_id: Mapped[int | None] = mapped_column(ForeignKey("library_resource_edits.id", ondelete="CASCADE"),
                                                index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # As for versions: a file no longer current when the resource moved stays the old space's.
    left_in_space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))

    resource: Mapped[Resource] = relationship()
    uploader: Mapped["User"] = relationship()  # noqa: F821
    left_in_space: Mapped["Space | None"] = relationship()  # noqa: F821
    edit: Mapped[ResourceEdit | None] = relationship()

    @property
    def holding_space(self):
        """The space whose library holds the file: counts it in its quota, and may erase it."""
        return self.left_in_space or self.resource.space


class Collection(db.Model):
    """An ordered list of resources curated in a space; a cohort's may be pinned to its home."""

    __tablename__ = "library_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    space: Mapped["Space"] = relationship()  # noqa: F821
    items: Mapped[list["CollectionItem"]] = relationship(cascade="all, delete-orphan",
                                                         order_by="CollectionItem.position")


class CollectionItem(db.Model):
    __tablename__ = "library_collection_items"
    __table_args__ = (UniqueConstraint("collection_id", "resource_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("library_collections.id", ondelete="CASCADE"),
                                               index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    resource: Mapped[Resource] = relationship()


class Adoption(db.Model):
    """"We tried this": a team adopted or adapted a resource. `shared` False keeps the record
    to the team's own space (and those who oversee it)."""

    __tablename__ = "library_adoptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    tried_on: Mapped[date] = mapped_column(Date)
    setting: Mapped[str] = mapped_column(String(200), default="")
    what_changed: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    adapted_url: Mapped[str] = mapped_column(String(500), default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    resource: Mapped[Resource] = relationship()
    team: Mapped["Team"] = relationship()  # noqa: F821
    recorded_by: Mapped["User"] = relationship()  # noqa: F821


class Vote(db.Model):
    """One person found a resource helpful."""

    __tablename__ = "library_votes"

    resource_id: Mapped[int] = mapped_column(ForeignKey("library_resources.id", ondelete="CASCADE"),
                                             primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
