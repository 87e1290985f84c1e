"""The access matrix's vocabulary, shared by every domain's matrix: the personas, which spaces
each may read, and a space or a signed-in client by persona name."""
from __future__ import annotations

from tests.helpers import login

PERSONAS = ["anon", "participant", "teammate", "outsider", "member", "removed_member", "facilitator",
            "other_facilitator", "admin", "deactivated"]

# Which spaces each persona may READ (content), by the world's names.
READS = {
    "anon": set(),
    "participant": {"commons", "cohort", "team"},
    "teammate": {"commons", "cohort", "team"},
    "outsider": {"commons", "other_team"},
    "member": {"commons", "affinity", "secret"},
    "removed_member": {"commons"},
    "facilitator": {"commons", "cohort", "team", "other_team", "affinity", "secret"},
    "other_facilitator": {"commons", "cohort", "team", "other_team", "other_affinity"},
    "admin": {"commons", "cohort", "team", "other_team"},
    "deactivated": set(),
}
SPACES = ["commons", "cohort", "team", "other_team", "affinity", "secret", "other_affinity"]
# Secret spaces answer like missing pages to anyone who cannot read them.
SECRET = {"secret", "other_affinity"}


def space_named(world, name):
    """The world's space of that matrix name (a team's and a cohort's spaces through them)."""
    if name == "team":
        return world.team.space
    if name == "other_team":
        return world.other_team.space
    if name == "cohort":
        return world.cohort.space
    return getattr(world, name)


def persona_client(app, world, persona):
    """A test client signed in as that persona (anon and deactivated: signed out)."""
    client = app.test_client()
    if persona == "deactivated":
        return client  # cannot sign in at all (tested in test_auth_sessions)
    if persona != "anon":
        login(client, getattr(world, persona))
    return client
