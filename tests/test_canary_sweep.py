"""The affinity issue's sweep: unique canaries planted in every private field, then every GET
route the app registers (HTML and API, taken from the URL map) is fetched as every persona,
and every email the outbox holds is read. Each canary must reach exactly the personas allowed
to see it. Surfaces added later (library, search, chat) plant their own canaries here; the
forums plant threads, replies, edits, tags, drafts, flags, hidden, deleted and moved posts."""
from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import pytest

from hub.extensions import db
from hub.forums.models import Post
from hub.notify import services as notify
from hub.spaces import membership
from tests.helpers import factories
from tests.helpers import login, without_request_tokens
from tests.helpers.search import shown_text

STAFF = {"facilitator", "other_facilitator", "admin"}  # site staff moderate cohort, team and community spaces
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
    # forums
    "CANARY-SECRET-THREAD-TITLE": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-OPENING": ({"member", "facilitator"}, {"member", "facilitator"}),  # only in edit history now
    "CANARY-SECRET-REPLY": ({"member", "facilitator"}, {"member", "facilitator"}),
    "canary-secret-tag": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-LISTED-THREAD": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-TEAM-THREAD": (STAFF | {"participant"}, STAFF | {"participant"}),
    "CANARY-HIDDEN-POST": (STAFF | {"participant"}, {"participant", "facilitator"}),
    "CANARY-DELETED-POST": (STAFF, {"facilitator"}),
    "CANARY-MOVED-THREAD": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-FLAG-MESSAGE": ({"facilitator"}, {"facilitator"}),
    "CANARY-DRAFT": ({"member"}, {"member"}),
    # library
    "CANARY-SECRET-RESOURCE": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-FILE-BYTES": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-COLLECTION": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-VERSION": ({"member", "facilitator"}, {"member", "facilitator"}),  # only in its history now
    "CANARY-TEAM-SUBMISSION": (STAFF | {"participant"}, STAFF | {"participant"}),
    "CANARY-COMMONS-DRAFT": ({"participant"}, {"participant"}),
    "CANARY-TEAM-ONLY-ADOPTION": (STAFF | {"participant"}, STAFF | {"participant"}),
    "CANARY-MOVED-RESOURCE": ({"member", "facilitator"}, {"member", "facilitator"}),
    # projects
    "CANARY-TEAM-PROJECT": (STAFF | {"participant"}, STAFF | {"participant"}),
    "CANARY-TEAM-AIM": (STAFF | {"participant"}, STAFF | {"participant"}),
    "CANARY-TEAM-MEASURE": (STAFF | {"participant"}, STAFF | {"participant"}),
    "0.42857": (STAFF | {"participant"}, {"participant"}),  # the small cell's rate, 3/7, raw
    # chat
    "CANARY-CHAT-SECRET-CHANNEL": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-CHAT-SECRET-MESSAGE": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-CHAT-TEAM-MESSAGE": (STAFF | {"participant"}, STAFF | {"participant"}),
    "CANARY-CHAT-DM": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-CHAT-EDITED-AWAY": (set(), set()),
    "CANARY-CHAT-DELETED": (set(), set()),
    # attachments (issue 17, item 14): a file's name and bytes reach exactly its post's or message's readers
    "CANARY-SECRET-ATTACHMENT-NAME": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-SECRET-ATTACHMENT-BYTES": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-HIDDEN-ATTACHMENT": (STAFF | {"participant"}, {"participant", "facilitator"}),
    "CANARY-CHAT-SECRET-ATTACHMENT": ({"member", "facilitator"}, {"member", "facilitator"}),
    "CANARY-CHAT-DELETED-ATTACHMENT": (set(), set()),
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
    _plant_forums(world)
    _plant_library(world)
    _plant_chat(world)
    _plant_attachments(world)
    _plant_projects(world)
    return world


def _plant_projects(world):
    """A team's private project, and a measure shared with the community whose small cell (3 of 7,
    Native Hawaiian patients) only the team and the staff who oversee team spaces may see raw."""
    from hub.projects import services as projects
    private = projects.create_project(world.participant, world.team, {"title": "CANARY-TEAM-PROJECT",
                                                                      "aim": "CANARY-TEAM-AIM"})
    projects.save_measure(world.participant, private, {"name": "CANARY-TEAM-MEASURE", "stratifiers": ["race"]})
    # The cohort's network measure, adopted into the private project: the network view names the
    # project only to those who may view it.
    from hub.projects import measure_sets
    item = measure_sets.publish_item(world.facilitator, measure_sets.measure_set_of(world.cohort),
                                     {"name": "Network measure"})
    adopted = measure_sets.adopt(world.participant, private, item.id)
    projects.put_data(world.participant, adopted, [{"period": "2026-01", "stratum": None, "numerator": 30,
                                                    "denominator": 70}])
    shared = projects.create_project(world.participant, world.team, {"title": "Shared project",
                                                                     "visibility": "community"})
    measure = projects.save_measure(world.participant, shared, {"name": "Shared measure", "stratifiers": ["race"]})
    groups = {"White": (300, 500), "Black or African American": (200, 400), "Native Hawaiian or Pacific Islander": (3, 7)}
    points = [{"period": "2026-01", "stratum": {"race": g}, "numerator": groups.get(g, (50, 100))[0],
               "denominator": groups.get(g, (50, 100))[1]}
              for g in ("American Indian or Alaska Native", "Asian", "Black or African American",
                        "Native Hawaiian or Pacific Islander", "White", "Multiracial", "Other race", "Unknown")]
    projects.put_data(world.participant, measure, points)


def _plant_attachments(world):
    import io

    from werkzeug.datastructures import FileStorage

    from hub.chat import services as chat
    from hub.chat.models import Channel
    from hub.forums import moderation
    from hub.forums import services as forum
    from hub.forums.models import Thread

    def one(data: bytes, name: str = "notes.txt"):
        return [FileStorage(io.BytesIO(data), filename=name)]
    secret = db.session.scalar(db.select(Thread).where(Thread.space_id == world.secret.id,
                                                       Thread.title == "CANARY-SECRET-THREAD-TITLE"))
    forum.reply(world.member, secret, {"body": "A file"}, one(b"CANARY-SECRET-ATTACHMENT-BYTES\n",
                                                              "CANARY-SECRET-ATTACHMENT-NAME.txt"))
    welcome = db.session.scalar(db.select(Thread).where(Thread.title == "Welcome, cohort"))
    hidden = forum.reply(world.participant, welcome, {"body": "Mine"}, one(b"x\n", "CANARY-HIDDEN-ATTACHMENT.txt"))
    moderation.set_post_hidden(world.facilitator, hidden, True, "off topic")
    caucus = db.session.scalar(db.select(Channel).where(Channel.name == "CANARY-CHAT-SECRET-CHANNEL"))
    chat.send(world.member, caucus, {"body": "A file", "client_id": "canary-file-1"},
              one(b"CANARY-CHAT-SECRET-ATTACHMENT\n"))
    gone, *_ = chat.send(world.member, caucus, {"body": "Wrong file", "client_id": "canary-file-2"},
                        one(b"x\n", "CANARY-CHAT-DELETED-ATTACHMENT.txt"))
    chat.delete(world.member, gone)


def _plant_library(world):
    import io

    from hub.library import adoption, curation
    from hub.library import services as library

    class Upload:
        def __init__(self, data, filename):
            self.stream, self.filename = io.BytesIO(data), filename

    new = lambda who, where, title, **extra: library.create_resource(  # noqa: E731
        who, where, {"title": title, "summary": "Library words", **extra})
    secret = new(world.facilitator, world.secret, "CANARY-SECRET-RESOURCE")
    library.add_file(world.facilitator, secret, Upload(b"CANARY-SECRET-FILE-BYTES\n", "notes.txt"))
    library.update_resource(world.facilitator, secret, {"summary": "Was CANARY-SECRET-VERSION"})
    library.update_resource(world.facilitator, secret, {"summary": "Rewritten summary"})
    adoption.toggle_vote(world.member, secret)
    collection = curation.create_collection(world.facilitator, world.secret, {"title": "CANARY-SECRET-COLLECTION"})
    curation.add_item(world.facilitator, collection, secret)
    new(world.participant, world.team.space, "CANARY-TEAM-SUBMISSION")
    new(world.participant, world.commons, "CANARY-COMMONS-DRAFT", action="draft")
    commons_tool = new(world.facilitator, world.commons, "A commons tool")
    adoption.record(world.participant, commons_tool, {"team_id": world.team.id, "tried_on": "2026-01-01",
                                                      "what_changed": "CANARY-TEAM-ONLY-ADOPTION", "shared": ""})
    moved = new(world.facilitator, world.commons, "CANARY-MOVED-RESOURCE")
    adoption.toggle_vote(world.participant, moved)
    library.move(world.facilitator, moved, world.secret)


def _plant_chat(world):
    from hub.chat import services as chat
    caucus = chat.create_channel(world.facilitator, world.secret, {"name": "CANARY-CHAT-SECRET-CHANNEL"})
    chat.send(world.member, caucus, {"body": f"CANARY-CHAT-SECRET-MESSAGE @{world.facilitator.username}",
                                     "client_id": "canary-1"})
    edited, *_ = chat.send(world.member, caucus, {"body": "CANARY-CHAT-EDITED-AWAY", "client_id": "canary-2"})
    chat.edit(world.member, edited, {"body": "Nothing to see"})
    deleted, *_ = chat.send(world.facilitator, caucus, {"body": "CANARY-CHAT-DELETED", "client_id": "canary-3"})
    chat.delete(world.facilitator, deleted)
    team = chat.create_channel(world.admin, world.team.space, {"name": "team-room"})
    chat.send(world.participant, team, {"body": "CANARY-CHAT-TEAM-MESSAGE", "client_id": "canary-4"})
    dm = chat.start_dm(world.member, [world.facilitator])
    chat.send(world.member, dm, {"body": "CANARY-CHAT-DM", "client_id": "canary-5"})


def _plant_forums(world):
    from hub.forums import drafts, moderation
    from hub.forums import services as forum
    from hub.forums.categories import categories_of
    from hub.notify.models import EmailSettings

    # Affinity members get email at once; the admin (mentioned in a thread later moved out of their
    # reach) waits for a digest, which must then leave it out.
    for person in (world.member, world.facilitator):
        db.session.add(EmailSettings(user_id=person.id, frequency="immediately"))
    db.session.commit()
    first = lambda space: next(c.id for c in categories_of(space) if c.who_may_start == "everyone")  # noqa: E731
    cohort, team = world.cohort.space, world.team.space
    secret = forum.create_thread(world.member, world.secret, {
        "title": "CANARY-SECRET-THREAD-TITLE", "body": "Opening CANARY-SECRET-OPENING", "category_id": first(world.secret),
        "tags": "canary-secret-tag"})
    opening = db.session.scalar(db.select(Post).where(Post.thread_id == secret.id, Post.number == 1))
    forum.edit_post(world.member, opening, {"body": "Rewritten opening"})
    reply = forum.reply(world.facilitator, secret, {"body": f"Reply CANARY-SECRET-REPLY @{world.member.username}"})
    moderation.flag_post(world.member, reply, "other", "CANARY-FLAG-MESSAGE")
    drafts.save(world.member, f"thread:{world.secret.id}", "", "CANARY-DRAFT")
    forum.create_thread(world.member, world.affinity, {"title": "CANARY-LISTED-THREAD", "body": "Listed words",
                                                       "category_id": first(world.affinity)})
    forum.create_thread(world.participant, team, {"title": "CANARY-TEAM-THREAD", "body": "Team words",
                                                  "category_id": first(team)})
    welcome = forum.create_thread(world.facilitator, cohort, {"title": "Welcome, cohort", "body": "Hello all",
                                                              "category_id": first(cohort)})
    hidden = forum.reply(world.participant, welcome, {"body": "CANARY-HIDDEN-POST"})
    moderation.set_post_hidden(world.facilitator, hidden, True, "off topic")
    deleted = forum.reply(world.participant, welcome, {"body": "CANARY-DELETED-POST"})
    forum.delete_post(world.participant, deleted)
    moved = forum.create_thread(world.participant, world.commons, {
        "title": "CANARY-MOVED-THREAD", "body": f"Hello @{world.admin.username}", "category_id": first(world.commons)})
    target = next(c for c in categories_of(world.secret))
    moderation.move_thread(world.facilitator, moved, target)


def _values(world) -> dict[str, list]:
    from hub.forums.models import Category, Flag, Thread
    from hub.notify.models import Notification
    from hub.spaces.models import JoinRequest, Space
    from hub.people.models import Cohort, Team, User
    from hub.chat.models import Channel, Message as ChatMessage, MessageAttachment
    from hub.forums.models import PostAttachment
    ids = lambda model: [r for r in db.session.scalars(db.select(model.id))]  # noqa: E731
    return {
        "thread_id": ids(Thread) + [999_999], "post_id": ids(Post) + [999_999], "category_id": ids(Category),
        "category_slug": sorted(set(db.session.scalars(db.select(Category.slug)))), "flag_id": ids(Flag),
        "note_id": ids(Notification),
        "key": [f"thread:{i}" for i in ids(Space)] + [f"reply:{i}" for i in ids(Thread)],
        "slug": list(db.session.scalars(db.select(Space.slug))) + ["missing-space"],
        "space_id": ids(Space) + [999_999], "person_id": ids(User), "user_id": ids(User),
        "request_id": ids(JoinRequest), "team_id": ids(Team), "cohort_id": ids(Cohort),
        "channel_id": ids(Channel) + [999_999], "message_id": ids(ChatMessage) + [999_999],
        "attachment_id": sorted(set(ids(PostAttachment) + ids(MessageAttachment))) + [999_999],
        "token_id": [1], "invitation_id": [1], "thing_id": [1, 999_999], "token": ["not-a-token"], "filename": ["css/hub.css"],
        **_library_values(ids),
    }


def _library_values(ids) -> dict[str, list]:
    from hub.library.models import Collection, Resource, ResourceFile
    from hub.projects.models import Measure, MeasureSetItem, Project
    return {"resource_id": ids(Resource) + [999_999], "file_id": ids(ResourceFile) + [999_999],
            "collection_id": ids(Collection) + [999_999], "project_id": ids(Project) + [999_999],
            "measure_id": ids(Measure) + [999_999], "item_id": ids(MeasureSetItem) + [999_999]}


def _urls(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = [n for n in rule.arguments if n not in (rule.defaults or {})]
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
            body = client.get(url).get_data().decode("utf-8", "replace")  # (PNGs and PDFs are bytes)
            for canary in CANARIES:
                if canary in body:
                    seen[canary].add(persona)
    for canary, (may, must) in CANARIES.items():
        assert seen[canary] <= may, f"{canary} leaked to {seen[canary] - may}"
        assert must <= seen[canary], f"{canary} never reached {must - seen[canary]}"


def test_search_finds_each_canary_only_for_who_may_see_it(app, planted):
    """Search surfaces (page, API, typeahead, similar threads, suggestions) asked for every canary."""
    # (A number is not a word: the small cell's rate is a data canary, swept over every page and
    # answer above; searching for it would only find the page that echoes the query.)
    words_only = {c: v for c, v in CANARIES.items() if not c[0].isdigit()}
    seen: dict[str, set] = {c: set() for c in CANARIES}
    for persona in PERSONAS:
        client = app.test_client()
        if persona != "anon":
            login(client, getattr(planted, persona))
        for canary in words_only:
            words = canary.replace("-", " ")
            for url in (f"/search?q={words}", f"/search?q={words}&sort=newest", f'/search?q="{words}"',
                        f"/search?q={words[:-1]}", f"/api/v1/search?q={words}", f"/api/v1/search?q={words}&typeahead=1",
                        f"/api/v1/search/similar?title={words}"):
                text = shown_text(client.get(url).get_data(as_text=True))
                for other in CANARIES:
                    if other in text:
                        seen[other].add(persona)
    for canary, (may, _must) in CANARIES.items():
        assert seen[canary] <= may, f"{canary} leaked through search to {seen[canary] - may}"
    # Search finds what it should, too: the secret thread for its members, the team thread for its team.
    assert {"member", "facilitator"} <= seen["CANARY-SECRET-THREAD-TITLE"]
    assert "participant" in seen["CANARY-TEAM-THREAD"]
    assert not any("CANARY-SECRET-OPENING" in text for text in _search_index_text(app)), \
        "an edited-away opening left the index"


def _search_index_text(app) -> list:
    from hub import search
    with search.open_searcher(search.get_index()) as searcher:
        return [fields.get("body", "") + fields.get("title", "") for fields in searcher.all_stored_fields()]


def test_no_email_or_digest_carries_words_from_team_or_affinity_spaces(app, planted):
    """Mentions, replies and flags were emailed at once to people who asked for that; digests
    go out too. Words from team and affinity spaces never travel by email: only counts."""
    from hub.notify import email
    from hub.notify.models import EmailSettings
    outbox = Path(app.config["OUTBOX_DIR"])
    _wait_for_quiet(outbox)
    immediate = _read(outbox)
    assert immediate, "the immediate emails were sent"
    for settings in db.session.scalars(db.select(EmailSettings)):
        settings.frequency = "daily"
    db.session.commit()
    email.send_digests("daily")
    everything = _read(outbox)
    # Cohort words may be emailed; hidden and deleted cohort posts may have left before they were withdrawn.
    private = [c for c in CANARIES if c not in ("CANARY-NOTIFICATION", "CANARY-HIDDEN-POST", "CANARY-DELETED-POST")]
    assert any("private space" in text for text in everything), "private notifications are counted"
    for text in everything:
        for canary in private + ["Secret Circle", "Listed Caucus", "Clinic Team"]:
            assert canary not in text, f"{canary} reached an email"


def _read(outbox: Path) -> list[str]:
    import email as email_lib
    from email import policy as email_policy
    texts = []
    for path in sorted(outbox.glob("*.eml")):
        message = email_lib.message_from_bytes(path.read_bytes(), policy=email_policy.default)
        texts.append(str(message["Subject"]) + "\n" + message.get_body(("plain",)).get_content())
    return texts


def _wait_for_quiet(outbox: Path, seconds: float = 10) -> None:
    """Immediate emails leave in background tasks: wait until the outbox stops growing."""
    deadline, last, stable = time.monotonic() + seconds, -1, 0
    while time.monotonic() < deadline and stable < 5:
        count = len(list(outbox.glob("*.eml")))
        stable = stable + 1 if count == last and count else 0
        last = count
        time.sleep(0.1)


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


# ---------------------------------------------------------------- writes with nothing in them

WRITE_ORDER = {"PATCH": 0, "PUT": 1, "POST": 2, "DELETE": 3}  # deletions last: they take things away


def _write_urls(app, values):
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}, key=WRITE_ORDER.get)
        if not methods or not rule.rule.startswith("/api/v1"):
            continue
        names = [n for n in rule.arguments if n not in (rule.defaults or {})]
        for combo in itertools.product(*[values.get(n, [1, 999_999]) for n in names]):
            url = rule.rule
            for name, value in zip(names, combo):
                url = re.sub(r"<(?:[^:>]+:)?" + name + ">", str(value), url)
            for method in methods:
                yield method, url


def test_a_write_with_an_empty_body_tells_no_one_anything(tmp_path):
    """Issue 26: an empty PATCH answered a secret space's name to anyone. Every write the API has,
    sent `{}` by each persona with a token, must ask the policy before it answers: no canary the
    persona may not see is in any answer, whatever its status. Each persona writes in a freshly
    planted collaborative of its own (an empty write may still do something, like submitting a
    draft, which would change who may see what for the next persona)."""
    from hub.auth import tokens
    from tests.conftest import _inside, make_app, make_world
    for persona in [p for p in PERSONAS if p != "anon"]:
        for app in _inside(make_app(tmp_path / persona)):
            planted = _plant_in(app, make_world())
            values = _values(planted)
            writes = sorted(set(_write_urls(app, values)), key=lambda w: (WRITE_ORDER[w[0]], w[1]))
            assert len(writes) > 70
            with app.test_request_context():
                plain = tokens.create_token(getattr(planted, persona), "sweep")[1]
            client, headers = app.test_client(), {"Authorization": f"Bearer {plain}"}
            leaked = set()
            for method, url in writes:
                answer = client.open(url, method=method, json={}, headers=headers)
                assert answer.status_code < 500, (persona, method, url, answer.status_code)
                body = answer.get_data(as_text=True)
                leaked |= {(c, method, url) for c, (may, _must) in CANARIES.items() if c in body and persona not in may}
            assert not leaked, f"{persona} was answered canaries by empty writes: {sorted(leaked)}"
            if persona == "participant":  # without credentials, every write is refused before anything
                anon = app.test_client()
                for method, url in writes[:: max(1, len(writes) // 40)]:
                    assert anon.open(url, method=method, json={}).status_code == 401, (method, url)


def _plant_in(app, world):
    with app.test_request_context():
        return _plant(world)


# ---------------------------------------------------------------- sockets on a token

def test_token_sockets_hear_exactly_what_their_persona_may_and_nothing_once_revoked(app, planted):
    """Issue 26: a socket opened with a personal access token kept hearing channel messages after
    the token was revoked. Every persona connects with a token and tries every channel: what they
    hear is what they may see; once their tokens are revoked, their sockets are cut and hear no more."""
    from hub.auth import tokens
    from hub.auth.models import ApiToken
    from hub.chat import services as chat
    from hub.chat.models import Channel
    from tests.helpers.chat import chat_socket, emit

    personas = [p for p in PERSONAS if p != "anon"]
    channel_ids = list(db.session.scalars(db.select(Channel.id))) + [999_999]
    sockets = {}
    heard: dict[str, set] = {c: set() for c in CANARIES}
    with app.test_request_context():
        plain = {p: tokens.create_token(getattr(planted, p), "socket")[1] for p in personas}
    for persona in personas:
        sock = chat_socket(app, app.test_client(), auth={"token": plain[persona]})
        sockets[persona] = sock
        for channel_id in channel_ids:
            text = repr(emit(sock, "join", {"channel_id": channel_id, "after_seq": 0}))
            for canary in CANARIES:
                if canary in text:
                    heard[canary].add(persona)
    for canary, (may, _must) in CANARIES.items():
        assert heard[canary] <= may, f"{canary} reached a token socket of {heard[canary] - may}"
    assert {"member", "facilitator"} <= heard["CANARY-CHAT-SECRET-MESSAGE"], "token sockets do hear their own"
    for persona in personas:
        sockets[persona].get_received("/chat")
    with app.test_request_context():
        for persona in personas:
            person = getattr(planted, persona)
            for token in db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == person.id,
                                                                      ApiToken.revoked_at.is_(None))):
                tokens.revoke_token(person, token)
        caucus = db.session.scalar(db.select(Channel).where(Channel.name == "CANARY-CHAT-SECRET-CHANNEL"))
        chat.send(planted.member, caucus, {"body": "after every token was revoked", "client_id": "after-revoke"})
    for persona, sock in sockets.items():
        assert not sock.is_connected("/chat"), f"{persona}'s token socket is still connected"
