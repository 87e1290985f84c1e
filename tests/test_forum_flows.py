"""Forum flows a Discourse user expects, through the services and pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.forums import drafts, moderation, queries, reactions, reading
from hub.forums import services as forum
from hub.forums.categories import categories_of
from hub.forums.models import Post, PostRevision
from hub.notify import services as notify
from hub.notify.models import Notification
from hub.validation import ValidationError
from tests.helpers import factories as f
from tests.helpers import api_write, login, post_form


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def notes_of(person) -> list[Notification]:
    return notify.visible(person)


def test_cohort_spaces_start_with_the_program_categories(world):
    names = [c.name for c in categories_of(world.cohort.space)]
    assert names == ["Announcements", "Ask the cohort", "Share a win", "Data & measurement", "Resources"]
    assert [c.name for c in categories_of(world.secret)] == ["General"]


def test_thread_reply_and_permalink_pages(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Run chart help", "How do I **stratify**?")
    post = f.reply(world.teammate, thread, "By race and ethnicity, then language.")
    client = app.test_client()
    login(client, world.teammate)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Run chart help" in page and "<strong>stratify</strong>" in page and "By race and ethnicity" in page
    jump = client.get(f"/posts/{post.id}")
    assert jump.status_code == 302 and jump.headers["Location"].endswith(f"/threads/{thread.id}?page=1#post-2")


def test_a_mention_of_someone_who_cannot_see_the_space_is_refused_naming_them(world, ctx):
    body = f"Thoughts, @{world.outsider.username} and @{world.member.username}?"
    with pytest.raises(ValidationError) as refused:
        f.thread(world.participant, world.team.space, "Team plan", body)
    assert world.outsider.name in refused.value.fields["body"] and world.member.name in refused.value.fields["body"]
    assert db.session.scalar(select(Notification.id)) is None, "nothing was sent"
    thread = f.thread(world.participant, world.team.space, "Team plan", f"@{world.teammate.username} ok?")
    assert [n.kind for n in notes_of(world.teammate)] == ["mention"]
    assert f'href="/people/{world.teammate.id}"' in db.session.get(Post, thread.id).body_html


def test_a_refused_reply_keeps_what_was_typed(app, world, ctx):
    thread = f.thread(world.participant, world.team.space)
    client = app.test_client()
    login(client, world.participant)
    typed = f"Long careful words for @{world.outsider.username}"
    page = post_form(client, f"/threads/{thread.id}/reply", {"body": typed}, token_from=f"/threads/{thread.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Long careful words" in text and world.outsider.name in text


def test_team_mentions_reach_only_members_who_can_see(world, ctx):
    handle = world.team.space.slug
    f.thread(world.facilitator, world.commons, "Shout-out", f"Well done @{handle}!")
    assert {n.user_id for n in db.session.scalars(select(Notification))} == {world.participant.id, world.teammate.id}
    with pytest.raises(ValidationError):  # nobody in the team can read the secret space
        f.thread(world.member, world.secret, "Hidden", f"@{handle}")


def test_quotes_link_their_source_and_stay_within_a_space(world, ctx):
    source = f.thread(world.participant, world.cohort.space, "Idea", "Try teach-back")
    opening = db.session.scalar(select(Post).where(Post.thread_id == source.id))
    quoted = f.reply(world.teammate, source, f"[quote={opening.id}]\nTry teach-back\n[/quote]\n\nYes!")
    assert f'href="/posts/{opening.id}"' in quoted.body_html and "Pat Participant wrote" in quoted.body_html
    assert "quote" in [n.kind for n in notes_of(world.participant)]
    elsewhere = f.thread(world.participant, world.commons, "Elsewhere")
    with pytest.raises(ValidationError):
        f.reply(world.participant, elsewhere, f"[quote={opening.id}]\nTry teach-back\n[/quote]")


def test_reactions_and_who_reacted_as_the_viewer_may_see(world, ctx):
    thread = f.thread(world.member, world.secret, "Circle")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    gone = f.user("Gale Gone")
    f.join_space(gone, world.secret)
    assert reactions.toggle(world.facilitator, opening, "heart") is True
    assert reactions.toggle(gone, opening, "heart") is True
    assert reactions.who_reacted(world.member, opening)["heart"]["count"] == 2
    db.session.delete(_membership(gone, world.secret))  # removed: their old reaction no longer counts
    db.session.commit()
    seen = reactions.who_reacted(world.member, opening)["heart"]
    assert seen["count"] == 1 and [p["name"] for p in seen["people"]] == ["Fay Facilitator"]
    assert reactions.toggle(world.facilitator, opening, "heart") is False, "a second press takes it back"
    with pytest.raises(Exception):
        reactions.who_reacted(world.participant, opening)


def _membership(person, space):
    from hub.spaces.models import SpaceMembership
    return db.session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == person.id,
                                                           SpaceMembership.space_id == space.id))


def test_edits_keep_revisions_and_the_history_shows_a_diff(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space, "Plan", "line one\nline two")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    forum.edit_post(world.participant, opening, {"body": "line one\nline 2", "title": "Plan v2"})
    assert db.session.scalar(select(PostRevision.body)) == "line one\nline two"
    versions = queries.revisions(world.teammate, opening)
    assert [v["number"] for v in versions] == [1, 2]
    assert ("removed", "line two") in versions[1]["diff"] and ("added", "line 2") in versions[1]["diff"]
    client = app.test_client()
    login(client, world.teammate)
    page = client.get(f"/posts/{opening.id}/history").get_data(as_text=True)
    assert "<del>" in page and "line two" in page and "<ins>" in page and "Plan v2" in page
    outsider = app.test_client()
    login(outsider, world.outsider)
    assert outsider.get(f"/posts/{opening.id}/history").status_code == 404


def test_soft_delete_by_author_or_moderator(world, ctx):
    thread = f.thread(world.participant, world.cohort.space)
    post = f.reply(world.teammate, thread, "oops")
    with pytest.raises(Exception):
        forum.delete_post(world.participant, post)  # not theirs, not a moderator
    forum.delete_post(world.teammate, post)
    assert not policy.can(world.teammate, "post.view", post) and policy.can(world.facilitator, "post.view", post)
    forum.restore_post(world.facilitator, post)
    assert policy.can(world.teammate, "post.view", post)


def test_drafts_survive_a_reload(app, world, ctx):
    client = app.test_client()
    login(client, world.participant)
    key = f"thread:{world.cohort.space.id}"
    saved = api_write(client, "PUT", f"/api/v1/drafts/{key}", {"title": "Half a title", "body": "Half a thought"})
    assert saved.status_code == 200
    page = client.get(f"/spaces/{world.cohort.space.slug}/threads/new").get_data(as_text=True)
    assert "Half a title" in page and "Half a thought" in page
    denied = api_write(client, "PUT", f"/api/v1/drafts/thread:{world.secret.id}", {"body": "x"})
    assert denied.status_code == 404, "no drafting into a space one cannot see"
    f.thread(world.participant, world.cohort.space)
    assert drafts.get(world.participant, key) is None, "posting clears the draft"


def test_preview_uses_the_posting_pipeline(app, world):
    client = app.test_client()
    login(client, world.participant)
    shown = api_write(client, "POST", "/api/v1/preview",
                      {"body": "**hi** <script>alert(1)</script>", "space_id": world.cohort.space.id}).get_json()
    assert "<strong>hi</strong>" in shown["body_html"] and "<script" not in shown["body_html"]
    refused = api_write(client, "POST", "/api/v1/preview",
                        {"body": f"@{world.outsider.username}", "space_id": world.team.space.id})
    assert refused.status_code == 422 and world.outsider.name in refused.get_json()["error"]["fields"]["body"]


def test_questions_accept_an_answer_and_filter(world, ctx):
    question = f.thread(world.participant, world.cohort.space, "How to stratify?", kind="question")
    answer = f.reply(world.teammate, question, "By REaL data.")
    ids = lambda status: [t.id for t in queries.threads(world.participant, status=status).threads]  # noqa: E731
    assert question.id in ids("unanswered") and question.id not in ids("solved")
    with pytest.raises(Exception):
        forum.accept_answer(world.teammate, question, answer)  # only the asker or a moderator
    forum.accept_answer(world.participant, question, answer)
    assert question.id in ids("solved") and question.id not in ids("unanswered")
    assert "answer_accepted" in [n.kind for n in notes_of(world.teammate)]


def test_announcements_are_for_moderators_and_reach_everyone(world, ctx):
    with pytest.raises(ValidationError):
        f.thread(world.participant, world.cohort.space, "Hear ye", kind="announcement")
    f.thread(world.facilitator, world.cohort.space, "Session 3 moved", kind="announcement")
    assert "announcement" in [n.kind for n in notes_of(world.participant)]
    assert not notes_of(world.outsider), "outside the cohort: nothing"


def test_reading_state_unread_new_and_first_unread(app, world, ctx):
    thread = f.thread(world.participant, world.cohort.space)
    assert reading.counts(world.teammate) == {"unread": 0, "new": 1}
    reading.mark_read_to(world.teammate, thread, 1)
    second = f.reply(world.participant, thread, "more")
    f.reply(world.participant, thread, "and more")
    assert reading.counts(world.teammate) == {"unread": 1, "new": 0}
    client = app.test_client()
    login(client, world.teammate)
    assert client.get(f"/threads/{thread.id}/unread").headers["Location"].endswith(f"/posts/{second.id}")
    client.get(f"/threads/{thread.id}")  # reading the page marks it read
    assert reading.counts(world.teammate) == {"unread": 0, "new": 0}


def test_watching_levels_decide_who_hears(world, ctx):
    thread = f.thread(world.participant, world.cohort.space)
    reading.set_level(world.teammate, "watching", thread=thread)
    f.reply(world.facilitator, thread, "news")
    assert {n.kind for n in notes_of(world.teammate)} == {"reply"}
    assert {n.kind for n in notes_of(world.participant)} == {"reply"}, "authors watch their threads"
    reading.set_level(world.teammate, "muted", thread=thread)
    f.reply(world.facilitator, thread, f"@{world.teammate.username} are you there?")
    assert len(notes_of(world.teammate)) == 1, "muted: not even mentions"
    assert thread.id not in [t.id for t in queries.threads(world.teammate).threads], "muted leaves Latest"
    category = categories_of(world.cohort.space)[1]
    reading.set_level(world.teammate, "watching", category=category)
    f.thread(world.participant, world.cohort.space, "In category", category_id=category.id)
    assert "new_thread" in [n.kind for n in notes_of(world.teammate)]


def test_slow_mode_and_lock(world, ctx):
    thread = f.thread(world.facilitator, world.cohort.space)
    moderation.set_slow_mode(world.facilitator, thread, 600)
    f.reply(world.participant, thread, "first")
    with pytest.raises(ValidationError) as slowed:
        f.reply(world.participant, thread, "second")
    assert "Slow mode" in slowed.value.fields["body"]
    f.reply(world.facilitator, thread, "moderators are not slowed")
    moderation.set_locked(world.facilitator, thread, True)
    assert not policy.can(world.teammate, "thread.reply", thread)
    assert policy.can(world.facilitator, "thread.reply", thread)


def test_global_pins_lead_latest_and_space_pins_lead_their_space(world, ctx):
    old = f.thread(world.facilitator, world.cohort.space, "Old but pinned")
    f.thread(world.participant, world.cohort.space, "Newer")
    moderation.set_pinned(world.facilitator, old, True)
    assert queries.threads(world.participant, [world.cohort.space.id]).threads[0].id == old.id
    assert queries.threads(world.participant).threads[0].id != old.id
    moderation.set_pinned(world.facilitator, old, True, globally=True)
    assert queries.threads(world.participant).threads[0].id == old.id
    with pytest.raises(Exception):
        moderation.set_pinned(world.member, old, True, globally=True)


def test_moving_into_a_narrower_space_withdraws_it_everywhere(world, ctx):
    thread = f.thread(world.participant, world.commons, "Open at first", f"cc @{world.outsider.username}")
    assert notify.unread_count(world.outsider) == 1
    assert reading.counts(world.outsider)["new"] == 1
    moderation.move_thread(world.facilitator, thread, categories_of(world.team.space)[0])
    assert notify.unread_count(world.outsider) == 0 and notes_of(world.outsider) == []
    assert reading.counts(world.outsider)["new"] == 0
    assert thread.id not in [t.id for t in queries.threads(world.outsider).threads]
    assert policy.can(world.teammate, "thread.view", thread)
    actions = [e.action for e in moderation.log_of(world.facilitator, world.commons)]
    assert actions == ["move_out"]


def test_flags_reach_the_review_queue_and_are_acted_on(world, ctx):
    thread = f.thread(world.participant, world.cohort.space)
    bad = f.reply(world.teammate, thread, "something harmful")
    with pytest.raises(ValidationError):
        moderation.flag_post(world.participant, bad, "other", "")  # "other" needs words
    flag = moderation.flag_post(world.participant, bad, "harmful", "please look")
    assert [x.id for x in moderation.open_flags(world.facilitator, world.cohort.space)] == [flag.id]
    with pytest.raises(Exception):
        moderation.open_flags(world.participant, world.cohort.space)
    moderation.resolve_flag(world.facilitator, flag, "hide")
    assert bad.hidden_at is not None and not policy.can(world.participant, "post.view", bad)
    assert policy.can(world.teammate, "post.view", bad), "its author still sees it, marked hidden"
    log = [e.action for e in moderation.log_of(world.facilitator, world.cohort.space)]
    assert log == ["flag_hide"]


def test_newcomers_see_nothing_from_before_they_joined(world, ctx):
    world.secret.history_policy = "from_joining"
    db.session.commit()
    before = f.thread(world.member, world.secret, "Before you came")
    newcomer = f.user("Nia Newcomer")
    f.join_space(newcomer, world.secret)
    old_post = f.reply(world.member, before, "still before, for the newcomer")
    after = f.thread(world.member, world.secret, "After you came")
    assert not policy.can(newcomer, "thread.view", before)
    assert policy.can(newcomer, "thread.view", after)
    listed = [t.id for t in queries.threads(newcomer, [world.secret.id]).threads]
    assert listed == [after.id]
    assert newcomer.id not in policy.audience(before) and newcomer.id in policy.audience(after)
    assert newcomer.id not in policy.audience(old_post)
    with pytest.raises(ValidationError):  # cannot be mentioned where they cannot read
        f.reply(world.member, before, f"@{newcomer.username}")


def test_thread_page_query_count_does_not_grow_with_the_thread(app, world, ctx):
    from sqlalchemy import event
    short = f.thread(world.participant, world.cohort.space, "Short")
    long = f.thread(world.participant, world.cohort.space, "Long")
    for i in range(5):
        post = f.reply(world.teammate if i % 2 else world.facilitator, short, f"s{i}")
        if i % 5 == 0:
            reactions.toggle(world.participant, post, "heart")
    for i in range(45):
        post = f.reply(world.teammate if i % 2 else world.facilitator, long, f"l{i}")
        if i % 5 == 0:
            reactions.toggle(world.participant, post, "heart")
    client = app.test_client()
    login(client, world.participant)
    client.get(f"/threads/{short.id}")
    client.get(f"/threads/{long.id}")  # both read once: reading state exists for both

    def count(url):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert count(f"/threads/{short.id}") == count(f"/threads/{long.id}")


def test_latest_filters_by_space_and_category(app, world, ctx):
    data, asks = categories_of(world.cohort.space)[3], categories_of(world.cohort.space)[1]
    in_data = f.thread(world.participant, world.cohort.space, "Run chart for HbA1c", category_id=data.id)
    f.thread(world.participant, world.cohort.space, "Who has a teach-back script?", category_id=asks.id)
    f.thread(world.participant, world.commons, "Hello everyone")
    client = app.test_client()
    login(client, world.teammate)
    everything = client.get("/latest").get_data(as_text=True)
    assert all(t in everything for t in ("Run chart for HbA1c", "teach-back script", "Hello everyone"))
    cohort_only = client.get(f"/latest?space={world.cohort.space.slug}").get_data(as_text=True)
    assert "Hello everyone" not in cohort_only and "teach-back script" in cohort_only
    one = client.get(f"/latest?space={world.cohort.space.slug}&category={data.id}").get_data(as_text=True)
    assert "Run chart for HbA1c" in one and "teach-back script" not in one
    assert in_data.id in [t.id for t in queries.threads(world.teammate, [world.cohort.space.id], category=data).threads]
    assert client.get(f"/latest?space={world.secret.slug}").status_code == 404


def test_the_bell_counts_exactly_the_notifications_still_visible(world, ctx):
    thread = f.thread(world.member, world.secret, "Circle", f"@{world.facilitator.username}")
    f.reply(world.member, thread, f"again @{world.facilitator.username}")
    notify.notify([world.facilitator.id], "test", "about the space", "/", world.secret)
    other = f.thread(world.participant, world.cohort.space, "Cohort", f"@{world.facilitator.username}")
    assert notify.unread_count(world.facilitator) == len(notify.visible(world.facilitator)) == 4
    moderation.set_thread_hidden(world.facilitator, other, True)
    assert notify.unread_count(world.facilitator) == 4, "moderators still see hidden threads"
    _leave(world.facilitator, world.secret)
    assert notify.unread_count(world.facilitator) == len(notify.visible(world.facilitator)) == 1


def _leave(person, space):
    from hub.spaces.models import SpaceMembership
    db.session.delete(db.session.scalar(select(SpaceMembership).where(SpaceMembership.user_id == person.id,
                                                                      SpaceMembership.space_id == space.id)))
    db.session.commit()
