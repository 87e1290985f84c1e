"""Project rows: a team's improvement projects with their aim and equity focus, driver
diagrams, PDSA cycles, measures and the data entered for them (per period and stratum), with
an edit history. Who may see any of them is decided in hub.policy, through the project."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from hub.extensions import db, utcnow

STATUSES = ("planning", "testing", "implementing", "sustaining", "closed")
VISIBILITIES = ("team", "cohort", "community")
NODE_KINDS = ("primary", "secondary", "change_idea")
ACTS = ("", "adopt", "adapt", "abandon")
MEASURE_KINDS = ("outcome", "process", "balancing")
MEASURE_TYPES = ("proportion", "rate", "count", "measurement")
DIRECTIONS = ("up", "down")
PERIODS = ("week", "month", "quarter")


class Project(db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The aim: what, how much, by when, for whom (and the whole statement, as the team says it).
    aim: Mapped[str] = mapped_column(Text, default="")
    aim_what: Mapped[str] = mapped_column(String(300), default="")
    aim_how_much: Mapped[str] = mapped_column(String(200), default="")
    aim_by_when: Mapped[date | None] = mapped_column(Date)
    aim_for_whom: Mapped[str] = mapped_column(String(300), default="")
    # The equity focus: a stratifier, its focus group and the reference group it is compared with.
    focus_stratifier: Mapped[str] = mapped_column(String(40), default="")
    focus_group: Mapped[str] = mapped_column(String(80), default="")
    reference_group: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(20), default="planning")
    visibility: Mapped[str] = mapped_column(String(20), default="team")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    team: Mapped["Team"] = relationship()  # noqa: F821
    space: Mapped["Space"] = relationship()  # noqa: F821
    nodes: Mapped[list["DriverNode"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                     order_by="DriverNode.position")
    cycles: Mapped[list["Cycle"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                 order_by="Cycle.starts_on")
    measures: Mapped[list["Measure"]] = relationship(back_populates="project", cascade="all, delete-orphan",
                                                     order_by="Measure.id")


class DriverNode(db.Model):
    """One box of the driver diagram: a primary driver (under the aim), a secondary driver
    (under a primary) or a change idea (under a secondary), which may point at the library's
    change idea it came from."""

    __tablename__ = "project_driver_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("project_driver_nodes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(300))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("library_resources.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    project: Mapped[Project] = relationship(back_populates="nodes")


class Cycle(db.Model):
    """A PDSA cycle: plan (with a prediction), do, study, act (adopt, adapt or abandon)."""

    __tablename__ = "project_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    change_idea_id: Mapped[int | None] = mapped_column(ForeignKey("project_driver_nodes.id", ondelete="SET NULL"))
    plan: Mapped[str] = mapped_column(Text, default="")
    prediction: Mapped[str] = mapped_column(Text, default="")
    do_notes: Mapped[str] = mapped_column(Text, default="")
    study: Mapped[str] = mapped_column(Text, default="")
    act: Mapped[str] = mapped_column(String(10), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    measure_ids: Mapped[list] = mapped_column(JSON, default=list)  # the measures it is meant to move
    resource_ids: Mapped[list] = mapped_column(JSON, default=list)  # library resources it used
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="cycles")


class Measure(db.Model):
    __tablename__ = "project_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="outcome")
    type: Mapped[str] = mapped_column(String(20), default="proportion")
    # The operational definition.
    numerator: Mapped[str] = mapped_column(Text, default="")
    denominator: Mapped[str] = mapped_column(Text, default="")
    inclusions: Mapped[str] = mapped_column(Text, default="")
    exclusions: Mapped[str] = mapped_column(Text, default="")
    data_source: Mapped[str] = mapped_column(String(300), default="")
    per: Mapped[int] = mapped_column(Integer, default=1)  # a rate per N (1,000 patient days)
    direction: Mapped[str] = mapped_column(String(4), default="up")
    goal_value: Mapped[float | None] = mapped_column(Float)
    goal_date: Mapped[date | None] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(10), default="month")
    stratifiers: Mapped[list] = mapped_column(JSON, default=list)  # stratifier keys, e.g. ["race", "language"]
    # A project's own stratifiers: [{"key", "label", "categories": [...]}] (payer, age band).
    custom_stratifiers: Mapped[list] = mapped_column(JSON, default=list)
    # The baseline: its last period, once frozen (centre and limits computed from it and extended).
    baseline_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A network measure: the exact published version of the cohort's definition it follows.
    set_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_measure_set_item_versions.id", ondelete="SET NULL"), index=True)

    project: Mapped[Project] = relationship(back_populates="measures")
    set_version: Mapped["MeasureSetItemVersion | None"] = relationship()
    points: Mapped[list["DataPoint"]] = relationship(back_populates="measure", cascade="all, delete-orphan")
    phases: Mapped[list["MeasurePhase"]] = relationship(cascade="all, delete-orphan",
                                                        order_by="MeasurePhase.starts_on")
    exclusions_list: Mapped[list["ExcludedPeriod"]] = relationship(cascade="all, delete-orphan")


class MeasurePhase(db.Model):
    """A split a person made in a chart's centre and limits, from this period on, with a reason."""

    __tablename__ = "project_measure_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("project_measures.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ExcludedPeriod(db.Model):
    """A period kept on the chart but left out of its calculations, with the reason."""

    __tablename__ = "project_excluded_periods"
    __table_args__ = (UniqueConstraint("measure_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("project_measures.id", ondelete="CASCADE"), index=True)
    period: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))


class DataPoint(db.Model):
    """One period of one stratum ("" is the whole population; "race=Black" one stratum;
    "language=Spanish|race=Latino" an intersection, its parts in key order)."""

    __tablename__ = "project_data_points"
    __table_args__ = (UniqueConstraint("measure_id", "period", "stratum"),
                      Index("ix_project_data_points_measure_period", "measure_id", "period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("project_measures.id", ondelete="CASCADE"))
    period: Mapped[date] = mapped_column(Date)  # the period's first day
    stratum: Mapped[str] = mapped_column(String(200), default="")
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)  # a measurement's own value
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="points")


class DataEdit(db.Model):
    """Who changed which value, and when: one row per changed cell, before and after."""

    __tablename__ = "project_data_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("project_measures.id", ondelete="CASCADE"), index=True)
    period: Mapped[date] = mapped_column(Date)
    stratum: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(20), default="grid")  # grid, api, csv


# ---------------------------------------------------------------- network measure sets

class MeasureSet(db.Model):
    """A cohort's shared measure definitions, published by its facilitators."""

    __tablename__ = "project_measure_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    cohort: Mapped["Cohort"] = relationship()  # noqa: F821
    items: Mapped[list["MeasureSetItem"]] = relationship(back_populates="measure_set", cascade="all, delete-orphan",
                                                         order_by="MeasureSetItem.position")


class MeasureSetItem(db.Model):
    """One shared measure of a set. Its definition lives in its versions: an edit publishes a
    new version and every old one stays, so data entered under it keeps its meaning."""

    __tablename__ = "project_measure_set_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("project_measure_sets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    measure_set: Mapped[MeasureSet] = relationship(back_populates="items")
    versions: Mapped[list["MeasureSetItemVersion"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="MeasureSetItemVersion.number")

    @property
    def latest(self) -> "MeasureSetItemVersion | None":
        return self.versions[-1] if self.versions else None

    @property
    def cohort(self):
        return self.measure_set.cohort


class MeasureSetItemVersion(db.Model):
    """A published definition of a network measure: version 1, 2, ... never changed once out."""

    __tablename__ = "project_measure_set_item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("project_measure_set_items.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="outcome")
    type: Mapped[str] = mapped_column(String(20), default="proportion")
    numerator: Mapped[str] = mapped_column(Text, default="")
    denominator: Mapped[str] = mapped_column(Text, default="")
    inclusions: Mapped[str] = mapped_column(Text, default="")
    exclusions: Mapped[str] = mapped_column(Text, default="")
    data_source: Mapped[str] = mapped_column(String(300), default="")
    per: Mapped[int] = mapped_column(Integer, default=1)
    direction: Mapped[str] = mapped_column(String(4), default="up")
    period: Mapped[str] = mapped_column(String(10), default="month")
    stratifiers: Mapped[list] = mapped_column(JSON, default=list)
    goal_value: Mapped[float | None] = mapped_column(Float)
    goal_date: Mapped[date | None] = mapped_column(Date)
    change_note: Mapped[str] = mapped_column(String(500), default="")  # what changed from the version before
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    item: Mapped[MeasureSetItem] = relationship(back_populates="versions")
    published_by: Mapped["User"] = relationship()  # noqa: F821


class MeasureVersionMove(db.Model):
    """A measure's history of network versions: adopted at one (from_version_id empty), later
    moved to another on purpose, by whom, when, and the last period of data entered before."""

    __tablename__ = "project_measure_version_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("project_measures.id", ondelete="CASCADE"), index=True)
    from_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_measure_set_item_versions.id", ondelete="SET NULL"))
    to_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_measure_set_item_versions.id", ondelete="SET NULL"))
    data_through: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(backref=backref(
        "version_moves", order_by="MeasureVersionMove.id", cascade="all, delete-orphan", passive_deletes=True))
    from_version: Mapped["MeasureSetItemVersion | None"] = relationship(foreign_keys=[from_version_id])
    to_version: Mapped["MeasureSetItemVersion | None"] = relationship(foreign_keys=[to_version_id])
