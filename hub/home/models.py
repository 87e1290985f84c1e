"""What the home page's first-week checklist remembers: steps that leave no other trace (the
community guidelines read) and the person hiding the checklist."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.extensions import db, utcnow


class ChecklistMark(db.Model):
    __tablename__ = "checklist_marks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    step: Mapped[str] = mapped_column(String(30), primary_key=True)  # "guidelines" | "dismissed"
    marked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
