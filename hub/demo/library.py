"""Demo library for `flask hub seed-demo`, written through the real services (review, files,
collections, adoptions and votes). Runs once: skipped when any resource exists."""
from __future__ import annotations

import io

from flask import current_app
from sqlalchemy import select

from hub.extensions import db
from hub.library import adoption, curation, services
from hub.library.demo_pdf import make_pdf
from hub.library.models import Component, Resource
from hub.people.models import Cohort, Team, User
from hub.spaces.models import Space


class _Upload:
    """What services.add_file reads from an uploaded file."""

    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename


def _person(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_library() -> int:
    curation.ensure_default_components()
    if db.session.scalar(select(Resource.id).limit(1)) is not None:
        return 0
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        _write()
    return db.session.query(Resource).count()


def _write() -> None:
    facilitator, coach = _person("facilitator@demo.hub"), _person("coach@demo.hub")
    pat, maria, kevin = _person("participant@demo.hub"), _person("maria.hernández@demo.hub"), _person("kevin.tran@demo.hub")
    aisha = _person("aisha.bello@demo.hub")
    commons = db.session.scalar(select(Space).where(Space.slug == "commons"))
    network = db.session.scalar(select(Cohort).where(Cohort.program == "learning_network")).space
    riverside = db.session.scalar(select(Team).where(Team.name == "Riverside Diabetes Equity Team"))
    mesa = db.session.scalar(select(Team).where(Team.name == "Mesa Valley Maternal Health Team"))
    components = list(db.session.scalars(select(Component.id).order_by(Component.position)))

    guide = services.create_resource(facilitator, commons, {
        "title": "Stratifying your measures by race, ethnicity and language (REaL)", "kind": "tool",
        "summary": "A step-by-step guide to stratify a quality measure by REaL data, with 'unknown' shown as its own group.",
        "body": "## Steps\n\n1. Check how complete your REaL fields are.\n2. Show **unknown** as its own group.\n"
                "3. Never impute race.\n4. Plot each group on the same run chart.",
        "tags": "real-data, stratification, run-charts", "component_ids": components[1:2] + components[3:4],
        "population": "All patients", "setting": "Any", "languages": "English, Spanish", "evidence_level": "established"})
    services.add_file(facilitator, guide, _Upload(make_pdf("Stratifying by REaL data", [
        "1. Check completeness of race, ethnicity and language fields.",
        "2. Show unknown as its own group; track percent unknown as a process measure.",
        "3. Never impute race. 4. Plot every group on one run chart."]), "REaL stratification guide.pdf"))
    curation.set_featured(facilitator, guide, True)
    chart = services.create_resource(facilitator, commons, {
        "title": "Run chart template with an 'unknown' line", "kind": "tool",
        "summary": "A CSV layout for monthly stratified run charts.", "tags": "run-charts, real-data",
        "component_ids": components[1:2], "evidence_level": "promising"})
    services.add_file(facilitator, chart, _Upload(
        "month,group,numerator,denominator\n2026-03,Black,12,40\n2026-03,Latino/a,18,52\n2026-03,Unknown,7,30\n"
        .encode(), "run-chart-template.csv"))
    services.create_resource(facilitator, commons, {
        "title": "AHRQ Health Literacy Universal Precautions Toolkit", "kind": "link",
        "url": "https://www.ahrq.gov/health-literacy/improve/precautions/index.html",
        "summary": "Tools to make care easier to understand for every patient.", "tags": "health-literacy",
        "component_ids": components[2:3], "languages": "English, Spanish"})

    teach_back = services.create_resource(maria, network, {
        "title": "Teach-back scripts in Spanish", "kind": "change_idea",
        "summary": "Our promotoras' teach-back script for insulin starts, in Spanish and English.",
        "body": "We ask patients to explain the plan in their own words, then close the gap together.",
        "tags": "teach-back, language-access", "component_ids": components[2:3] + components[4:5],
        "population": "Spanish-speaking adults with diabetes", "setting": "Primary care",
        "languages": "Spanish, English", "evidence_level": "emerging"})
    services.review(coach, teach_back, "approve", "Thank you: a clear, practical script.")
    story = services.create_resource(aisha, network, {
        "title": "Doula outreach raised postpartum visits for Black patients", "kind": "story",
        "summary": "Three PDSA cycles on text reminders and doula outreach: +12 points in six months.",
        "tags": "pdsa, maternal-health", "component_ids": components[3:4] + components[4:5],
        "population": "Black and Indigenous birthing people", "setting": "Hospital and community"})
    services.review(coach, story, "approve")
    services.create_resource(kevin, network, {
        "title": "Dashboard for missing REaL fields", "kind": "tool",
        "summary": "Which clinics leave race, ethnicity and language blank, week by week.", "tags": "real-data"})
    services.create_resource(pat, riverside.space, {
        "title": "Interpreter scheduling huddle", "kind": "change_idea", "action": "draft",
        "summary": "Five minutes before clinic: who needs an interpreter today, and is one booked?"})

    kit = curation.create_collection(coach, network, {
        "title": "Starter kit: stratifying your data by race, ethnicity and language", "featured": "1",
        "description": "Start here in your first month: the guide, the run chart layout, and a story of it working."})
    for resource in (guide, chart, story):
        curation.add_item(coach, kit, resource)
    curation.set_pinned(coach, kit, True)

    adoption.record(maria, guide, {"team_id": riverside.id, "tried_on": "2026-04-06", "setting": "Two primary care clinics",
                                   "what_changed": "Added an 'unknown' line to our HbA1c run chart.",
                                   "result": "Unknown fell from 31% to 18% in eight weeks.", "shared": "1"})
    adoption.record(aisha, teach_back, {"team_id": mesa.id, "tried_on": "2026-05-11", "setting": "Postpartum unit",
                                        "what_changed": "Adapted the script for postpartum discharge.", "shared": "1"})
    for person in (pat, kevin, aisha):
        adoption.toggle_vote(person, guide)
    adoption.toggle_vote(maria, story)
