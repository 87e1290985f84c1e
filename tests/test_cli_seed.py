"""Operator commands as ARCHITECTURE.md names them, run through Flask's CLI runner."""
from __future__ import annotations

from sqlalchemy import func, select

from hub import policy
from hub.extensions import db
from hub.people.models import Cohort, Team, User
from hub.spaces.models import Space


def test_seed_demo_builds_a_realistic_collaborative_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["hub", "seed-demo"])
    assert first.exit_code == 0, first.output
    assert "participant@demo.hub" in first.output and "equity-demo-2026" in first.output
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (User, Team, Cohort, Space)}
    second = runner.invoke(args=["hub", "seed-demo"])
    assert second.exit_code == 0
    assert counts == {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (User, Team, Cohort, Space)}
    assert counts["User"] >= 38 and counts["Team"] == 8 and counts["Cohort"] == 2
    programs = set(db.session.scalars(select(Cohort.program)))
    assert programs == {"learning_network", "action_community"}
    kinds = list(db.session.scalars(select(Space.kind)))
    assert kinds.count("affinity") == 2 and kinds.count("community") == 1
    # Every team has 3-7 people, and every cohort and team has its own space.
    for team in db.session.scalars(select(Team)):
        assert 3 <= len(team.memberships) <= 7 and team.space.kind == "team"
    # The demo participant does not see the secret affinity space; the demo member does.
    participant = db.session.scalar(select(User).where(User.email == "participant@demo.hub"))
    member = db.session.scalar(select(User).where(User.email == "member@demo.hub"))
    caucus = db.session.scalar(select(Space).where(Space.slug == "bipoc-caucus"))
    secret = db.session.scalar(select(Space).where(Space.slug == "white-accountability"))
    assert policy.can(member, "space.view", caucus) and not policy.can(participant, "space.view", caucus)
    assert not policy.can(participant, "space.discover", secret)
    # The library: published tools and ideas with files, a pinned collection, adoptions, drafts and a queue.
    from hub.library.models import Adoption, Collection, Resource, ResourceFile
    statuses = sorted(db.session.scalars(select(Resource.status)))
    assert statuses.count("published") >= 5 and "draft" in statuses and "submitted" in statuses
    pdf = db.session.scalar(select(ResourceFile).where(ResourceFile.type_label == "pdf"))
    assert pdf is not None and "unknown as its own group" in pdf.extracted_text
    assert db.session.scalar(select(Collection).where(Collection.pinned_at.is_not(None))) is not None
    assert db.session.scalar(select(func.count()).select_from(Adoption)) >= 2
    assert "library resources" in first.output and "library resources" not in second.output


def test_create_user_and_create_token_work_with_the_api(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["hub", "create-user", "--email", "Ops@Example.org", "--name", "Ops Person",
                               "--password", "long enough pw", "--role", "admin"])
    assert made.exit_code == 0, made.output
    again = runner.invoke(args=["hub", "create-user", "--email", "ops@example.org", "--name", "X", "--password", "long enough pw"])
    assert again.exit_code != 0 and "already has an account" in again.output
    weak = runner.invoke(args=["hub", "create-user", "--email", "w@example.org", "--name", "W", "--password", "short"])
    assert weak.exit_code != 0 and "at least 10" in weak.output
    token = runner.invoke(args=["hub", "create-token", "--email", "ops@example.org", "--label", "ci"])
    assert token.exit_code == 0
    plain = token.output.strip()
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).get_json()
    assert me["name"] == "Ops Person" and me["site_role"] == "admin"
    missing = runner.invoke(args=["hub", "create-token", "--email", "nobody@example.org"])
    assert missing.exit_code != 0


def test_send_digests_command_sends_the_demo_summaries_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["hub", "seed-demo"]).exit_code == 0
    first = runner.invoke(args=["hub", "send-digests", "--period", "daily"])
    assert first.exit_code == 0 and first.output.startswith("Sent ")
    assert int(first.output.split()[1]) > 0, "the demo's mentions and replies make daily summaries"
    again = runner.invoke(args=["hub", "send-digests", "--period", "daily"])
    assert again.output.startswith("Sent 0 "), "nobody gets a second digest within the day"
    assert runner.invoke(args=["hub", "send-digests", "--period", "hourly"]).exit_code != 0
