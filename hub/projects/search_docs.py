"""Projects in the search index: a project's words (title, aim, equity focus, its driver
diagram, PDSA cycles and measure definitions; never a number from its data), filed under the
project's own audience key "p<id>": hub.policy.search lists the projects a person may read,
as the policy's project.view decides (the team's, and those shared with their cohort or
everyone). Deleted projects leave the index."""
from __future__ import annotations

from typing import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.projects.models import Cycle, DriverNode, Measure, Project
from hub.search.documents import Kind, id_chunks, register, with_digest
from hub.search.queue import watch


def project_document(project: Project) -> dict | None:
    if project.deleted_at is not None:
        return None
    words = [project.aim, project.aim_what, project.aim_how_much, project.aim_for_whom, project.focus_group,
             project.reference_group, *(n.text for n in project.nodes),
             *(f"{c.title} {c.plan} {c.prediction} {c.study}" for c in project.cycles),
             *(f"{m.name} {m.numerator} {m.denominator} {m.data_source}" for m in project.measures)]
    return with_digest({
        "key": f"project:{project.id}", "kind": "project", "id": project.id, "space": f"p{project.id}",
        "space_id": project.space_id, "hidden": "0", "exempt": "", "origin": project.created_at,
        "created": project.created_at, "author": f"u{project.created_by_id}", "tags": "", "status": "",
        "title": project.title, "body": " ".join(w for w in words if w)[:100_000], "context": project.status,
    })


def _projects(session, ids: list[int]) -> Iterator[tuple[str, dict | None]]:
    rows = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(ids)).options(
        selectinload(Project.nodes), selectinload(Project.cycles), selectinload(Project.measures)))}
    for ident in ids:
        yield f"project:{ident}", (project_document(rows[ident]) if ident in rows else None)


def _all_projects(session) -> Iterator[dict]:
    for chunk in id_chunks(session, select(Project.id).order_by(Project.id)):
        yield from (doc for _key, doc in _projects(session, chunk) if doc)
        session.expunge_all()


register("project", Kind(Project, _l("Project"), _projects, _all_projects,
                         lambda s: s.scalar(select(func.count(Project.id))),
                         lambda ident: url_for("projects.project", project_id=ident)))
watch(Project, lambda project, _change: [f"project:{project.id}"])
for _model in (DriverNode, Cycle, Measure):
    watch(_model, lambda row, _change: [f"project:{row.project_id}"])
