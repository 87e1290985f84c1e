"""The affinity issue's sweep: unique canaries planted in every private field, then every GET
route the app registers (HTML and API, taken from the URL map) is fetched as every persona.
Each canary must reach exactly the personas allowed to see it. Surfaces added later (forums,
library, search, chat) plant their own canaries here."""
from __future__ import annotations

import itertools
import re

import pytest

from hub.extensions import db
from hub.notify import services as notify
from hub.spaces import membership
from tests import factories
from tests.helpers import login, without_request_tokens

PERSONAS = ["anon", "participant", "pending_requester", "member", "removed_member", "facilitator",
            "other_facilitator", "admin"]

# canary -> (personas who may see it, personas who must see it somewhere)
CANARIES = {
    "CANARY-SECRET-NAME": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-PURPOSE": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-AGREEMENT": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-LISTED-AGREEMENT": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-JOIN-MESSAGE": ({"pending_requester", "facilitator"}, {"facilitator"}),
    "CANARY-REMOVAL-REASON": ({"facilitator"}, {"facilitator"}),
    "CANARY-NOTIFICATION": ({"member"}, {"member"}),
}


@pytest.fixture
def planted(app, world):
    with app.test_request_context():  # services build notification links with url_for
        return _plant(world)


def _plant(world):
    world.secret.name = "Secret Circle CANARY-SECRET-NAME"
    world.secret.purpose = "CANARY-SECRET-PURPOSE"
    db.session.commit()
    membership.update_settings(world.facilitator, world.secret, {"agreement": "Hold CANARY-SECRET-AGREEMENT close."})
    membership.update_settings(world.facilitator, world.affinity, {"agreement": "Hold CANARY-LISTED-AGREEMENT close."})
    for space in (world.secret, world.affinity):
        membership.accept_agreement(world.member, space)
    requester = factories.user("Rita Requester")
    world.pending_requester = requester
    membership.request_to_join(requester, world.affinity, "CANARY-JOIN-MESSAGE")
    gone = factories.user("Gus Gone")
    factories.join_space(gone, world.secret)
    membership.remove(world.facilitator, world.secret, gone, "CANARY-REMOVAL-REASON")
    notify.notify([world.member.id, world.removed_member.id, world.admin.id], "test",
                  "CANARY-NOTIFICATION happened", "/", world.secret)
    return world


def _values(world) -> dict[str, list]:
    from hub.spaces.models import JoinRequest, Space
    from hub.people.models import Cohort, Team, User
    ids = lambda model: [r for r in db.session.scalars(db.select(model.id))]  # noqa: E731
    return {
        "slug": list(db.session.scalars(db.select(Space.slug))) + ["missing-space"],
        "space_id": ids(Space) + [999_999], "person_id": ids(User), "user_id": ids(User),
        "request_id": ids(JoinRequest), "team_id": ids(Team), "cohort_id": ids(Cohort),
        "token_id": [1], "invitation_id": [1], "token": ["not-a-token"], "filename": ["css/hub.css"],
    }


def _urls(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = list(rule.arguments)
        for combo in itertools.product(*[values[n] for n in names]):
            url = rule.rule
            for name, value in zip(names, combo):
                url = re.sub(r"<(?:[^:>]+:)?" + name + ">", str(value), url)
            yield url


def test_every_canary_reaches_exactly_who_may_see_it(app, planted):
    values = _values(planted)
    urls = sorted(set(_urls(app, values)))
    assert len(urls) > 100
    seen: dict[str, set] = {c: set() for c in CANARIES}
    for persona in PERSONAS:
        client = app.test_client()
        if persona != "anon":
            login(client, getattr(planted, persona))
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            for canary in CANARIES:
                if canary in body:
                    seen[canary].add(persona)
    for canary, (may, must) in CANARIES.items():
        assert seen[canary] <= may, f"{canary} leaked to {seen[canary] - may}"
        assert must <= seen[canary], f"{canary} never reached {must - seen[canary]}"


def test_for_non_members_private_and_missing_answer_alike(app, planted):
    for persona in ("participant", "pending_requester", "removed_member", "other_facilitator", "admin"):
        client = app.test_client()
        login(client, getattr(planted, persona))
        for private, missing in ((f"/spaces/{planted.secret.slug}", "/spaces/no-such-space-at-all"),
                                 (f"/api/v1/spaces/{planted.secret.id}", "/api/v1/spaces/999999"),
                                 (f"/api/v1/spaces/{planted.secret.id}/members", "/api/v1/spaces/999999/members"),
                                 (f"/spaces/{planted.secret.slug}/audit", "/spaces/no-such-space-at-all/audit")):
            a, b = client.get(private), client.get(missing)
            assert a.status_code == b.status_code == 404, (persona, private)
            assert without_request_tokens(a) == without_request_tokens(b), (persona, private)
