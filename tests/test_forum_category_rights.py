"""Issue 17, item 5: categories say who may start threads and who may reply (everyone, or the
space's facilitators), held by the policy and obeyed by the service, the pages and the API."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.forums import categories as category_service
from hub.forums import services as forum
from hub.forums.categories import categories_of
from hub.forums.models import Category, Thread
from hub.validation import ValidationError
from tests.helpers import factories as f
from tests.helpers import api_write, post_form, signed_in as _signed_in


def _named(space, name) -> Category:
    return next(c for c in categories_of(space) if c.name == name)


def test_announcements_are_for_facilitators_to_start(app, world, ctx):
    """A participant could start threads in Announcements; now the service, the form and the API
    refuse, naming the category, while a facilitator still posts there and everyone may reply."""
    announcements = _named(world.cohort.space, "Announcements")
    assert announcements.who_may_start == "facilitators" and announcements.who_may_reply == "everyone"
    data = {"title": "Not news", "body": "Just chatting", "category_id": announcements.id}
    with pytest.raises(ValidationError) as refused:
        forum.create_thread(world.participant, world.cohort.space, data)
    assert "Announcements" in refused.value.fields["category_id"]
    client = _signed_in(app, world.participant)
    new = f"/spaces/{world.cohort.space.slug}/threads/new"
    page = post_form(client, new, data, token_from=new)
    assert page.status_code == 422 and "Only this space&#39;s facilitators start threads" in page.get_data(as_text=True)
    api = api_write(client, "POST", f"/api/v1/spaces/{world.cohort.space.id}/threads", data)
    assert api.status_code == 422 and "category_id" in api.get_json()["error"]["fields"]
    assert db.session.scalar(select(Thread.id)) is None
    news = forum.create_thread(world.facilitator, world.cohort.space, {**data, "title": "Real news"})
    reply = f.reply(world.participant, news, "Thanks for the news")
    assert reply.thread_id == news.id


def test_the_new_thread_form_starts_in_the_spaces_general_category(app, world, ctx):
    """It defaulted to Announcements (the first category): now to the first one everyone may start
    threads in, and it offers only the categories the person may start threads in."""
    new = f"/spaces/{world.cohort.space.slug}/threads/new"
    for persona, offers_announcements in (("participant", False), ("facilitator", True)):
        page = _signed_in(app, getattr(world, persona)).get(new).get_data(as_text=True)
        select_html = page.split('id="f-category_id"')[1].split("</select>")[0]
        chosen = re.search(r'<option value="(\d+)" selected>([^<]+)</option>', select_html)
        assert chosen and chosen.group(2) == "Ask the cohort", persona
        assert ("Announcements" in select_html) is offers_announcements, persona
    # Asked for Announcements (its category page's button) by someone who may not start one there:
    # the form starts in the general category instead.
    announcements = _named(world.cohort.space, "Announcements")
    page = _signed_in(app, world.participant).get(f"{new}?category_id={announcements.id}").get_data(as_text=True)
    assert re.search(r'selected>Ask the cohort<', page)
    category_page = _signed_in(app, world.participant).get(
        f"/spaces/{world.cohort.space.slug}/c/{announcements.slug}").get_data(as_text=True)
    assert f"category_id={announcements.id}" not in category_page
    assert category_service.general_category(world.participant, world.commons).name == "General"
    assert category_service.general_category(world.member, world.secret).name == "General"


def test_a_category_for_facilitators_replies_only(app, world, ctx):
    """Set in the category settings page: participants then read but do not reply (page, service,
    API); the space's facilitators still do."""
    share = _named(world.cohort.space, "Share a win")
    thread = forum.create_thread(world.participant, world.cohort.space,
                                 {"title": "Our win", "body": "Up 12 points", "category_id": share.id})
    facilitator = _signed_in(app, world.facilitator)
    settings = f"/spaces/{world.cohort.space.slug}/categories"
    saved = post_form(facilitator, f"/categories/{share.id}/edit",
                      {"name": share.name, "description": share.description, "who_may_start": "everyone",
                       "who_may_reply": "facilitators"}, token_from=settings, follow_redirects=True)
    assert "Category saved." in saved.get_data(as_text=True)
    db.session.refresh(share)
    assert (share.who_may_start, share.who_may_reply) == ("everyone", "facilitators")
    assert not policy.can(world.teammate, "thread.reply", thread)
    assert policy.can(world.facilitator, "thread.reply", thread)
    teammate = _signed_in(app, world.teammate)
    page = teammate.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Post reply" not in page and "Only the facilitators of this space reply in “Share a win”" in page
    api = api_write(teammate, "POST", f"/api/v1/threads/{thread.id}/posts", {"body": "Congratulations"})
    assert api.status_code == 403
    with pytest.raises(Exception):
        f.reply(world.teammate, thread, "Congratulations")
    assert "Post reply" in facilitator.get(f"/threads/{thread.id}").get_data(as_text=True)
    f.reply(world.facilitator, thread, "Well done, everyone")


def test_category_rights_in_the_api_change_only_what_is_sent(app, world, ctx):
    share = _named(world.cohort.space, "Share a win")
    facilitator = _signed_in(app, world.facilitator)
    answer = api_write(facilitator, "PATCH", f"/api/v1/categories/{share.id}", {"who_may_start": "facilitators"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["who_may_start"] == "facilitators" and body["who_may_reply"] == "everyone"
    assert body["name"] == "Share a win" and body["can_start_threads"] is True
    listed = _signed_in(app, world.participant).get(f"/api/v1/spaces/{world.cohort.space.id}/categories").get_json()
    mine = {c["name"]: c["can_start_threads"] for c in listed["items"]}
    assert mine["Share a win"] is False and mine["Announcements"] is False and mine["Ask the cohort"] is True
    bad = api_write(facilitator, "PATCH", f"/api/v1/categories/{share.id}", {"who_may_reply": "admins"})
    assert bad.status_code == 422 and "who_may_reply" in bad.get_json()["error"]["fields"]
    created = api_write(facilitator, "POST", f"/api/v1/spaces/{world.cohort.space.id}/categories",
                        {"name": "Coaches' corner", "who_may_start": "facilitators"})
    assert created.status_code == 201 and created.get_json()["who_may_start"] == "facilitators"
    refused = api_write(_signed_in(app, world.participant), "PATCH", f"/api/v1/categories/{share.id}",
                        {"who_may_start": "everyone"})
    assert refused.status_code == 403
    db.session.refresh(share)
    assert share.who_may_start == "facilitators"
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "who_may_reply" in spec["components"]["schemas"]["CategoryWrite"]["properties"]


def test_a_new_category_from_the_settings_page_takes_its_rights(app, world, ctx):
    facilitator = _signed_in(app, world.facilitator)
    settings = f"/spaces/{world.cohort.space.slug}/categories"
    page = facilitator.get(settings).get_data(as_text=True)
    assert 'name="who_may_start"' in page and "Only this space" in page
    post_form(facilitator, settings, {"name": "Office hours", "who_may_start": "facilitators",
                                      "who_may_reply": "facilitators"}, token_from=settings)
    made = _named(world.cohort.space, "Office hours")
    assert (made.who_may_start, made.who_may_reply) == ("facilitators", "facilitators")


def test_the_demo_seed_keeps_announcements_for_facilitators(app):
    """`flask hub seed-demo`: every Announcements category is the facilitators' to start threads in
    (replies stay open), and the demo participant's New thread form starts elsewhere."""
    from hub.people.models import User

    result = app.test_cli_runner().invoke(args=["hub", "seed-demo"])
    assert result.exit_code == 0, result.output
    found = list(db.session.scalars(select(Category).where(Category.slug == "announcements")))
    assert found and all((c.who_may_start, c.who_may_reply) == ("facilitators", "everyone") for c in found)
    pat = db.session.scalar(select(User).where(User.email == "participant@demo.hub"))
    for category in found:
        assert not policy.can(pat, "category.start_thread", category)
        if policy.can(pat, "space.view", category.space):
            assert category_service.general_category(pat, category.space).slug != "announcements"
