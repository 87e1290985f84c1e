"""Chat rows. Who may see any of them is decided in hub.policy (through the channel).

A channel belongs to a space (kind "space"), or is a direct conversation among its
participants (kind "dm", two to eight people). Every message takes the next value of its
channel's counter (`Channel.last_seq`) in the same transaction that stores it, so `seq`
increases in commit order; an edit, a deletion or a reaction takes a fresh value too, as the
message's `updated_seq`, so a client that asks "what changed after seq N?" hears about those.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.attachments import AttachmentColumns
from hub.extensions import db, utcnow

CHANNEL_KINDS = ("space", "dm")
MAX_DM_PEOPLE = 8
PRESENCE_STATES = ("online", "away")


class Channel(db.Model):
    __tablename__ = "chat_channels"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="space")
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    slug: Mapped[str] = mapped_column(String(80), default="")
    topic: Mapped[str] = mapped_column(Text, default="")
    # For a DM: the sorted participant ids ("3,7,9"), so one group of people has one conversation.
    dm_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)

    space: Mapped["Space | None"] = relationship()  # noqa: F821
    participants: Mapped[list["ChannelParticipant"]] = relationship(cascade="all, delete-orphan")

    @property
    def participant_ids(self) -> set[int]:
        return {p.user_id for p in self.participants}


class ChannelParticipant(db.Model):
    """The people of a direct conversation (space channels are open to the space's readers)."""

    __tablename__ = "chat_participants"

    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channels.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)

    user: Mapped["User"] = relationship()  # noqa: F821


class Message(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("channel_id", "seq"), UniqueConstraint("author_id", "client_id"),
                      Index("ix_chat_messages_channel_updated", "channel_id", "updated_seq"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channels.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))  # the sender's idempotency key
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("chat_messages.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_count: Mapped[int] = mapped_column(Integer, default=0)

    channel: Mapped[Channel] = relationship()
    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821
    reactions: Mapped[list["MessageReaction"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="MessageReaction.id")
    attachments: Mapped[list["MessageAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageAttachment.id")


class MessageAttachment(AttachmentColumns, db.Model):
    """A picture or file attached to a message (hub.attachments), kept under UPLOAD_DIR/chat by its
    id. Whoever may read the message may open it, while it is not deleted (hub.policy.chat)."""

    __tablename__ = "chat_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("chat_messages.id", ondelete="CASCADE"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    message: Mapped[Message] = relationship(back_populates="attachments")


class MessageReaction(db.Model):
    __tablename__ = "chat_reactions"
    __table_args__ = (UniqueConstraint("message_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("chat_messages.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))


class ChannelRead(db.Model):
    """How far a person has read a channel: the server's answer to every unread count."""

    __tablename__ = "chat_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channels.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    last_read_seq: Mapped[int] = mapped_column(Integer, default=0)


class ChatSocket(db.Model):
    """Each open /chat connection, shared by every server process: whose it is (so removal and
    ending sessions reach it wherever it is connected) and its presence."""

    __tablename__ = "chat_sockets"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential: Mapped[str | None] = mapped_column(String(40), index=True)  # as SocketConnection's
    status: Mapped[str] = mapped_column(String(10), default="online")
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChannelSubscription(db.Model):
    """Whether a space channel is in a person's sidebar, when they chose: joined (a channel of a
    space they are not in, say one a facilitator runs or has posted in) or left (a channel of their
    own space they do not follow). With no row, a channel of a space they belong to is there.
    hub.policy.chat reads it for "channel.list"; it never grants reading anything."""

    __tablename__ = "chat_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channels.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    joined: Mapped[bool] = mapped_column(Boolean, default=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
