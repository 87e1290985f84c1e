"""On random worlds, the policy's four shapes agree: scope and audience list exactly what the
predicate allows. The predicate is written per object and the scope as SQL on purpose."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, select

from hub import policy
from hub.extensions import db
from hub.people.models import AnonymousUser, Cohort, Organization, Team, TeamMembership, User
from hub.spaces import services as spaces
from hub.spaces.models import Space, SpaceMembership

users_st = st.lists(st.tuples(st.sampled_from(["participant", "facilitator", "admin"]), st.booleans()),
                    min_size=1, max_size=6)
worlds = st.fixed_dictionaries({
    "users": users_st,
    "teams": st.integers(0, 3),
    "cohorts": st.lists(st.lists(st.integers(0, 2), max_size=3), max_size=2),
    "spaces": st.lists(st.tuples(st.sampled_from(["community", "affinity"]),
                                 st.sampled_from(["community", "listed", "secret"]), st.integers(0, 2)), max_size=4),
    "team_members": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2)), max_size=8),
    "space_members": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 8), st.sampled_from(["member", "facilitator"]),
                                        st.integers(0, 2)), max_size=10),
    "archived": st.lists(st.integers(0, 8), max_size=2),
})


def _wipe():
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _build(world):
    _wipe()
    with db.session.no_autoflush:
        return _populate(world)


def _populate(world):
    org = Organization(name="Org")
    db.session.add(org)
    users = [User(email=f"u{i}@example.org", name=f"U{i}", site_role=role, active=active)
             for i, (role, active) in enumerate(world["users"])]
    db.session.add_all(users)
    teams = [Team(name=f"T{i}", organization=org, space=spaces.new_space("team", f"T{i}")) for i in range(world["teams"])]
    db.session.add_all(teams)
    cohorts = []
    for i, team_idx in enumerate(world["cohorts"]):
        members = list({teams[t] for t in team_idx if t < len(teams)})
        cohorts.append(Cohort(name=f"C{i}", program="learning_network", space=spaces.new_space("cohort", f"C{i}"),
                              teams=members))
    db.session.add_all(cohorts)
    other = [spaces.new_space(kind, f"S{i}", visibility=vis, agreement_version=version)
             for i, (kind, vis, version) in enumerate(world["spaces"])]
    db.session.flush()
    all_spaces = [t.space for t in teams] + [c.space for c in cohorts] + other
    seen = set()
    for u, t in world["team_members"]:
        if u < len(users) and t < len(teams) and (u, t) not in seen:
            seen.add((u, t))
            db.session.add(TeamMembership(team_id=teams[t].id, user_id=users[u].id))
    seen = set()
    for u, s, role, accepted in world["space_members"]:
        if u < len(users) and s < len(all_spaces) and (u, s) not in seen:
            seen.add((u, s))
            db.session.add(SpaceMembership(space_id=all_spaces[s].id, user_id=users[u].id, role=role,
                                           agreement_accepted_version=accepted))
    for s in world["archived"]:
        if s < len(all_spaces):
            all_spaces[s].archived_at = db.func.now()
    db.session.commit()
    db.session.expire_all()
    return users, all_spaces


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_scope_audience_and_predicate_agree(app, world):
    users, all_spaces = _build(world)
    viewers = users + [AnonymousUser()]
    for viewer in viewers:
        visible = policy.visible_space_ids(viewer)
        scoped = {s.id for s in db.session.scalars(policy.scope(select(Space), viewer))}
        expected = {s.id for s in all_spaces if policy.can(viewer, "space.view", s)}
        assert visible == expected == scoped
        assert policy.discoverable_space_ids(viewer) == {s.id for s in all_spaces if policy.can(viewer, "space.discover", s)}
        assert policy.member_space_ids(viewer) == {
            s.id for s in all_spaces if policy.is_member(viewer, s) or (s.visibility == "community" and s.kind != "affinity"
                                                                      and policy.signed_in(viewer))}
        people = {p.id for p in db.session.scalars(policy.scope(select(User), viewer))}
        assert people == {p.id for p in users if policy.can(viewer, "person.view", p)}
    for space in all_spaces:
        assert policy.audience(space) == {u.id for u in users if policy.can(u, "space.view", space)}
        if space.kind == "affinity":
            # Never readable by someone who is not a member, whatever their site role.
            assert policy.audience(space) <= {u.id for u in users if policy.is_member(u, space)}
        for viewer in viewers:
            # The composite rules: a member list for readers and moderators; announcements by
            # moderators only; a space's words in email never from team or affinity spaces.
            manages = policy.can(viewer, "space.manage", space)
            assert policy.can(viewer, "space.list_members", space) is (manages or policy.can(viewer, "space.view", space))
            assert policy.can(viewer, "space.announce", space) is manages
            assert policy.can(viewer, "space.email_words", space) is (space.kind not in ("team", "affinity"))
    for person in users:
        assert policy.audience(person) == {u.id for u in users if policy.can(u, "person.view", person)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds, body=st.sampled_from([{}, {"archived": False}, {"name": "Renamed"}]))
def test_a_space_write_asks_the_policy_first_whatever_its_body(app, world, body):
    """Issue 26: an empty PATCH never asked. On random worlds, updating a space with an empty or a
    small body is refused exactly as the policy says: NotFound unless the person may know the
    space exists, Forbidden unless they may make that change; and a refusal changes nothing."""
    from werkzeug.exceptions import Forbidden, NotFound

    from hub.spaces import membership
    users, all_spaces = _build(world)
    action = "space.administer" if body == {"archived": False} else "space.manage"
    for person in users + [AnonymousUser()]:
        for space in all_spaces:
            before = (space.name, space.join_policy, space.archived_at)
            known = policy.can(person, "space.discover", space) or (
                action == "space.administer" and policy.can(person, "space.administer", space))
            allowed = policy.can(person, action, space)
            try:
                membership.update_space(person, space, body)
            except NotFound:
                assert not known, (person, space, body)
            except Forbidden:
                assert known and not allowed, (person, space, body)
            else:
                assert allowed, (person, space, body)
                space.archived_at = before[2]  # as it was, for the next person's question
                db.session.commit()
                continue
            db.session.rollback()
            assert (space.name, space.join_policy, space.archived_at) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds)
def test_ties_a_callers_statement_fetched_answer_as_asking_does(app, world):
    """A page's own statement fetches the person's ties to a space (`membership_columns`), the team
    and cohort ones included; the rules read from them exactly what they read by asking."""
    users, all_spaces = _build(world)
    caucus = _caucus(False, users)
    columns = policy.membership_columns(bindparam("user_id"), bindparam("space_id"))
    for person in users:
        for space in [*all_spaces, caucus]:
            ties = policy.membership_from(db.session.execute(select(*columns),
                                                             {"user_id": person.id, "space_id": space.id}).one())
            assert policy.is_member(person, space, ties) == policy.is_member(person, space)
            assert policy.space_facts(person, space, ties) == policy.space_facts(person, space)


def test_unknown_actions_and_models_fail_closed(app):
    admin = User(email="a@example.org", name="A", site_role="admin", active=True)
    db.session.add(admin)
    db.session.commit()
    assert policy.can(admin, "space.delete_everything", None) is False
    assert list(db.session.scalars(policy.scope(select(Organization), admin))) == []
    assert policy.audience(object()) == set()


def _stagger_joining(narrow: bool, all_spaces):
    """Content lands around `base` (returned): with `narrow`, affinity spaces show newcomers only
    what came after they joined, and people joined at different times around `base`."""
    from datetime import timedelta

    from hub.extensions import utcnow

    base = utcnow()
    for space in all_spaces:
        if narrow and space.kind == "affinity":
            space.history_policy = "from_joining"
    for membership in db.session.scalars(select(SpaceMembership)):
        membership.joined_at = base + timedelta(minutes=membership.id % 3 - 1)
    return base


def _caucus(narrow: bool, users):
    """An affinity space most people belong to (some not through its agreement yet, one its
    facilitator), so that content in it always exercises "from joining" and agreement gating.
    Call it before _stagger_joining, which staggers its people's joining too."""
    caucus = spaces.new_space("affinity", "Caucus", visibility="secret", agreement_version=1,
                              history_policy="from_joining" if narrow else "full")
    db.session.flush()
    for i, person in enumerate(users):
        if i % 3 != 2:
            db.session.add(SpaceMembership(space_id=caucus.id, user_id=person.id, agreement_accepted_version=i % 4 and 1,
                                           role="facilitator" if i == 1 else "member"))
    db.session.flush()
    return caucus


# Forum content on top of the same worlds: threads and posts, some hidden or deleted, written
# before or after people joined, in spaces whose newcomers may see only what came after.
forum_worlds = st.fixed_dictionaries({
    "world": worlds,
    "narrow": st.booleans(),  # affinity spaces show newcomers only what came after they joined
    "threads": st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.integers(-2, 2),
                                  st.sampled_from(["shown", "hidden", "deleted"])), max_size=5),
    "posts": st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.integers(-2, 3),
                                st.sampled_from(["shown", "hidden", "deleted"])), max_size=8),
    # Per post: an earlier text, left in one of the spaces (its thread moved) or not.
    "left": st.lists(st.none() | st.integers(0, 8), max_size=8),
    # Per post: how many pictures or files are attached to it.
    "attached": st.lists(st.integers(0, 2), max_size=8),
    # Per space, who may start threads and who may reply in its first category.
    "rights": st.lists(st.tuples(st.sampled_from(["everyone", "facilitators"]),
                                 st.sampled_from(["everyone", "facilitators"])), min_size=9, max_size=9),
    # Flags: (post, reporter).
    "flags": st.lists(st.tuples(st.integers(0, 7), st.integers(0, 5)), max_size=4),
})

_FILE_COLUMNS = {"filename": "f.txt", "content_type": "text/plain", "type_label": "text", "size": 1, "sha256": "0" * 64}


def _add_forum(data, users, all_spaces):
    from datetime import timedelta

    from hub.forums.categories import categories_of
    from hub.forums.models import Flag, Post, PostAttachment, PostRevision, Thread

    base = _stagger_joining(data["narrow"], all_spaces)
    for space, (start, reply) in zip(all_spaces, data["rights"]):
        first = categories_of(space)[0]
        first.who_may_start, first.who_may_reply = start, reply
    threads = []
    for s, u, offset, state in data["threads"]:
        if s < len(all_spaces) and u < len(users):
            when = base + timedelta(minutes=offset)
            thread = Thread(space_id=all_spaces[s].id, category_id=categories_of(all_spaces[s])[0].id,
                            author_id=users[u].id, title="t", created_at=when, last_posted_at=when,
                            hidden_at=when if state == "hidden" else None, deleted_at=when if state == "deleted" else None)
            db.session.add(thread)
            threads.append(thread)
    db.session.flush()
    numbers: dict[int, int] = {}
    for t, u, offset, state in data["posts"]:
        if t < len(threads) and u < len(users):
            when = threads[t].created_at + timedelta(minutes=max(offset, 0))
            numbers[t] = numbers.get(t, 0) + 1
            db.session.add(Post(thread_id=threads[t].id, number=numbers[t], author_id=users[u].id, body="b",
                                body_html="b", created_at=when, hidden_at=when if state == "hidden" else None,
                                deleted_at=when if state == "deleted" else None))
    db.session.flush()
    posts = list(db.session.scalars(select(Post).order_by(Post.id)))
    for post, left in zip(posts, data["left"]):
        left_in = all_spaces[min(left, len(all_spaces) - 1)].id if left is not None else None
        db.session.add(PostRevision(post_id=post.id, number=1, body="r", editor_id=post.author_id,
                                    left_in_space_id=left_in))
    for post, count in zip(posts, data["attached"]):
        db.session.add_all(PostAttachment(post_id=post.id, uploader_id=post.author_id, **_FILE_COLUMNS)
                           for _ in range(count))
    for p, u in data["flags"]:
        if p < len(posts) and u < len(users):
            db.session.add(Flag(post_id=posts[p].id, reporter_id=users[u].id, reason="spam"))
    db.session.commit()
    db.session.expire_all()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=forum_worlds)
def test_forum_scope_audience_and_predicate_agree(app, data):
    from hub.forums.models import Flag, Post, PostAttachment, PostRevision, Thread

    users, all_spaces = _build(data["world"])
    _add_forum(data, users, all_spaces)
    threads = list(db.session.scalars(select(Thread)))
    posts = list(db.session.scalars(select(Post)))
    revisions = list(db.session.scalars(select(PostRevision)))
    files = list(db.session.scalars(select(PostAttachment)))
    for viewer in users + [AnonymousUser()]:
        asker = policy.Asker(viewer)
        scoped = {t.id for t in db.session.scalars(policy.scope(select(Thread), viewer))}
        assert scoped == {t.id for t in threads if policy.can(viewer, "thread.view", t)}
        assert scoped == {t.id for t in threads if asker.can("thread.view", t)}
        scoped_posts = {p.id for p in db.session.scalars(policy.scope(select(Post), viewer))}
        assert scoped_posts == {p.id for p in posts if policy.can(viewer, "post.view", p)}
        scoped_revisions = set(db.session.scalars(policy.scope(select(PostRevision.id), viewer)))
        assert scoped_revisions == {r.id for r in revisions if policy.can(viewer, "revision.view", r)}
        # A post's attachments: exactly its readers, in every shape.
        scoped_files = set(db.session.scalars(policy.scope(select(PostAttachment.id), viewer)))
        assert scoped_files == {a.id for a in files if policy.can(viewer, "post_attachment.view", a)}
        assert scoped_files == {a.id for a in files if policy.can(viewer, "post.view", a.post)}
        for thread in threads:
            # The thread page's shortcut clause agrees with the predicate too.
            shortcut = set(db.session.scalars(select(Post.id).where(policy.posts_of_thread_clause(viewer, thread))))
            assert shortcut == {p.id for p in posts if p.thread_id == thread.id and policy.can(viewer, "post.view", p)}
            page = policy.permissions(viewer, thread, [p for p in posts if p.thread_id == thread.id])
            for post in (p for p in posts if p.thread_id == thread.id):
                for action, allowed in page[post.id].items():
                    assert allowed == policy.can(viewer, action, post), (action, post.id)
    _forum_rights_agree(users, all_spaces, threads)
    flags = list(db.session.scalars(select(Flag)))
    for viewer in users + [AnonymousUser()]:
        scoped_flags = {f.id for f in db.session.scalars(policy.scope(select(Flag), viewer))}
        assert scoped_flags == {f.id for f in flags if policy.can(viewer, "flag.review", f)}
    for flag in flags:
        # Who hears of a flag (its notification) is exactly who may review it.
        assert policy.audience(flag) == {u.id for u in users if policy.can(u, "flag.review", flag)}
        some = {u.id for u in users[::2]}
        assert policy.audience(flag, among=some) == policy.audience(flag) & some
    for thread in threads:
        assert policy.audience(thread) == {u.id for u in users if policy.can(u, "thread.view", thread)}
    for post in posts:
        assert policy.audience(post) == {u.id for u in users if policy.can(u, "post.view", post)}
        some = {u.id for u in users[::2]}
        assert policy.audience(post, among=some) == policy.audience(post) & some
    for revision in revisions:
        assert policy.audience(revision) == {u.id for u in users if policy.can(u, "revision.view", revision)}
        some = {u.id for u in users[::2]}
        assert policy.audience(revision, among=some) == policy.audience(revision) & some
    for attachment in files:
        assert policy.audience(attachment) == {u.id for u in users if policy.can(u, "post_attachment.view", attachment)}
        assert policy.audience(attachment) == policy.audience(attachment.post)
        some = {u.id for u in users[::2]}
        assert policy.audience(attachment, among=some) == policy.audience(attachment) & some


def _forum_rights_agree(users, all_spaces, threads):
    """Categories' posting rights and the moves between them: the page's answers (permissions), an
    Asker's and the predicate's agree; a facilitators-only category opens to its space's moderators
    only; the New thread form offers exactly the categories one may start threads in; a move is
    allowed only to a moderator of both ends, never out of an affinity space or into an archived one."""
    from hub.forums.categories import categories_of, startable
    from hub.forums.models import Post

    firsts = [categories_of(space)[0] for space in all_spaces]
    for viewer in users + [AnonymousUser()]:
        asker = policy.Asker(viewer)
        for thread in threads:
            posts = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id)))
            page = policy.permissions(viewer, thread, posts)["thread"]
            for action, allowed in page.items():
                assert allowed == policy.can(viewer, action, thread) == asker.can(action, thread), (action, thread.id)
            if page["thread.reply"]:
                assert page["thread.view"] and (thread.category.who_may_reply == "everyone"
                                                or policy.can(viewer, "space.manage", thread.space))
            for category in firsts:
                to = policy.Destination(thread, category)
                moves = policy.can(viewer, "thread.move_into", to)
                assert moves == asker.can("thread.move_into", to), (thread.id, category.id)
                if moves:
                    assert policy.can(viewer, "thread.moderate", thread)
                    assert policy.can(viewer, "category.manage", category) and not category.space.is_archived
                    assert category.space_id == thread.space_id or thread.space.kind != "affinity"
        for space in all_spaces:
            offered = {c.id for c in startable(viewer, space)}
            for category in categories_of(space):
                starts = policy.can(viewer, "category.start_thread", category)
                assert starts == asker.can("category.start_thread", category) == (category.id in offered)
                assert starts == (policy.can(viewer, "space.post", space) and (
                    category.who_may_start == "everyone" or policy.can(viewer, "space.manage", space)))
            for action in ("category.view", "category.manage"):
                assert policy.can(viewer, action, firsts[all_spaces.index(space)]) == \
                    asker.can(action, firsts[all_spaces.index(space)])


# Library content on the same worlds: resources in every status, some hidden or deleted, written
# before or after people joined narrow-history spaces; their files, adoptions (shared or
# team-only), collections, and a helpful vote from everyone for everything.
library_worlds = st.fixed_dictionaries({
    "world": worlds,
    "narrow": st.booleans(),
    "resources": st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.integers(-2, 2),
                                    st.sampled_from(["draft", "submitted", "changes_requested", "declined",
                                                     "published"]),
                                    st.sampled_from(["shown", "shown", "hidden", "deleted"])), max_size=6),
    "adoptions": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.booleans()), max_size=4),
    "collections": st.lists(st.integers(0, 8), max_size=3),
    # Edits proposed to resources (by anyone, in any state), each bringing a file of its own.
    "edits": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5),
                                st.sampled_from(["submitted", "changes_requested", "approved", "declined",
                                                 "withdrawn"])),
                      max_size=3),
    # Per resource: an earlier version and a replaced file, left in one of the spaces (a move) or not.
    "left": st.lists(st.none() | st.integers(0, 8), max_size=6),
})


def _add_library(data, users, all_spaces):
    from datetime import date, timedelta

    from hub.library.models import Adoption, Collection, Resource, ResourceEdit, ResourceFile, ResourceVersion, Vote

    # A resource whose space is past the world's lands in the caucus: history cuts always matter.
    places = all_spaces + [_caucus(data["narrow"], users)]
    base = _stagger_joining(data["narrow"], all_spaces)
    resources = []
    for s, u, offset, status, state in data["resources"]:
        when = base + timedelta(minutes=offset)
        resource = Resource(space_id=places[min(s, len(places) - 1)].id, author_id=users[u % len(users)].id,
                            title="r", status=status, created_at=when, updated_at=when,
                            hidden_at=when if state == "hidden" else None, deleted_at=when if state == "deleted" else None)
        db.session.add(resource)
        resources.append(resource)
    db.session.flush()
    for i, resource in enumerate(resources):
        db.session.add(ResourceFile(resource_id=resource.id, uploader_id=resource.author_id, filename="f.txt",
                                    content_type="text/plain", type_label="text", size=1, sha256="0" * 64))
        if i < len(data["left"]) and all_spaces:
            left = data["left"][i]
            left_in = all_spaces[min(left, len(all_spaces) - 1)].id if left is not None else None
            db.session.add(ResourceVersion(resource_id=resource.id, number=1, title="v", editor_id=resource.author_id,
                                           left_in_space_id=left_in))
            db.session.add(ResourceFile(resource_id=resource.id, uploader_id=resource.author_id, filename="o.txt",
                                        content_type="text/plain", type_label="text", size=1, sha256="0" * 64,
                                        superseded_at=resource.created_at, left_in_space_id=left_in))
    teams = list(db.session.scalars(select(Team).order_by(Team.id)))
    for r, t, shared in data["adoptions"]:
        if r < len(resources) and t < len(teams):
            db.session.add(Adoption(resource_id=resources[r].id, team_id=teams[t].id, recorded_by_id=users[0].id,
                                    tried_on=date(2026, 1, 1), shared=shared))
    for s in data["collections"]:
        if s < len(all_spaces):
            db.session.add(Collection(space_id=all_spaces[s].id, created_by_id=users[0].id, title="c"))
    for r, u, status in data["edits"]:
        if r < len(resources):
            edit = ResourceEdit(resource_id=resources[r].id, editor_id=users[u % len(users)].id, status=status,
                                based_on_version=1, title="e")
            db.session.add(edit)
            db.session.flush()
            db.session.add(ResourceFile(resource_id=resources[r].id, uploader_id=edit.editor_id, filename="e.txt",
                                        content_type="text/plain", type_label="text", size=1, sha256="0" * 64,
                                        edit_id=edit.id))
    db.session.add_all(Vote(resource_id=r.id, user_id=u.id) for r in resources for u in users)
    db.session.commit()
    db.session.expire_all()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=library_worlds)
def test_library_scope_audience_and_predicate_agree(app, data):
    from hub.library import queries
    from hub.library.models import Adoption, Collection, Resource, ResourceEdit, ResourceFile, ResourceVersion

    users, all_spaces = _build(data["world"])
    _add_library(data, users, all_spaces)
    actions = {Resource: "resource.view", ResourceFile: "file.view", ResourceVersion: "version.view",
               Adoption: "adoption.view", Collection: "collection.view", ResourceEdit: "resource_edit.view"}
    rows = {model: list(db.session.scalars(select(model))) for model in actions}
    for viewer in users + [AnonymousUser()]:
        asker = policy.Asker(viewer)
        for model, action in actions.items():
            scoped = {r.id for r in db.session.scalars(policy.scope(select(model), viewer))}
            assert scoped == {r.id for r in rows[model] if policy.can(viewer, action, r)}, (model.__name__, viewer)
        for resource in rows[Resource]:
            page = policy.resource_asker_rules(asker, resource)
            for name, allowed in page.items():
                assert allowed == policy.can(viewer, name, resource), (name, resource.id)
        for edit in rows[ResourceEdit]:
            # Reviewing an edit is for those who moderate the space, while it waits; an editor
            # who does not moderate only ever sees their own.
            reviews = policy.can(viewer, "resource_edit.review", edit)
            assert reviews == (policy.can(viewer, "resource_edit.view", edit) and edit.status == "submitted"
                               and policy.can(viewer, "space.manage", edit.resource.space)), edit.id
            if policy.can(viewer, "resource_edit.view", edit) and not policy.can(viewer, "space.manage",
                                                                               edit.resource.space):
                assert edit.editor_id == viewer.id
    for model, action in actions.items():
        for row in rows[model]:
            assert policy.audience(row) == {u.id for u in users if policy.can(u, action, row)}, (model.__name__, row.id)
        some = {u.id for u in users[::2]}
        for row in rows[model]:
            assert policy.audience(row, among=some) == policy.audience(row) & some
    # The SQL twin of a resource's audience names the same people, so a helpful count (everyone
    # voted for everything) is the audience's size, and the who-voted list never names more.
    _tried, helpful = queries.counts(users[0], [r.id for r in rows[Resource]])
    for resource in rows[Resource]:
        readers = set(db.session.scalars(select(User.id).where(policy.reads_resource_clause(User.id, resource.id))))
        assert readers == policy.audience(resource) and helpful.get(resource.id, 0) == len(readers), resource.id
        for viewer in users:
            if policy.can(viewer, "resource.view", resource):
                assert {p.id for p in queries.voters(viewer, resource)} <= readers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=library_worlds)
def test_library_reviewer_audience_and_predicate_agree(app, data):
    """Who a submission or a held edit asks for review, in its two spellings. It is narrower than
    who may review: admins, and site facilitators where the space has facilitators of its own,
    review from the queue without being asked; everyone else who may review is asked."""
    from hub.library.models import Resource, ResourceEdit

    users, all_spaces = _build(data["world"])
    _add_library(data, users, all_spaces)
    some = {u.id for u in users[1::2]}
    for model, review, asked_action in ((Resource, "resource.review", "resource.asked_to_review"),
                                        (ResourceEdit, "resource_edit.review", "resource_edit.asked_to_review")):
        for row in db.session.scalars(select(model)):
            asked = {u.id for u in users if policy.can(u, asked_action, row)}
            assert policy.reviewer_audience(row) == asked, (model.__name__, row.id)
            assert policy.reviewer_audience(row, among=some) == asked & some
            may_review = {u.id for u in users if policy.can(u, review, row)}
            space = (row.resource if model is ResourceEdit else row).space
            own = {m.user_id for m in db.session.scalars(select(SpaceMembership).where(
                SpaceMembership.space_id == space.id, SpaceMembership.role == "facilitator"))}
            assert asked <= may_review
            assert {u.id for u in users if u.id in may_review and u.site_role not in policy.STAFF_ROLES} <= asked
            if not own and space.kind != "affinity":
                assert asked == {u.id for u in users if u.id in may_review and u.site_role == "facilitator"}
            else:
                assert asked <= own


# Chat on top of the same worlds: channels in spaces (some archived), direct conversations
# among random people, messages written before or after people joined narrow-history spaces.
chat_worlds = st.fixed_dictionaries({
    "world": worlds,
    "narrow": st.booleans(),
    "channels": st.lists(st.tuples(st.integers(0, 8), st.booleans()), max_size=3),
    "dms": st.lists(st.lists(st.integers(0, 5), min_size=2, max_size=4), max_size=2),
    "messages": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(-2, 2), st.booleans()),
                         min_size=2, max_size=12),
    # Per message: how many pictures or files are attached to it.
    "attached": st.lists(st.integers(0, 2), max_size=12),
    # Sidebar choices: (person, channel, joined or left).
    "subscriptions": st.lists(st.tuples(st.integers(0, 8), st.integers(0, 5), st.booleans()), max_size=6),
})


def _add_chat(data, users, all_spaces):
    from datetime import timedelta

    from hub.chat.models import Channel, ChannelParticipant, ChannelSubscription, Message, MessageAttachment

    # Always one affinity space with a channel.
    caucus = _caucus(data["narrow"], users)
    base = _stagger_joining(data["narrow"], all_spaces)
    channels = [Channel(kind="space", space_id=caucus.id, name="caucus", slug="caucus")]
    for s, archived in data["channels"]:
        if s < len(all_spaces):
            # Counted from the end, so the affinity and community spaces get channels most often.
            channels.append(Channel(kind="space", space_id=all_spaces[-1 - s].id, name=f"c{len(channels)}",
                                    slug=f"c{len(channels)}", archived_at=base if archived else None))
    for i, people in enumerate(data["dms"]):
        ids = sorted({users[p].id for p in people if p < len(users)})
        if len(ids) >= 2:
            channels.append(Channel(kind="dm", dm_key=f"k{i}-" + ",".join(map(str, ids)),
                                    participants=[ChannelParticipant(user_id=u) for u in ids]))
    db.session.add_all(channels)
    db.session.flush()
    for n, (c, u, offset, deleted) in enumerate(data["messages"]):
        if c < len(channels) and u < len(users):
            when = base + timedelta(minutes=offset)
            db.session.add(Message(channel_id=channels[c].id, seq=n + 1, updated_seq=n + 1, author_id=users[u].id,
                                   client_id=f"m{n}", body="b", body_html="b", created_at=when,
                                   deleted_at=when if deleted else None))
    db.session.flush()
    for message, count in zip(db.session.scalars(select(Message).order_by(Message.id)), data["attached"]):
        db.session.add_all(MessageAttachment(message_id=message.id, uploader_id=message.author_id, **_FILE_COLUMNS)
                           for _ in range(count))
    chosen = {(users[u].id, channels[c].id): joined for u, c, joined in data["subscriptions"]
              if u < len(users) and c < len(channels)}
    db.session.add_all(ChannelSubscription(user_id=u, channel_id=c, joined=j) for (u, c), j in chosen.items())
    db.session.commit()
    db.session.expire_all()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=chat_worlds)
def test_chat_scope_audience_and_predicate_agree(app, data):
    from hub.chat.models import Channel, Message, MessageAttachment

    users, all_spaces = _build(data["world"])
    _add_chat(data, users, all_spaces)
    channels = list(db.session.scalars(select(Channel)))
    messages = list(db.session.scalars(select(Message)))
    files = list(db.session.scalars(select(MessageAttachment)))
    for viewer in users + [AnonymousUser()]:
        scoped = {c.id for c in db.session.scalars(policy.scope(select(Channel), viewer))}
        assert scoped == {c.id for c in channels if policy.can(viewer, "channel.view", c)}
        scoped_messages = {m.id for m in db.session.scalars(policy.scope(select(Message), viewer))}
        assert scoped_messages == {m.id for m in messages if policy.can(viewer, "message.view", m)}
        # A message's attachments: its readers', while it is not deleted.
        scoped_files = {a.id for a in db.session.scalars(policy.scope(select(MessageAttachment), viewer))}
        assert scoped_files == {a.id for a in files if policy.can(viewer, "message_attachment.view", a)}
        assert scoped_files == {a.id for a in files if a.message.deleted_at is None
                                and policy.can(viewer, "message.view", a.message)}
        for channel in channels:
            if channel.kind == "dm":
                assert policy.can(viewer, "channel.view", channel) is (
                    policy.signed_in(viewer) and viewer.id in channel.participant_ids)
            shortcut = set(db.session.scalars(select(Message.id).where(policy.messages_of_channel_clause(viewer, channel))))
            assert shortcut == {m.id for m in messages if m.channel_id == channel.id and policy.can(viewer, "message.view", m)}
            page = policy.message_permissions(viewer, channel, [m for m in messages if m.channel_id == channel.id])
            for message in (m for m in messages if m.channel_id == channel.id):
                for action, allowed in page[message.id].items():
                    assert allowed == policy.can(viewer, action, message), (action, message.id)
                if policy.can(viewer, "message.edit", message):
                    assert message.author_id == viewer.id and policy.can(viewer, "channel.post", channel)
    for channel in channels:
        assert policy.audience(channel) == {u.id for u in users if policy.can(u, "channel.view", channel)}
        # The sidebar: listed only where readable, and the same in its three spellings.
        listed = {u.id for u in users if policy.can(u, "channel.list", channel)}
        assert listed <= policy.audience(channel)
        assert policy.sidebar_audience(channel) == listed
        assert policy.sidebar_audience(channel, among={u.id for u in users[1::2]}) == listed & {u.id for u in users[1::2]}
    for viewer in users + [AnonymousUser()]:
        in_sidebar = set(db.session.scalars(select(Channel.id).where(policy.sidebar_clause(viewer))))
        assert in_sidebar == {c.id for c in channels if policy.can(viewer, "channel.list", c)}
    for message in messages:
        assert policy.audience(message) == {u.id for u in users if policy.can(u, "message.view", message)}
    for attachment in files:
        readers = {u.id for u in users if policy.can(u, "message_attachment.view", attachment)}
        assert policy.audience(attachment) == readers
        some = {u.id for u in users[::2]}
        assert policy.audience(attachment, among=some) == readers & some


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds, shares=st.lists(st.tuples(st.sampled_from(["team", "cohort", "community"]), st.booleans()),
                                     min_size=1, max_size=4),
       stewards=st.lists(st.integers(0, 5), max_size=2))
def test_projects_scope_audience_and_predicate_agree(app, world, shares, stewards):
    """Issue 19: on random worlds, a project (shared with its team, cohort or community, or
    deleted) is listed by scope and reached by its audience exactly for who may view it; who may
    change it or see its raw counts may always view it; a measure follows its project."""
    from hub.projects.models import Measure, Project
    users, _spaces = _build(world)
    teams = db.session.scalars(select(Team).order_by(Team.id)).all()
    if not teams:
        return
    for u in stewards:
        if u < len(users):
            users[u].data_staff = True
    projects = []
    for i, (visibility, deleted) in enumerate(shares):
        team = teams[i % len(teams)]
        project = Project(team_id=team.id, space_id=team.space_id, title=f"P{i}", visibility=visibility,
                          created_by_id=users[0].id, deleted_at=db.func.now() if deleted else None)
        project.measures.append(Measure(name=f"M{i}"))
        projects.append(project)
    db.session.add_all(projects)
    db.session.commit()
    db.session.expire_all()
    for user in [*users, AnonymousUser()]:
        listed = set(db.session.scalars(policy.scope(select(Project.id), user)))
        allowed = {p.id for p in projects if policy.can(user, "project.view", p)}
        assert listed == allowed, (user.id if user.is_authenticated else "anon", listed, allowed)
        measures = set(db.session.scalars(policy.scope(select(Measure.id), user)))
        assert measures == {m.id for p in projects for m in p.measures if policy.can(user, "measure.view", m)}
        for p in projects:
            if policy.can(user, "project.edit", p) or policy.can(user, "project.view_raw", p):
                assert policy.can(user, "project.view", p)
    for p in projects:
        assert policy.audience(p) == {u.id for u in users if u.active and policy.can(u, "project.view", p)}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=worlds, items=st.lists(st.integers(0, 1), min_size=1, max_size=3))
def test_measure_set_scope_audience_and_predicate_agree(app, world, items):
    """Issue 19: on random worlds, a cohort's network measure set and its items are listed by
    scope and reached by their audience exactly for who may view them; who may publish or edit
    may always view; adopting needs the project's edit rights and its team in the cohort."""
    from hub.projects.models import MeasureSet, MeasureSetItem, MeasureSetItemVersion, Project
    users, _spaces = _build(world)
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.id)).all()
    if not cohorts:
        return
    sets = [MeasureSet(cohort_id=c.id) for c in cohorts]
    db.session.add_all(sets)
    made = []
    for i, which in enumerate(items):
        item = MeasureSetItem(measure_set=sets[which % len(sets)], created_by_id=users[0].id)
        item.versions.append(MeasureSetItemVersion(number=1, name=f"N{i}", published_by_id=users[0].id))
        made.append(item)
    db.session.add_all(made)
    projects = [Project(team_id=t.id, space_id=t.space_id, title=t.name, created_by_id=users[0].id)
                for t in db.session.scalars(select(Team).order_by(Team.id))]
    db.session.add_all(projects)
    db.session.commit()
    db.session.expire_all()
    for user in [*users, AnonymousUser()]:
        listed = set(db.session.scalars(policy.scope(select(MeasureSet.id), user)))
        assert listed == {s.id for s in sets if policy.can(user, "measure_set.view", s)}
        listed = set(db.session.scalars(policy.scope(select(MeasureSetItem.id), user)))
        assert listed == {i.id for i in made if policy.can(user, "measure_set_item.view", i)}
        for item in made:
            if policy.can(user, "measure_set_item.edit", item) or policy.can(user, "measure_set_item.remind", item):
                assert policy.can(user, "measure_set_item.view", item)
            for project in projects:
                in_cohort = project.team_id in {t.id for t in item.measure_set.cohort.teams}
                expected = (in_cohort and policy.can(user, "project.edit", project)
                            and policy.can(user, "measure_set_item.view", item))
                assert policy.can(user, "measure_set_item.adopt", (item, project)) == expected
    for item in made:
        assert policy.audience(item) == {u.id for u in users if u.active and policy.can(u, "measure_set_item.view",
                                                                                        item)}
