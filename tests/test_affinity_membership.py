"""The affinity membership flow: request, decide, invite, agreement, leave, remove; audit and
notifications, each re-checked against the policy at the moment of use."""
from __future__ import annotations

from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.notify.models import Notification
from hub.spaces.models import AuditEvent, JoinRequest, Space
from tests.helpers import api_write, login, post_form


def _signed_in(app, person):
    client = app.test_client()
    login(client, person)
    return client


def _actions(space) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.space_id == space.id)
                                   .order_by(AuditEvent.id)))


def test_facilitator_creates_a_space_and_a_request_runs_its_course(app, world):
    fac = _signed_in(app, world.facilitator)
    created = post_form(fac, "/spaces/new", {"name": "Latinx Caucus", "purpose": "Support and strategy",
                                             "agreement": "Keep **confidence**.", "visibility": "listed",
                                             "history_policy": "from_joining"}, token_from="/")
    assert created.status_code == 302
    space = db.session.scalar(select(Space).where(Space.name == "Latinx Caucus"))
    assert space.kind == "affinity" and space.join_policy == "request" and space.agreement_version == 1

    asker = _signed_in(app, world.participant)
    about = asker.get(f"/spaces/{space.slug}").get_data(as_text=True)
    assert "Ask to join" in about and "confidence" not in about, "the agreement is for members"
    post_form(asker, f"/spaces/{space.slug}/join-requests", {"message": "I lead our equity work"}, token_from="/")
    # The facilitator is told, live and in the notification centre.
    centre = fac.get("/notifications").get_data(as_text=True)
    assert "Pat Participant asked to join Latinx Caucus" in centre
    members_page = fac.get(f"/spaces/{space.slug}/members").get_data(as_text=True)
    assert "I lead our equity work" in members_page
    join = db.session.scalar(select(JoinRequest).where(JoinRequest.space_id == space.id))
    post_form(fac, f"/join-requests/{join.id}/approve", {"note": "Welcome!"}, token_from="/")
    db.session.expire_all()
    # Approved, but the agreement comes first: the space page sends them to it.
    assert asker.get(f"/spaces/{space.slug}").headers["Location"].endswith(f"/spaces/{space.slug}/agreement")
    assert not policy.can(world.participant, "space.view", space)
    refused = post_form(asker, f"/spaces/{space.slug}/agreement", {}, token_from="/")
    assert refused.status_code == 422
    post_form(asker, f"/spaces/{space.slug}/agreement", {"accept": "1"}, token_from="/")
    db.session.expire_all()
    assert policy.can(world.participant, "space.view", space)
    assert "was approved. Note: Welcome!" in asker.get("/notifications").get_data(as_text=True)
    assert _actions(space) == ["space_created", "facilitator_added", "join_requested", "request_approved", "joined",
                               "agreement_accepted"]


def test_a_changed_agreement_is_asked_again(app, world):
    fac = _signed_in(app, world.facilitator)
    post_form(fac, f"/spaces/{world.affinity.slug}/settings", {"agreement": "New rule: no screenshots."},
              token_from="/")
    db.session.expire_all()
    assert world.affinity.agreement_version >= 1
    assert not policy.can(world.member, "space.view", world.affinity), "asked again before entering"
    assert policy.can(world.facilitator, "space.view", world.affinity), "the author has read it"
    member = _signed_in(app, world.member)
    assert "/agreement" in member.get(f"/spaces/{world.affinity.slug}").headers["Location"]
    assert "agreement_changed" in _actions(world.affinity)


def test_secret_space_invitation_reveals_only_to_the_invitee(app, world):
    fac = _signed_in(app, world.facilitator)
    post_form(fac, f"/spaces/{world.secret.slug}/members", {"user_id": str(world.teammate.id)}, token_from="/")
    teammate = _signed_in(app, world.teammate)
    assert "You have 1 invitation to a space waiting." in teammate.get("/").get_data(as_text=True)
    assert world.secret.name in teammate.get("/invitations/spaces").get_data(as_text=True)
    assert world.secret.name in teammate.get("/notifications").get_data(as_text=True)
    outsider = _signed_in(app, world.participant)
    assert outsider.get(f"/spaces/{world.secret.slug}").status_code == 404
    invite = db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == world.teammate.id))
    # Nobody else can answer someone's invitation; to them it does not exist.
    assert post_form(outsider, f"/join-requests/{invite.id}/approve", token_from="/").status_code == 404
    post_form(teammate, f"/join-requests/{invite.id}/approve", token_from="/")
    db.session.expire_all()
    assert policy.is_member(world.teammate, world.secret)


def test_removal_is_immediate_everywhere_and_the_reason_is_kept(app, world):
    from hub.notify import services as notify
    notify.notify([world.member.id], "test", "Something private in Secret Circle", "/x", world.secret)
    member = _signed_in(app, world.member)
    assert member.get(f"/spaces/{world.secret.slug}").status_code == 200
    assert "Something private" in member.get("/notifications").get_data(as_text=True)
    fac = _signed_in(app, world.facilitator)
    empty = post_form(fac, f"/spaces/{world.secret.slug}/members/{world.member.id}/remove", {"reason": ""},
                      token_from="/", follow_redirects=True)
    assert "Reason is required" in empty.get_data(as_text=True)
    post_form(fac, f"/spaces/{world.secret.slug}/members/{world.member.id}/remove",
              {"reason": "Broke confidentiality"}, token_from="/")
    # At once: the page, the API, the member list and queued notifications answer as for a stranger.
    assert member.get(f"/spaces/{world.secret.slug}").status_code == 404
    assert member.get(f"/api/v1/spaces/{world.secret.id}").status_code == 404
    assert member.get(f"/api/v1/spaces/{world.secret.id}/members").status_code == 404
    assert "Something private" not in member.get("/notifications").get_data(as_text=True)
    assert member.get("/api/v1/notifications").get_json()["unread"] == 0
    stored = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "removed"))
    assert stored.detail == "Broke confidentiality" and stored.subject_id == world.member.id


def test_audit_log_and_member_list_are_for_the_right_people(app, world):
    for persona, audit_status, members_status in (
            ("facilitator", 200, 200), ("member", 403, 200), ("participant", 404, 404),
            ("other_facilitator", 404, 404), ("admin", 404, 404)):
        client = _signed_in(app, getattr(world, persona))
        assert client.get(f"/spaces/{world.secret.slug}/audit").status_code == audit_status, persona
        assert client.get(f"/spaces/{world.secret.slug}/members").status_code == members_status, persona


def test_admin_appoints_a_facilitator_to_a_secret_space_visibly(app, world):
    admin = _signed_in(app, world.admin)
    response = api_write(admin, "PATCH", f"/api/v1/spaces/{world.secret.id}", {"archived": "yes"})
    assert response.status_code == 422
    post_form(admin, f"/spaces/{world.secret.slug}/facilitators", {"user_id": str(world.admin.id)}, token_from="/")
    member = _signed_in(app, world.member)
    names = [m["name"] for m in member.get(f"/api/v1/spaces/{world.secret.id}/members").get_json()["items"]]
    assert world.admin.name in names, "an admin who joins shows in the member list"
    assert "facilitator_added" in _actions(world.secret)


def test_membership_api_twins(app, world):
    participant = _signed_in(app, world.participant)
    asked = api_write(participant, "POST", f"/api/v1/spaces/{world.affinity.id}/join-requests", {"message": "hi"})
    assert asked.status_code == 201
    again = api_write(participant, "POST", f"/api/v1/spaces/{world.affinity.id}/join-requests", {})
    assert again.status_code == 403, "one pending request at a time"
    fac = _signed_in(app, world.facilitator)
    decided = api_write(fac, "POST", f"/api/v1/join-requests/{asked.get_json()['id']}/decline", {"note": "Not now"})
    assert decided.get_json()["status"] == "declined"
    left = api_write(_signed_in(app, world.member), "DELETE", f"/api/v1/spaces/{world.affinity.id}/members/{world.member.id}")
    assert left.status_code == 204
    db.session.expire_all()
    assert not policy.is_member(world.member, world.affinity)
    made = api_write(fac, "POST", "/api/v1/spaces", {"name": "", "visibility": "public"})
    assert made.status_code == 422 and set(made.get_json()["error"]["fields"]) == {"name", "visibility"}
    forbidden = api_write(participant, "POST", "/api/v1/spaces", {"name": "Mine", "visibility": "secret"})
    assert forbidden.status_code == 403
    assert Notification.query.filter_by(user_id=world.participant.id).count() >= 1


def test_an_admin_creates_a_space_for_others_to_run_without_joining_it(app, world):
    admin = _signed_in(app, world.admin)
    orphan = api_write(admin, "POST", "/api/v1/spaces", {"name": "Caucus", "visibility": "secret"})
    assert orphan.status_code == 422 and "facilitator_ids" in orphan.get_json()["error"]["fields"]
    made = api_write(admin, "POST", "/api/v1/spaces", {"name": "Caucus", "visibility": "secret",
                                                      "facilitator_ids": [world.facilitator.id]})
    assert made.status_code == 201 and made.get_json()["can_view"] is False, "creating is not joining"
    space = db.session.get(Space, made.get_json()["id"])
    assert policy.can(world.facilitator, "space.manage", space)
