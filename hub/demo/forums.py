"""Demo forum threads for `flask hub seed-demo`, written through the real services (mentions,
notifications, reactions and all). Runs once: skipped when any thread exists."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from hub.extensions import db
from hub.forums import moderation, reactions, services
from hub.forums.categories import categories_of, update_category
from hub.forums.models import Category, Post, Thread
from hub.people.models import Cohort, Team, User
from hub.spaces.models import Space


def _person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _category(space: Space, name: str):
    return next((c for c in categories_of(space) if c.name == name), categories_of(space)[0])


def _thread(author, space, category, title, body, **extra):
    return services.create_thread(author, space, {"title": title, "body": body,
                                                  "category_id": _category(space, category).id, **extra})


def seed_forums() -> int:
    if db.session.scalar(select(Thread.id).limit(1)) is not None:
        return 0
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        _write()
    return db.session.query(Thread).count()


def _write() -> None:
    facilitator, coach = _person("facilitator@demo.hub"), _person("coach@demo.hub")
    pat, maria = _person("participant@demo.hub"), _person("maria.hernández@demo.hub")
    kevin, morgan, aisha = _person("kevin.tran@demo.hub"), _person("member@demo.hub"), _person("aisha.bello@demo.hub")
    hannah = _person("hannah.cohen@demo.hub")
    # Announcements are the facilitators' news (new spaces start so; the demo's are set to match).
    for announcements in db.session.scalars(select(Category).where(Category.slug == "announcements")).all():
        update_category(facilitator, announcements, {"who_may_start": "facilitators"})
    commons = db.session.scalar(select(Space).where(Space.slug == "commons"))
    network = db.session.scalar(select(Cohort).where(Cohort.program == "learning_network")).space
    riverside = db.session.scalar(select(Team).where(Team.name == "Riverside Diabetes Equity Team")).space

    welcome = _thread(facilitator, commons, "Announcements", "Welcome to the Equity Learning Hub",
                      "This is our shared home for the next 18 months.\n\n* Introduce your team in your cohort\n"
                      "* Ask questions any time\n* Affinity groups meet in their own private spaces",
                      kind="announcement")
    moderation.set_pinned(facilitator, welcome, True, globally=True)

    intro = _thread(facilitator, network, "Ask the cohort", "Introduce your team",
                    "Tell us who is on your team, which equity gap you are working on, and one thing you hope to "
                    "learn from the cohort.", tags="introductions")
    services.reply(maria, intro, {"body": "We are the **Riverside Diabetes Equity Team**. Our gap: HbA1c control "
                                          f"for Spanish-speaking patients. @{kevin.username} leads our data work."})
    services.reply(aisha, intro, {"body": "Mesa Valley here: we focus on postpartum follow-up for Black and "
                                          "Indigenous birthing people."})

    question = _thread(pat, network, "Data & measurement", "How are you stratifying by race, ethnicity and language?",
                       "Our EHR has REaL fields, but about 30% are blank. Do you impute, exclude, or show "
                       "'unknown' as its own group on run charts?", kind="question", tags="real-data, run-charts")
    answer = services.reply(coach, question, {"body": "Show **unknown** as its own line: it tells you whether "
                                                      "data collection is improving. Never impute race."})
    services.reply(kevin, question, {"body": "Agree. We also track % unknown as a process measure."})
    services.accept_answer(pat, question, answer)
    reactions.toggle(pat, answer, "lightbulb")
    reactions.toggle(maria, answer, "thumbsup")

    win = _thread(aisha, network, "Share a win", "Postpartum visit rate up 12 points for Black patients",
                  f"Three PDSA cycles on text reminders and doula outreach. Thank you @{coach.username}!",
                  tags="pdsa")
    opening = db.session.scalar(select(Post).where(Post.thread_id == win.id, Post.number == 1))
    for person, kind in ((maria, "tada"), (pat, "heart"), (coach, "tada")):
        reactions.toggle(person, opening, kind)

    _thread(maria, riverside, "General", "Agenda for Thursday's huddle",
            "1. Review last week's run chart\n2. Plan the next PDSA on interpreter scheduling")

    caucus = db.session.scalar(select(Space).where(Space.slug == "bipoc-caucus"))
    if caucus is not None and morgan is not None:
        _thread(morgan, caucus, "General", "Check-in before the next learning session",
                "How is everyone holding up with the data conversations? Let's plan how we show up together.")
    circle = db.session.scalar(select(Space).where(Space.slug == "white-accountability"))
    if circle is not None and hannah is not None:
        _thread(hannah, circle, "General", "Noticing defensiveness in our team meetings",
                "I caught myself centering my intentions again. What practices help you stay accountable?")
