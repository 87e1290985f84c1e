""""We tried this", helpful votes and the resource's discussion thread (a forum thread in the
resource's home space, written through the forum's own services)."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from hub import policy
from hub.extensions import db
from hub.library import fanout
from hub.library.fields import text_of, valid_url
from hub.library.models import Adoption, Resource, Vote
from hub.people.models import Team, TeamMembership
from hub.validation import ValidationError, require_text


def teams_of(actor) -> list[Team]:
    """The teams a person may record an adoption for: their own."""
    return list(db.session.scalars(select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
                                   .where(TeamMembership.user_id == actor.id).order_by(Team.name)))


def record(actor, resource: Resource, data: dict) -> Adoption:
    policy.require(actor, "resource.adopt", resource)
    errors: dict[str, str] = {}
    team_id = str(data.get("team_id") or "")
    team = next((t for t in teams_of(actor) if str(t.id) == team_id), None)
    if team is None:
        errors["team_id"] = _("Choose one of your teams.")
    tried_on = _date(errors, data.get("tried_on"))
    setting = require_text(errors, "setting", text_of(data.get("setting")), _("Setting"), 200, required=False)
    changed = require_text(errors, "what_changed", text_of(data.get("what_changed")), _("What you changed"), 5000)
    result = require_text(errors, "result", text_of(data.get("result")), _("Result so far"), 5000, required=False)
    link = valid_url(errors, "adapted_url", data.get("adapted_url"))
    shared = data.get("shared", True) in (True, "1", "on", "true", "yes")
    if errors:
        raise ValidationError(errors)
    adoption = Adoption(resource_id=resource.id, team_id=team.id, recorded_by_id=actor.id, tried_on=tried_on,
                        setting=setting, what_changed=changed, result=result, adapted_url=link, shared=shared)
    db.session.add(adoption)
    db.session.commit()
    fanout.after_adoption(actor, adoption)
    return adoption


def _date(errors: dict, value) -> date | None:
    try:
        found = date.fromisoformat(text_of(value).strip())
    except ValueError:
        errors["tried_on"] = _("Give the date you started, like 2026-03-15.")
        return None
    if found > date.today():
        errors["tried_on"] = _("The date cannot be in the future.")
    return found


def remove(actor, adoption: Adoption) -> None:
    policy.require(actor, "adoption.remove", adoption)
    db.session.delete(adoption)
    db.session.commit()


def toggle_vote(actor, resource: Resource) -> bool:
    """Found it helpful, or no longer: returns whether the vote is on now."""
    policy.require(actor, "resource.vote", resource)
    vote = db.session.get(Vote, (resource.id, actor.id))
    if vote is None:
        db.session.add(Vote(resource_id=resource.id, user_id=actor.id))
    else:
        db.session.delete(vote)
    db.session.commit()
    return vote is None


def discussion(actor, resource: Resource):
    """The resource's thread: opened on first use, in the resource's home space."""
    from hub.forums import services as forum
    from hub.forums.categories import categories_of, general_category
    from hub.forums.models import Thread
    policy.require(actor, "resource.discuss", resource)
    thread = db.session.get(Thread, resource.thread_id) if resource.thread_id else None
    if thread is not None and thread.space_id == resource.space_id and policy.can(actor, "thread.view", thread):
        return thread
    categories = categories_of(resource.space)
    # The space's Resources category, else the first one the person may start threads in.
    category = next((c for c in categories if c.slug == "resources"), None) or \
        general_category(actor, resource.space) or categories[0]
    link = url_for("library.resource", resource_id=resource.id)
    thread = forum.create_thread(actor, resource.space, {
        "title": _("Discussion: %(title)s", title=resource.title)[:200], "category_id": category.id,
        "body": _("Talking about [%(title)s](%(link)s): %(summary)s", title=resource.title.replace("]", ")"),
                  link=link, summary=resource.summary)})
    resource.thread_id = thread.id
    db.session.commit()
    return thread
