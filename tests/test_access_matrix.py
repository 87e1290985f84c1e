"""The access matrix for what this foundation serves: persona x surface x space kind.

Every cell is asserted. Later issues (affinity, forums, library, search, chat) extend the
surfaces; the personas are those of ARCHITECTURE.md (see tests/conftest.py `world`).
"""
from __future__ import annotations


import pytest

from hub import policy
from hub.people.models import AnonymousUser
from tests.helpers import without_request_tokens
from tests.helpers.matrix import PERSONAS, READS, SECRET, SPACES, persona_client, space_named

@pytest.mark.parametrize("persona", PERSONAS)
def test_policy_predicate_and_scope(world, persona):
    user = AnonymousUser() if persona == "anon" else getattr(world, persona)
    visible = policy.visible_space_ids(user)
    for name in SPACES:
        space = space_named(world, name)
        expected = name in READS[persona]
        assert policy.can(user, "space.view", space) is expected, (persona, name)
        assert (space.id in visible) is expected, (persona, name)
        assert (user.id in policy.audience(space)) is (expected and persona != "anon"), (persona, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_space_pages_html_and_api(app, world, persona):
    client = persona_client(app, world, persona)
    for name in SPACES:
        space = space_named(world, name)
        page = client.get(f"/spaces/{space.slug}")
        api = client.get(f"/api/v1/spaces/{space.id}")
        reads = name in READS[persona]
        if persona in ("anon", "deactivated"):
            assert page.status_code == 302 and api.status_code == 401, (persona, name)
        elif name in SECRET and not reads:
            assert page.status_code == 404 and api.status_code == 404, (persona, name)
            assert space.name not in page.get_data(as_text=True)
        else:
            assert page.status_code == 200 and api.status_code == 200, (persona, name)
            assert api.get_json()["can_view"] is reads
            members_shown = "Members</h2>" in page.get_data(as_text=True)
            assert members_shown is reads, (persona, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_space_listings_html_and_api(app, world, persona):
    client = persona_client(app, world, persona)
    if persona in ("anon", "deactivated"):
        assert client.get("/spaces").status_code == 302
        assert client.get("/api/v1/spaces").status_code == 401
        return
    html = client.get("/spaces").get_data(as_text=True)
    listed = {s["id"] for s in client.get("/api/v1/spaces").get_json()["items"]}
    for name in SPACES:
        space = space_named(world, name)
        discoverable = name not in SECRET or name in READS[persona]
        assert (space.id in listed) is discoverable, (persona, name)
        assert (space.name in html) is discoverable, (persona, name)


def test_secret_space_404_is_identical_to_a_missing_page(app, world):
    client = persona_client(app, world, "participant")
    hidden = client.get(f"/spaces/{world.secret.slug}")
    missing = client.get("/spaces/no-such-space")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_tokens(hidden) == without_request_tokens(missing)
    api_hidden = client.get(f"/api/v1/spaces/{world.secret.id}").get_json()
    assert api_hidden == client.get("/api/v1/spaces/999999").get_json()


@pytest.mark.parametrize("persona", ["participant", "facilitator", "admin", "member"])
def test_affinity_memberships_never_appear_on_profiles(app, world, persona):
    client = persona_client(app, world, persona)
    page = client.get(f"/people/{world.member.id}").get_data(as_text=True)
    api = client.get(f"/api/v1/people/{world.member.id}").get_data(as_text=True)
    for space in (world.affinity, world.secret):
        assert space.name not in page and space.name not in api
        assert space.slug not in page and space.slug not in api


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_directory_and_profiles(app, world, persona):
    client = persona_client(app, world, persona)
    if persona in ("anon", "deactivated"):
        assert client.get("/people").status_code == 302
        assert client.get(f"/people/{world.participant.id}").status_code == 302
        assert client.get("/api/v1/people").status_code == 401
        return
    directory = client.get("/people?q=").get_data(as_text=True)
    api_names = {p["name"] for p in client.get("/api/v1/people?limit=100").get_json()["items"]}
    sees_deactivated = persona == "admin"
    assert (world.deactivated.name in directory) is sees_deactivated
    assert (world.deactivated.name in api_names) is sees_deactivated
    assert world.participant.name in directory and world.participant.name in api_names
    profile = client.get(f"/people/{world.deactivated.id}")
    assert profile.status_code == (200 if sees_deactivated else 404)


def test_admin_is_shown_the_privacy_promise_but_not_affinity_content(app, world):
    client = persona_client(app, world, "admin")
    page = client.get(f"/spaces/{world.affinity.slug}").get_data(as_text=True)
    assert "cannot read it unless they join" in page
    assert world.member.name not in page, "the member list is for members only"


def test_an_admin_may_administer_a_secret_space_without_reading_it(world):
    policy.require(world.admin, "space.administer", world.secret)
    assert not policy.can(world.admin, "space.view", world.secret)
    assert not policy.can(world.admin, "space.discover", world.secret)


def test_space_slugs_do_not_reveal_hidden_names(app, world):
    from hub.spaces.services import new_space
    twin = new_space("cohort", world.secret.name)
    assert twin.slug.startswith("secret-circle-") and not twin.slug.endswith("-2")


# ---------------------------------------------------------------- attachments (issue 17, item 14)

# Who writes in each space: a post with a file, and a chat message with a file (the channel made by
# someone who may make it there).
WRITERS = {"commons": ("participant", "admin"), "cohort": ("facilitator", "admin"), "team": ("participant", "admin"),
           "other_team": ("outsider", "admin"), "affinity": ("member", "facilitator"),
           "secret": ("member", "facilitator"), "other_affinity": ("other_facilitator", "other_facilitator")}


@pytest.fixture
def attached(app, world):
    """{space name: (post attachment id, message attachment id)}"""
    import io

    from werkzeug.datastructures import FileStorage

    from hub.chat import services as chat
    from hub.forums import services as forum
    from tests.helpers import factories
    made = {}
    with app.test_request_context():
        for name, (author, keeper) in WRITERS.items():
            space, writer = space_named(world, name), getattr(world, author)
            thread = factories.thread(writer, space, f"Files in {name}")
            upload = [FileStorage(io.BytesIO(f"{name} post file\n".encode()), filename="notes.txt")]
            post = forum.reply(writer, thread, {"body": "See the notes"}, upload)
            room = chat.create_channel(getattr(world, keeper), space, {"name": f"files-{name}"})
            message, *_ = chat.send(writer, room, {"body": "See the notes", "client_id": f"files-{name}"},
                                   [FileStorage(io.BytesIO(f"{name} chat file\n".encode()), filename="notes.txt")])
            made[name] = (post.attachments[0].id, message.attachments[0].id)
    return made


@pytest.mark.parametrize("persona", PERSONAS)
def test_attachments_reach_exactly_the_readers_of_their_post_or_message(app, world, attached, persona):
    client = persona_client(app, world, persona)
    for name, (post_file, message_file) in attached.items():
        urls = {"post": (f"/posts/attachments/{post_file}", f"/api/v1/post-attachments/{post_file}"),
                "chat": (f"/chat/attachments/{message_file}", f"/api/v1/message-attachments/{message_file}")}
        missing = {"post": ("/posts/attachments/999999", "/api/v1/post-attachments/999999"),
                   "chat": ("/chat/attachments/999999", "/api/v1/message-attachments/999999")}
        for kind, (page_url, api_url) in urls.items():
            page, api = client.get(page_url), client.get(api_url)
            if persona in ("anon", "deactivated"):
                assert page.status_code == 302 and api.status_code == 401, (persona, name, kind)
            elif name in READS[persona]:
                expected = f"{name} {kind} file\n".encode()
                assert page.status_code == api.status_code == 200, (persona, name, kind)
                assert page.data == api.data == expected, (persona, name, kind)
            else:  # a private one answers exactly like a missing one, on the page and in the API
                gone_page, gone_api = client.get(missing[kind][0]), client.get(missing[kind][1])
                assert page.status_code == api.status_code == 404, (persona, name, kind)
                assert without_request_tokens(page) == without_request_tokens(gone_page), (persona, name, kind)
                assert api.get_json() == gone_api.get_json(), (persona, name, kind)
