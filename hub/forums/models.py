"""Forum rows. Who may see any of them is decided in hub.policy (through the thread's space)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.attachments import AttachmentColumns
from hub.extensions import db, utcnow

THREAD_KINDS = ("discussion", "question", "announcement")
REACTIONS = {"thumbsup": "👍", "heart": "❤️", "tada": "🎉", "lightbulb": "💡", "pray": "🙏"}
FLAG_REASONS = ("harmful", "off_topic", "privacy", "spam", "other")
# Who may start threads in, or reply in, a category: anyone who may post in its space, or only the
# space's facilitators (its moderators; hub.policy.forums decides).
CATEGORY_RIGHTS = ("everyone", "facilitators")


class Category(db.Model):
    __tablename__ = "forum_categories"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    who_may_start: Mapped[str] = mapped_column(String(12), default="everyone", server_default="everyone")
    who_may_reply: Mapped[str] = mapped_column(String(12), default="everyone", server_default="everyone")

    space: Mapped["Space"] = relationship()  # noqa: F821


class Thread(db.Model):
    __tablename__ = "forum_threads"
    __table_args__ = (Index("ix_forum_threads_space_activity", "space_id", "last_posted_at"),
                      Index("ix_forum_threads_category_activity", "category_id", "last_posted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="discussion")
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_posted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_post_number: Mapped[int] = mapped_column(Integer, default=0)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    pinned_at: Mapped[datetime | None] = mapped_column(DateTime)
    pinned_globally: Mapped[bool] = mapped_column(default=False)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    slow_mode_seconds: Mapped[int] = mapped_column(Integer, default=0)
    accepted_post_id: Mapped[int | None] = mapped_column(Integer)  # no FK: posts are only ever soft-deleted
    # Moves with every change to the thread, its posts, reactions and tags (hub.forums.thread_pages).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    space: Mapped["Space"] = relationship()  # noqa: F821
    category: Mapped[Category] = relationship()
    author: Mapped["User"] = relationship()  # noqa: F821
    tags: Mapped[list["ThreadTag"]] = relationship(cascade="all, delete-orphan", order_by="ThreadTag.tag")

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


class ThreadTag(db.Model):
    __tablename__ = "forum_thread_tags"

    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Post(db.Model):
    __tablename__ = "forum_posts"
    __table_args__ = (UniqueConstraint("thread_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 is the opening post; permalinks use the id
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821
    attachments: Mapped[list["PostAttachment"]] = relationship(back_populates="post", order_by="PostAttachment.id",
                                                               cascade="all, delete-orphan")


class PostAttachment(AttachmentColumns, db.Model):
    """A picture or file attached to a post (hub.attachments), kept under UPLOAD_DIR/forums by its id.
    Whoever may read the post may open it (hub.policy.forums)."""

    __tablename__ = "forum_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    post: Mapped[Post] = relationship(back_populates="attachments")


class PostRevision(db.Model):
    """The text a post had before an edit (revision n holds version n; the post holds the latest)."""

    __tablename__ = "forum_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when the thread moved to another space after this revision: it was written for this
    # space's readers and stays theirs (hub.policy); None while the thread moved nowhere since.
    left_in_space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))

    post: Mapped["Post"] = relationship()
    editor: Mapped["User"] = relationship()  # noqa: F821
    left_in_space: Mapped["Space | None"] = relationship()  # noqa: F821


class Reaction(db.Model):
    __tablename__ = "forum_reactions"
    __table_args__ = (UniqueConstraint("post_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Draft(db.Model):
    """What someone is still writing, kept on the server so a reload or another device keeps it.
    key: "thread:<space_id>" for a new thread, "reply:<thread_id>" for a reply."""

    __tablename__ = "forum_drafts"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReadState(db.Model):
    __tablename__ = "forum_read_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("forum_threads.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    last_read_number: Mapped[int] = mapped_column(Integer, default=0)


class Flag(db.Model):
    __tablename__ = "forum_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|acted|dismissed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    post: Mapped[Post] = relationship()
    reporter: Mapped["User"] = relationship(foreign_keys=[reporter_id])  # noqa: F821


class ModerationEntry(db.Model):
    """The moderation log: who did what to which thread or post, when. Kept per space."""

    __tablename__ = "forum_moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(30))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("forum_threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped["User"] = relationship()  # noqa: F821
    thread: Mapped[Thread | None] = relationship()
