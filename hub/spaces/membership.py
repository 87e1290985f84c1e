"""Affinity spaces and who belongs: create, settings, requests, invitations, agreement, leave, remove.

Every write takes the acting person, asks the policy, validates with per-field messages,
writes an audit event in the same transaction, commits, and only then notifies.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub import content, policy, realtime
from hub.extensions import db, utcnow
from hub.notify import services as notify
from hub.people.models import User
from hub.spaces.models import HISTORY_POLICIES, AuditEvent, JoinRequest, Space, SpaceMembership
from hub.spaces.services import new_space
from hub.validation import ValidationError, require_text

AFFINITY_VISIBILITIES = ("listed", "secret")
# The audit log's actions as its readers read them (the page and the API).
AUDIT_WORDS = {
    "space_created": _l("created the space"), "agreement_changed": _l("changed the group agreement"),
    "settings_changed": _l("changed the settings"), "joined": _l("added a member"),
    "facilitator_added": _l("added a facilitator"), "role_changed": _l("changed a role"),
    "join_requested": _l("asked to join"), "invited": _l("invited someone"),
    "request_approved": _l("approved a request to join"), "request_declined": _l("declined a request to join"),
    "invitation_accepted": _l("accepted an invitation"), "invitation_declined": _l("declined an invitation"),
    "agreement_accepted": _l("accepted the group agreement"), "left": _l("left the space"),
    "removed": _l("removed a member"), "archived": _l("archived the space"), "unarchived": _l("reopened the space"),
}


def audit(space: Space, actor: User | None, action: str, subject: User | None = None, detail: str = "") -> None:
    db.session.add(AuditEvent(space_id=space.id, actor_id=actor.id if actor else None,
                              subject_id=subject.id if subject else None, action=action, detail=detail[:2000]))


def facilitator_ids(space: Space) -> list[int]:
    return [m.user_id for m in space.memberships if m.role == "facilitator"]


def _settings(data: dict, space: Space | None) -> tuple[dict, dict]:
    """The settings `data` names, validated, with the space's own values for the rest: a PATCH
    changes only what it names, and a value it leaves as it is is never refused (a community
    space's own visibility, say)."""
    fields: dict[str, str] = {}
    current = space or Space(name="", purpose="", agreement="", visibility="secret", history_policy="full")
    values = {
        "name": require_text(fields, "name", data.get("name", current.name), _("Name"), 160),
        "purpose": require_text(fields, "purpose", data.get("purpose", current.purpose), _("Purpose"), 2000,
                                required=False),
        "agreement": require_text(fields, "agreement", data.get("agreement", current.agreement),
                                  _("Group agreement"), 10000, required=False),
        "visibility": data.get("visibility", current.visibility),
        "history_policy": data.get("history_policy", current.history_policy),
    }
    if values["visibility"] != current.visibility and values["visibility"] not in AFFINITY_VISIBILITIES:
        fields["visibility"] = _("Choose listed or secret.")
    if values["history_policy"] != current.history_policy and values["history_policy"] not in HISTORY_POLICIES:
        fields["history_policy"] = _("Choose full history or from joining.")
    return values, fields


def _join_policy_for(visibility: str) -> str:
    """A space that people can find takes requests; a secret one only invites."""
    return "request" if visibility == "listed" else "invite"


def create_affinity_space(actor: User, data: dict, facilitator_ids_: list[int] = ()) -> Space:
    policy.require(actor, "space.create")
    values, fields = _settings(data, None)
    facilitators = [db.session.get(User, uid) for uid in facilitator_ids_]
    if any(f is None or not f.active for f in facilitators):
        fields["facilitator_ids"] = _("Choose active people as facilitators.")
    elif not facilitators and policy.is_admin(actor):
        # An admin does not join by creating (they could then read it); someone must run it.
        fields["facilitator_ids"] = _("Choose at least one facilitator for the space.")
    if fields:
        raise ValidationError(fields)
    agreement = values.pop("agreement")
    space = new_space("affinity", values.pop("name"), join_policy=_join_policy_for(values["visibility"]), agreement=agreement,
                      agreement_html=str(content.render(agreement)), agreement_version=1 if agreement else 0, **values)
    db.session.flush()
    audit(space, actor, "space_created", detail=space.name)
    for person in facilitators or [actor]:
        _add_member(space, person, "facilitator", actor, accepted=True)
    db.session.commit()
    return space


def update_space(actor: User, space: Space | None, data: dict) -> Space:
    """The API's PATCH: the policy is asked first, whatever the body (an empty one included), then
    only the fields it names change. Archiving alone is an administrator's action."""
    data = dict(data)
    settings_named = [key for key in data if key != "archived"]
    policy.require(actor, "space.manage" if settings_named or "archived" not in data else "space.administer",
                   space)
    if "archived" in data:
        archived = data.pop("archived")
        if not isinstance(archived, bool):
            raise ValidationError({"archived": _("Send true or false.")})
        set_archived(actor, space, archived)
    if data:
        update_settings(actor, space, data)
    return space


def update_settings(actor: User, space: Space | None, data: dict) -> Space:
    policy.require(actor, "space.manage", space)
    values, fields = _settings(data, space)
    if fields:
        raise ValidationError(fields)
    changed = [k for k, v in values.items() if getattr(space, k) != v]
    agreement_changed = "agreement" in changed
    # A new agreement or a narrower visibility can shut readers out: asked before and after.
    readers = realtime.readers_of(space) if agreement_changed or "visibility" in changed else set()
    for key in changed:
        setattr(space, key, values[key])
    if "visibility" in changed:  # and only then: editing a name never opens a space to requests
        space.join_policy = _join_policy_for(space.visibility)
    if agreement_changed:
        space.agreement_html = str(content.render(space.agreement))
        space.agreement_version += 1
        # The person who wrote it has read it; everyone else is asked again before entering.
        membership = policy.explicit_membership(actor, space)
        if membership is not None:
            membership.agreement_accepted_version = space.agreement_version
        audit(space, actor, "agreement_changed", detail=f"version {space.agreement_version}")
    if [c for c in changed if c != "agreement"]:
        audit(space, actor, "settings_changed", detail=", ".join(c for c in changed if c != "agreement"))
    db.session.commit()
    # Members who must accept again, and anyone a narrower space no longer admits, leave its rooms now.
    realtime.evict_lost_readers(space, readers)
    return space


def _add_member(space: Space, person: User, role: str, actor: User, accepted: bool = False) -> SpaceMembership:
    membership = policy.explicit_membership(person, space)
    if membership is None:
        membership = SpaceMembership(space_id=space.id, user_id=person.id, role=role)
        db.session.add(membership)
        audit(space, actor, "joined" if role == "member" else "facilitator_added", subject=person)
    elif membership.role != role:
        membership.role = role
        audit(space, actor, "role_changed", subject=person, detail=role)
    if accepted:
        membership.agreement_accepted_version = space.agreement_version
    return membership


def request_to_join(actor: User, space: Space | None, message: str = "") -> JoinRequest:
    policy.require(actor, "space.discover", space)
    policy.require(actor, "space.request_join", space)
    fields: dict[str, str] = {}
    message = require_text(fields, "message", message, _("Message"), 1000, required=False)
    if fields:
        raise ValidationError(fields)
    request = JoinRequest(space_id=space.id, user_id=actor.id, kind="request", message=message, created_by_id=actor.id)
    db.session.add(request)
    audit(space, actor, "join_requested", subject=actor)
    db.session.commit()
    notify.notify(facilitator_ids(space), "join_request",
                  _("%(name)s asked to join %(space)s.", name=actor.name, space=space.name),
                  url_for("spaces.members", slug=space.slug), space, requires="space.manage")
    return request


def invite(actor: User, space: Space | None, person: User | None, message: str = "") -> JoinRequest:
    policy.require(actor, "space.manage", space)
    if person is None or not person.active:
        raise ValidationError({"user_id": _("Choose an active person from the directory.")})
    if policy.is_member(person, space):
        raise ValidationError({"user_id": _("%(name)s is already a member.", name=person.name)})
    pending = policy.pending_join(person, space)
    if pending is not None:
        if pending.kind == "request":  # they already asked: inviting them is saying yes
            return decide(actor, pending, approve=True, note=message)
        raise ValidationError({"user_id": _("%(name)s already has a pending invitation.", name=person.name)})
    invitation = JoinRequest(space_id=space.id, user_id=person.id, kind="invite", message=message[:1000],
                             created_by_id=actor.id)
    db.session.add(invitation)
    audit(space, actor, "invited", subject=person)
    db.session.commit()
    notify.notify([person.id], "space_invitation",
                  _("%(name)s invited you to join %(space)s.", name=actor.name, space=space.name),
                  url_for("spaces.invitations"), space, requires="space.discover")
    return invitation


def decide(actor: User, request: JoinRequest | None, approve: bool, note: str = "") -> JoinRequest:
    """Approve or decline a request (facilitators) or accept or decline an invitation (the invitee)."""
    policy.require(actor, "join_request.decide", request)
    space = request.space
    request.status = "approved" if approve else "declined"
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, utcnow(), (note or "")[:1000]
    verb = {("request", True): "request_approved", ("request", False): "request_declined",
            ("invite", True): "invitation_accepted", ("invite", False): "invitation_declined"}[(request.kind, approve)]
    audit(space, actor, verb, subject=request.user, detail=request.decision_note)
    if approve:
        _add_member(space, request.user, "member", actor, accepted=False)
    db.session.commit()
    if request.kind == "request":
        text = (_("Your request to join %(space)s was approved.", space=space.name) if approve
                else _("Your request to join %(space)s was declined.", space=space.name))
        if request.decision_note:
            text += " " + _("Note: %(note)s", note=request.decision_note)
        notify.notify([request.user_id], verb, text, url_for("spaces.show", slug=space.slug), space,
                      requires="space.discover")
    else:
        notify.notify(facilitator_ids(space), verb,
                      _("%(name)s answered the invitation to %(space)s.", name=request.user.name, space=space.name),
                      url_for("spaces.members", slug=space.slug), space, requires="space.manage")
    return request


def accept_agreement(actor: User, space: Space | None) -> None:
    policy.require(actor, "space.discover", space)
    policy.require(actor, "space.accept_agreement", space)
    membership = policy.explicit_membership(actor, space)
    membership.agreement_accepted_version = space.agreement_version
    audit(space, actor, "agreement_accepted", subject=actor, detail=f"version {space.agreement_version}")
    db.session.commit()


def leave(actor: User, space: Space | None) -> None:
    policy.require(actor, "space.discover", space)
    policy.require(actor, "space.leave", space)
    db.session.delete(policy.explicit_membership(actor, space))
    audit(space, actor, "left", subject=actor)
    db.session.commit()
    realtime.evict_from_space(actor.id, space.id)


def remove(actor: User, space: Space | None, person: User | None, reason: str) -> None:
    policy.require(actor, "space.manage", space)
    membership = policy.explicit_membership(person, space) if person is not None else None
    if membership is None:
        raise ValidationError({"user_id": _("That person is not a member of this space.")})
    fields: dict[str, str] = {}
    reason = require_text(fields, "reason", reason, _("Reason"), 1000)
    if fields:
        raise ValidationError(fields)
    db.session.delete(membership)
    audit(space, actor, "removed", subject=person, detail=reason)
    db.session.commit()
    realtime.evict_from_space(person.id, space.id)


def appoint_facilitator(actor: User, space: Space | None, person: User | None) -> None:
    """Admins staff any space (even one they cannot read); the appointment shows in the member list."""
    policy.require(actor, "space.administer", space)
    if person is None or not person.active:
        raise ValidationError({"user_id": _("Choose an active person from the directory.")})
    _add_member(space, person, "facilitator", actor)
    db.session.commit()


def step_down(actor: User, space: Space | None, person: User | None) -> None:
    """A facilitator becomes a member (replacing one: appoint the new one first). A space always
    keeps one facilitator, so that someone answers its requests and flags."""
    policy.require(actor, "space.staff", space)
    membership = policy.explicit_membership(person, space) if person is not None else None
    if membership is None or membership.role != "facilitator":
        raise ValidationError({"user_id": _("Choose one of the space's facilitators.")})
    if len(facilitator_ids(space)) < 2:
        raise ValidationError({"user_id": _("A space needs a facilitator: appoint another one first.")})
    membership.role = "member"
    audit(space, actor, "role_changed", subject=person, detail="member")
    db.session.commit()


def set_archived(actor: User, space: Space | None, archived: bool) -> None:
    policy.require(actor, "space.administer", space)
    space.archived_at = utcnow() if archived else None
    audit(space, actor, "archived" if archived else "unarchived")
    db.session.commit()


def pending_requests(space: Space) -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).where(
        JoinRequest.space_id == space.id, JoinRequest.status == "pending").order_by(JoinRequest.created_at)))


def my_invitations(user: User) -> list[JoinRequest]:
    return list(db.session.scalars(select(JoinRequest).where(
        JoinRequest.user_id == user.id, JoinRequest.kind == "invite", JoinRequest.status == "pending")))


def audit_log(actor: User, space: Space | None, limit: int = 200) -> list[AuditEvent]:
    policy.require(actor, "space.audit", space)
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.space_id == space.id)
                                   .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)))
