"""The document's ground floor: you, people, spaces and memberships, the program's
organizations, cohorts and teams, notifications."""
from __future__ import annotations

from hub.api.spec.types import (ANY_PAGE, BOOL, DATE, ID, IDS, INT, NULL_DATE, NULL_ID, NULL_INT, NULL_STR, STR,
                                TEXT, list_of, obj, one_of, query)
from hub.notify.models import EMAIL_FREQUENCIES
from hub.people.models import PROGRAMS, SITE_ROLES, TEAM_ROLES
from hub.spaces.membership import AFFINITY_VISIBILITIES
from hub.spaces.models import HISTORY_POLICIES

SCHEMAS = {
    "Error": obj(error=obj(code=STR, message=STR, fields={"type": "object", "additionalProperties": STR})),
    "Person": obj(id=INT, name=STR, pronouns=STR, title=STR, organization={"type": ["object", "null"]},
                  teams={"type": "array"}, bio_html=STR, preferred_language=STR, time_zone=STR,
                  site_role=STR, active=BOOL, email={"type": "string", "description": "Only for yourself and staff"},
                  avatar_url={"type": ["string", "null"], "description": "The profile picture for a signed-in "
                              "browser (null: initials show); with a token, GET /people/{id}/avatar"}),
    "ProfileUpdate": obj(name=TEXT, pronouns=STR, title=STR, organization_id=NULL_ID, bio=STR,
                         preferred_language=one_of("en", "es"),
                         time_zone={"type": "string", "description": "An IANA zone, e.g. America/Chicago"}),
    "PersonUpdate": obj(active=BOOL, site_role=one_of(*SITE_ROLES), name=TEXT, pronouns=STR, title=STR, bio=STR),
    "Space": obj(id=INT, kind=STR, name=STR, slug=STR, purpose=STR, visibility=STR, join_policy=STR,
                 history_policy=STR, archived=BOOL, can_view=BOOL, is_member=BOOL),
    "Token": obj(id=INT, label=STR, prefix=STR, created_at=STR, last_used_at=NULL_STR,
                 token={"type": "string", "description": "Only in the response that creates it"}),
    "Invitation": obj(id=INT, email=STR, site_role=STR, team_id=NULL_INT, team_role=STR,
                      status=STR, created_at=STR, expires_at=STR),
    "Organization": obj(id=INT, name=STR, kind=STR, city=STR, archived=BOOL),
    "Cohort": obj(id=INT, name=STR, program=STR, space_id=INT, starts_on=NULL_STR, ends_on=NULL_STR,
                  team_ids=list_of(INT), archived=BOOL),
    "Team": obj(id=INT, name=STR, organization_id=INT, space_id=INT, cohort_ids=list_of(INT),
                members={"type": "array"}, warnings=list_of(STR), archived=BOOL),
    "Ok": obj(ok=BOOL),
    "ChecklistStep": obj(key=STR, label=STR, url=STR, done=BOOL),
    "JoinRequest": obj(id=INT, space_id=INT, user_id=INT, kind=STR, message=STR, status=STR, decision_note=STR,
                       created_at=STR, decided_at=NULL_STR),
}

_TEAM_ROLE = one_of(*TEAM_ROLES)
_VISIBILITY, _HISTORY = one_of(*AFFINITY_VISIBILITIES), one_of(*HISTORY_POLICIES)

# (method, path, summary, request body schema, response schema or [list-of], success status)
ROUTES = [
    ("get", "/me", "The signed-in person", None, "Person", 200),
    ("patch", "/me", "Update your profile", "ProfileUpdate", "Person", 200),
    ("put", "/me/avatar", "Set your profile picture (multipart, field \"picture\": PNG, JPEG, GIF or WebP; cropped "
     "to a centred square, resized and re-encoded without its metadata)",
     {"type": "object", "x-multipart": True, "required": ["picture"],
      "properties": {"picture": {"type": "string", "format": "binary"}}}, "Person", 200),
    ("delete", "/me/avatar", "Remove your profile picture (your initials show)", None, "Person", 200),
    ("post", "/me/password", "Change your password (ends every other session)",
     obj("current", "password", "confirm", current=TEXT, password=TEXT, confirm=TEXT), "Ok", 200),
    ("post", "/me/sessions/end-others", "Log out everywhere else", None, "Ok", 200),
    ("get", "/me/tokens", "Your personal access tokens", None, ["Token"], 200),
    ("post", "/me/tokens", "Create a token (its secret is shown once)", obj(label=STR), "Token", 201),
    ("delete", "/me/tokens/{token_id}", "Revoke a token", None, None, 204),
    ("get", "/people", "The directory (filter with ?q=)", None, ["Person"], 200),
    ("get", "/people/{person_id}", "One person", None, "Person", 200),
    ("get", "/people/{person_id}/avatar", "A person's profile picture (a JPEG; 404 when they have none)", None, None,
     200),
    ("patch", "/people/{person_id}", "Admins: activate, deactivate, change site role", "PersonUpdate", "Person", 200),
    ("get", "/spaces", "Spaces you may discover", None, ["Space"], 200),
    ("get", "/spaces/{space_id}", "One space", None, "Space", 200),
    ("get", "/invitations", "Invitations you may manage", None, ["Invitation"], 200),
    ("post", "/invitations", "Invite an email address",
     obj("email", email=TEXT, site_role=one_of(*SITE_ROLES), team_id=NULL_ID, team_role=_TEAM_ROLE),
     "Invitation", 201),
    ("post", "/invitations/{invitation_id}/revoke", "Revoke a pending invitation", None, "Invitation", 200),
    ("get", "/me/checklist", "Your first-week checklist (each step ticks itself from what you have done)", None,
     ["ChecklistStep"], 200),
    ("post", "/me/checklist/dismiss", "Hide the first-week checklist", None, "Ok", 200),
    ("get", "/organizations", "Organizations", None, ["Organization"], 200),
    ("post", "/organizations", "Add an organization", obj("name", name=TEXT, kind=STR, city=STR), "Organization",
     201),
    ("get", "/cohorts", "Cohorts", None, ["Cohort"], 200),
    ("post", "/cohorts", "Create a cohort and its space",
     obj("name", "program", name=TEXT, program=one_of(*PROGRAMS), starts_on=DATE, ends_on=DATE), "Cohort", 201),
    ("get", "/teams", "Teams", None, ["Team"], 200),
    ("post", "/teams", "Create a team and its space",
     obj("name", "organization_id", name=TEXT, organization_id=ID, cohort_ids=IDS), "Team", 201),
    ("get", "/teams/{team_id}", "One team", None, "Team", 200),
    ("post", "/teams/{team_id}/members", "Add a person to a team (or change their role)",
     obj("user_id", user_id=ID, role=_TEAM_ROLE), "Team", 200),
    ("delete", "/teams/{team_id}/members/{user_id}", "Remove a person from a team", None, "Team", 200),
    ("patch", "/organizations/{org_id}", "Rename or archive an organization (only the fields named change)",
     obj(name=TEXT, kind=STR, city=STR, archived=BOOL), "Organization", 200),
    ("patch", "/cohorts/{cohort_id}", "Edit or archive a cohort; archiving makes its space read-only",
     obj(name=TEXT, program=one_of(*PROGRAMS), starts_on=NULL_DATE, ends_on=NULL_DATE, team_ids=IDS,
         archived=BOOL), "Cohort", 200),
    ("patch", "/teams/{team_id}", "Edit or archive a team; leaving a cohort takes its people out of the cohort space",
     obj(name=TEXT, organization_id=ID, cohort_ids=IDS, archived=BOOL), "Team", 200),
    ("post", "/spaces/{space_id}/facilitators", "Appoint a facilitator (site admins, even without reading the space)",
     obj("user_id", user_id=ID), "Ok", 201),
    ("delete", "/spaces/{space_id}/facilitators/{user_id}",
     "A facilitator steps down to member (admins or the space's facilitators; one always stays)", None, "Ok", 200),
    ("post", "/spaces", "Create an affinity space (facilitators and admins)",
     obj("name", name=TEXT, purpose=STR, agreement=STR, visibility=_VISIBILITY, history_policy=_HISTORY,
         facilitator_ids=IDS), "Space", 201),
    ("patch", "/spaces/{space_id}", "Change a space's settings or agreement; admins archive with {\"archived\"}",
     obj(name=TEXT, purpose=STR, agreement=STR, visibility=_VISIBILITY, history_policy=_HISTORY, archived=BOOL),
     "Space", 200),
    ("get", "/spaces/{space_id}/members", "Members (members and the space's facilitators only)", None, ANY_PAGE, 200),
    ("post", "/spaces/{space_id}/members", "Invite a person (space facilitators)",
     obj("user_id", user_id=ID, message=STR), "JoinRequest", 201),
    ("delete", "/spaces/{space_id}/members/{user_id}", "Remove a member (reason required) or leave (yourself)",
     obj(reason=STR), None, 204),
    ("post", "/spaces/{space_id}/join-requests", "Ask to join a listed space", obj(message=STR), "JoinRequest", 201),
    ("post", "/join-requests/{request_id}/approve", "Approve a request, or accept your invitation", obj(note=STR),
     "JoinRequest", 200),
    ("post", "/join-requests/{request_id}/decline", "Decline a request, or your invitation", obj(note=STR),
     "JoinRequest", 200),
    ("post", "/spaces/{space_id}/agreement/accept", "Accept the current group agreement", None, "Ok", 200),
    ("get", "/spaces/{space_id}/audit", "The space's audit log (its facilitators)", None, ANY_PAGE, 200),
    ("get", "/notifications", "Your notifications (only what you may still see)", None,
     obj(items={"type": "array"}, unread=INT, next=NULL_STR), 200),
    ("post", "/notifications/read", "Mark notifications read: all, or {\"ids\": [...]}", obj(ids=IDS),
     obj(ok=BOOL, unread=INT), 200),
    ("get", "/me/email-settings", "How often you get notification email, and whether direct notes reach you while away",
     None, obj(frequency=STR, when_away=BOOL), 200),
    ("put", "/me/email-settings", "Set them (only what is named): frequency immediately, daily, weekly or never; "
     "when_away true or false", obj(frequency=one_of(*EMAIL_FREQUENCIES), when_away=BOOL),
     obj(frequency=STR, when_away=BOOL), 200),
    ("get", "/me/notification-settings", "Kinds of notification you may turn off, and whether each is on", None,
     obj(reaction=BOOL), 200),
    ("put", "/me/notification-settings", "Turn them on or off ({\"reaction\": false}: not told of reactions to your "
     "posts)", {**obj(reaction=BOOL), "additionalProperties": False}, obj(reaction=BOOL), 200),
    ("get", "/me/reading", "Your unread and new thread counts", None, obj(unread=INT, new=INT), 200),
]

QUERY = {
    ("get", "/people"): query(("q", STR)),
}
