"""A realistic demo collaborative. Idempotent: running it again adds only what is missing."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hub import content
from hub.auth.services import hash_password
from hub.extensions import db
from hub.people import services as people
from hub.people.models import Cohort, Organization, Team, TeamMembership, User
from hub.spaces import services as spaces
from hub.spaces.models import Space, SpaceMembership

DEMO_PASSWORD = "equity-demo-2026"

ORGANIZATIONS = [
    ("Riverside Community Health Center", "Federally qualified health center", "Fresno"),
    ("Mesa Valley Health System", "Integrated health system", "Tucson"),
    ("Northgate Children's Hospital", "Children's hospital", "Minneapolis"),
    ("Harbor Family Clinic", "Community clinic", "Baltimore"),
    ("Lakeshore Behavioral Health", "Behavioral health agency", "Milwaukee"),
    ("Sunrise Public Health District", "Public health department", "Albuquerque"),
]

# Each organization's people work in its city's zone (staff: the East Coast), so the demo shows
# times in people's own zones as a real collaborative across the country would.
ZONES = {"Fresno": "America/Los_Angeles", "Tucson": "America/Phoenix", "Minneapolis": "America/Chicago",
         "Baltimore": "America/New_York", "Milwaukee": "America/Chicago", "Albuquerque": "America/Denver"}
STAFF_ZONE = "America/New_York"

COHORTS = [
    ("Learning Network 2026–2027", "learning_network", date(2026, 3, 1), date(2027, 8, 31)),
    ("Action Community 2026–2027", "action_community", date(2026, 4, 1), date(2027, 9, 30)),
]

# team name, organization index, cohort index, [(name, title, pronouns, team role)]
TEAMS = [
    ("Riverside Diabetes Equity Team", 0, 0, [
        ("Maria Hernández", "Quality Improvement Manager", "she/her", "lead"),
        ("Pat Participant", "Community Health Worker", "they/them", "member"),
        ("Dr. Samuel Okafor", "Chief Medical Officer", "he/him", "executive_sponsor"),
        ("Rosa Delgado", "Patient Partner", "she/her", "community_partner"),
        ("Kevin Tran", "Data Analyst", "he/him", "member")]),
    ("Mesa Valley Maternal Health Team", 1, 0, [
        ("Aisha Bello", "Director of Health Equity", "she/her", "lead"),
        ("Jordan Whitehorse", "Nurse Navigator", "he/him", "member"),
        ("Linda Park", "VP of Quality", "she/her", "executive_sponsor"),
        ("Tomasa Yazzie", "Community Doula", "she/her", "community_partner"),
        ("Morgan Member", "Patient Experience Lead", "she/her", "member")]),
    ("Northgate Asthma Outcomes Team", 2, 0, [
        ("Ibrahim Hassan", "Pediatric Hospitalist", "he/him", "lead"),
        ("Grace Lindqvist", "Respiratory Therapist", "she/her", "member"),
        ("Daniel Ochoa", "Family Advisory Council Member", "he/him", "community_partner"),
        ("Priya Natarajan", "Improvement Advisor", "she/her", "member")]),
    ("Harbor Hypertension Control Team", 3, 0, [
        ("Denise Washington", "Clinic Operations Manager", "she/her", "lead"),
        ("Marcus Green", "Medical Assistant", "he/him", "member"),
        ("Evelyn Brooks", "Executive Director", "she/her", "executive_sponsor"),
        ("Luis Ramírez", "Promotor de Salud", "he/him", "community_partner"),
        ("Hannah Cohen", "Pharmacist", "she/her", "member")]),
    ("Lakeshore Follow-up After Hospitalization Team", 4, 0, [
        ("Terrence Jackson", "Behavioral Health Director", "he/him", "lead"),
        ("Mai Vang", "Care Coordinator", "she/her", "member"),
        ("Rachel Adler", "Peer Support Specialist", "she/her", "community_partner"),
        ("Ben Kowalski", "Data Manager", "he/him", "member")]),
    ("Sunrise Language Access Team", 5, 1, [
        ("Carmen Villanueva", "Epidemiologist", "she/her", "lead"),
        ("Ahmed Yusuf", "Interpreter Services Lead", "he/him", "member"),
        ("Joan Whitfield", "Deputy Health Officer", "she/her", "executive_sponsor"),
        ("Esperanza Cruz", "Community Advisory Board Chair", "she/her", "community_partner"),
        ("Nathan Begay", "Health Educator", "he/him", "member")]),
    ("Riverside Cancer Screening Team", 0, 1, [
        ("Sofia Castillo", "Population Health Manager", "she/her", "lead"),
        ("Wei Chen", "Patient Navigator", "he/him", "member"),
        ("Olivia Martin", "Community Partner", "she/her", "community_partner"),
        ("Andre Dubois", "Registered Nurse", "he/him", "member")]),
    ("Mesa Valley Stratified Data Team", 1, 1, [
        ("Keisha Robinson", "Equity Data Lead", "she/her", "lead"),
        ("Miguel Torres", "Business Intelligence Analyst", "he/him", "member"),
        ("Fatima Al-Sayed", "Patient and Family Advisor", "she/her", "community_partner"),
        ("Eric Lundgren", "Chief Quality Officer", "he/him", "executive_sponsor")]),
]

STAFF = [
    ("admin@demo.hub", "Avery Admin", "admin", "Platform Administrator", "they/them"),
    ("facilitator@demo.hub", "Dr. Renée Baptiste", "facilitator", "Lead Facilitator", "she/her"),
    ("coach@demo.hub", "Jamal Carter", "facilitator", "Improvement Coach", "he/him"),
    ("trainer@demo.hub", "Lucía Moreno", "facilitator", "Equity Trainer", "she/her"),
]

AGREEMENT = """We meet here to speak openly about race, racism and our own growth.

1. **What is said here stays here.** Share lessons, never stories or names.
2. Speak from your own experience; use "I" statements.
3. Expect and accept non-closure; take care of yourself and each other.
4. Facilitators may pause a conversation that causes harm."""


def _email_for(name: str) -> str:
    special = {"Pat Participant": "participant@demo.hub", "Morgan Member": "member@demo.hub"}
    if name in special:
        return special[name]
    local = "".join(ch for ch in name.lower().replace("dr. ", "") if ch.isalpha() or ch == " ")
    return local.replace(" ", ".") + "@demo.hub"


def _person(email: str, name: str, role: str = "participant", title: str = "", pronouns: str = "",
            org: Organization | None = None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        bio = f"{title} at {org.name}." if org else f"{title} for the collaborative."
        user = User(email=email, name=name, site_role=role, title=title, pronouns=pronouns,
                    password_hash=hash_password(DEMO_PASSWORD), organization=org, bio=bio,
                    bio_html=str(content.render(bio)), time_zone=ZONES.get(org.city, STAFF_ZONE) if org else STAFF_ZONE)
        db.session.add(user)
        db.session.flush()
    return user


def _one(model, **where):
    return db.session.scalar(select(model).filter_by(**where))


GUIDELINES = """We are teams working together to close equity gaps in health care. Here we:

* **Assume good intent** and speak to the work, not the person.
* **Share what we tried**, including what did not work: that is how a collaborative learns.
* **Never post patient information**, or anything that could identify a patient.
* **Keep what is shared in team and affinity spaces there.** Quote it elsewhere only with its authors' consent.
* **Flag what harms**; the facilitators look at every flag.
"""


def seed() -> str:
    staff = [_person(e, n, r, t, p) for e, n, r, t, p in STAFF]
    admin, facilitator = staff[0], staff[1]
    db.session.commit()

    orgs = []
    for name, kind, city in ORGANIZATIONS:
        orgs.append(_one(Organization, name=name) or people.create_organization(admin, name, kind, city))
    cohorts = [_one(Cohort, name=n) or people.create_cohort(admin, n, p, s, e) for n, p, s, e in COHORTS]

    for team_name, org_index, cohort_index, members in TEAMS:
        team = _one(Team, name=team_name) or people.create_team(admin, team_name, orgs[org_index].id,
                                                                [cohorts[cohort_index].id])
        for name, title, pronouns, role in members:
            person = _person(_email_for(name), name, "participant", title, pronouns, orgs[org_index])
            if _one(TeamMembership, team_id=team.id, user_id=person.id) is None:
                db.session.add(TeamMembership(team_id=team.id, user_id=person.id, role=role))
        db.session.commit()

    if _one(Space, slug="commons") is None:
        commons = spaces.new_space("community", "Equity Learning Hub Commons",
                                   purpose="Everyone in the collaborative: introductions, announcements, open questions.")
        commons.slug = "commons"
        # The commons' agreement is the collaborative's community guidelines (/guidelines).
        commons.agreement = GUIDELINES
        commons.agreement_html = str(content.render(GUIDELINES))
        commons.agreement_version = 1
        db.session.commit()

    member = _one(User, email="member@demo.hub")
    _affinity("bipoc-caucus", "BIPOC Caucus",
              "A space for Black, Indigenous and people of color in the collaborative to support one another.",
              visibility="listed", join_policy="request", history_policy="full",
              facilitators=[facilitator], members=[member])
    _affinity("white-accountability", "White Anti-Racism Accountability Group",
              "White participants practicing accountability for anti-racist action, without burdening colleagues of color.",
              visibility="secret", join_policy="invite", history_policy="from_joining",
              facilitators=[_one(User, email="coach@demo.hub")], members=[_one(User, email="hannah.cohen@demo.hub")])
    db.session.commit()

    counts = {label: db.session.query(model).count() for label, model in
              (("people", User), ("organizations", Organization), ("cohorts", Cohort), ("teams", Team), ("spaces", Space))}
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def _affinity(slug, name, purpose, facilitators, members, **settings) -> Space:
    space = _one(Space, slug=slug)
    if space is None:
        space = spaces.new_space("affinity", name, purpose=purpose, agreement=AGREEMENT,
                                 agreement_html=str(content.render(AGREEMENT)), agreement_version=1, **settings)
        space.slug = slug
        db.session.flush()
    for role, people_in_role in (("facilitator", facilitators), ("member", members)):
        for person in people_in_role:
            if person is not None and _one(SpaceMembership, space_id=space.id, user_id=person.id) is None:
                db.session.add(SpaceMembership(space_id=space.id, user_id=person.id, role=role,
                                               agreement_accepted_version=space.agreement_version))
    return space
