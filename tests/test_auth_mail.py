"""Invitation-only sign-up and password reset, delivered through a real SMTP server."""
from __future__ import annotations

import re
import time
from datetime import timedelta

from hub.auth.models import Invitation
from hub.extensions import db, utcnow
from hub.people.models import TeamMembership, User
from tests.helpers import factories
from tests.helpers import login, post_form

LINK = re.compile(r"http://127\.0\.0\.1:5000(/\S+)")


def _wait_for(condition, seconds: float = 5.0):
    # Some mail (password resets) is sent in the background, after the response.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    return condition()


def _last_link(smtp_server, to: str) -> str:
    messages = _wait_for(lambda: [m for m in smtp_server.messages if m["To"] == to])
    assert messages, f"no mail reached {to}"
    body = messages[-1].get_payload(decode=True).decode()
    return LINK.search(body).group(1)


def test_invitation_email_leads_to_an_account_on_the_team(mail_app, smtp_server):
    facilitator = factories.user(role="facilitator")
    team = factories.team("Clinic Team")
    client = mail_app.test_client()
    login(client, facilitator)
    response = post_form(client, "/invitations", {"email": "New.Person@Example.org", "site_role": "participant",
                                                  "team_id": str(team.id), "team_role": "community_partner"},
                         token_from="/invitations")
    assert "An invitation is on its way to new.person@example.org" in response.get_data(as_text=True)
    link = _last_link(smtp_server, "new.person@example.org")

    newcomer = mail_app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "Clinic Team" in page.get_data(as_text=True)
    refused = post_form(newcomer, link, {"name": "", "password": "short", "confirm": "short"}, token_from=link)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Name is required" in text and "at least 10 characters" in text
    accepted = post_form(newcomer, link, {"name": "Nia Newcomer", "password": "a long password", "confirm": "a long password"},
                         token_from=link)
    assert accepted.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.person@example.org"))
    assert user.name == "Nia Newcomer"
    membership = db.session.scalar(db.select(TeamMembership).where(TeamMembership.user_id == user.id))
    assert membership.team_id == team.id and membership.role == "community_partner"
    # Single use: the same link now reads as invalid.
    assert mail_app.test_client().get(link).status_code == 404


def test_expired_and_revoked_invitations_do_not_work(mail_app, smtp_server):
    facilitator = factories.user(role="facilitator")
    client = mail_app.test_client()
    login(client, facilitator)
    post_form(client, "/invitations", {"email": "late@example.org"}, token_from="/invitations")
    link = _last_link(smtp_server, "late@example.org")
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "late@example.org"))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert mail_app.test_client().get(link).status_code == 404

    post_form(client, "/invitations", {"email": "gone@example.org"}, token_from="/invitations")
    link = _last_link(smtp_server, "gone@example.org")
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.email == "gone@example.org"))
    post_form(client, f"/invitations/{invitation.id}/revoke", token_from="/invitations")
    assert mail_app.test_client().get(link).status_code == 404


def test_participants_cannot_invite_and_facilitators_cannot_make_admins(mail_app, smtp_server):
    participant, facilitator = factories.user(), factories.user(role="facilitator")
    client = mail_app.test_client()
    login(client, participant)
    assert client.get("/invitations").status_code == 403
    other = mail_app.test_client()
    login(other, facilitator)
    response = post_form(other, "/invitations", {"email": "boss@example.org", "site_role": "admin"}, token_from="/invitations")
    assert response.status_code == 403
    assert not [m for m in smtp_server.messages if m["To"] == "boss@example.org"]


def test_inviting_an_existing_account_is_refused_with_a_field_message(mail_app, smtp_server):
    facilitator, existing = factories.user(role="facilitator"), factories.user(email="here@example.org")
    client = mail_app.test_client()
    login(client, facilitator)
    response = post_form(client, "/invitations", {"email": existing.email}, token_from="/invitations")
    assert response.status_code == 422
    assert "here@example.org already has an account" in response.get_data(as_text=True)


def test_password_reset_by_email_is_single_use_and_ends_sessions(mail_app, smtp_server):
    person = factories.user(email="forgetful@example.org")
    elsewhere = mail_app.test_client()
    login(elsewhere, person)
    client = mail_app.test_client()
    response = post_form(client, "/password/forgot", {"email": "forgetful@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    link = _last_link(smtp_server, "forgetful@example.org")
    done = post_form(client, link, {"password": "remembered at last", "confirm": "remembered at last"}, token_from=link)
    assert done.status_code == 302
    assert elsewhere.get("/").status_code == 302, "other sessions end when the password is reset"
    assert mail_app.test_client().get(link).status_code == 404, "a reset link works once"
    login(mail_app.test_client(), person.email, "remembered at last")


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(mail_app, smtp_server):
    client = mail_app.test_client()
    factories.user(email="somebody@example.org")
    response = post_form(client, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    # A known address asked right after is delivered; by then the unknown one would have been too.
    post_form(client, "/password/forgot", {"email": "somebody@example.org"})
    _last_link(smtp_server, "somebody@example.org")
    assert [m["To"] for m in smtp_server.messages] == ["somebody@example.org"]


def test_without_smtp_mail_goes_to_the_outbox(app, client):
    from pathlib import Path
    factories.user(email="outbox@example.org")
    post_form(client, "/password/forgot", {"email": "outbox@example.org"})
    files = _wait_for(lambda: list(Path(app.config["OUTBOX_DIR"]).glob("*.eml")))
    assert len(files) == 1 and b"outbox@example.org" in files[0].read_bytes()


def test_password_reset_revokes_api_tokens(mail_app, smtp_server):
    from hub.auth.tokens import create_token
    person = factories.user(email="recovering@example.org")
    _token, plain = create_token(person, "old script")
    client = mail_app.test_client()
    post_form(client, "/password/forgot", {"email": person.email})
    link = _last_link(smtp_server, person.email)
    post_form(client, link, {"password": "fresh start pw", "confirm": "fresh start pw"}, token_from=link)
    assert mail_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_an_invitation_dies_with_its_inviters_right_to_invite(mail_app, smtp_server):
    facilitator = factories.user(role="facilitator")
    client = mail_app.test_client()
    login(client, facilitator)
    post_form(client, "/invitations", {"email": "pending@example.org"}, token_from="/invitations")
    link = _last_link(smtp_server, "pending@example.org")
    facilitator.site_role = "participant"
    db.session.commit()
    assert mail_app.test_client().get(link).status_code == 404


def test_one_facilitator_cannot_cancel_anothers_invitation_by_reinviting(mail_app, smtp_server):
    first, second = factories.user(role="facilitator"), factories.user(role="facilitator", name="Sam Second")
    a, b = mail_app.test_client(), mail_app.test_client()
    login(a, first)
    login(b, second)
    post_form(a, "/invitations", {"email": "shared@example.org"}, token_from="/invitations")
    response = post_form(b, "/invitations", {"email": "shared@example.org"}, token_from="/invitations")
    assert response.status_code == 422 and "already has a pending invitation" in response.get_data(as_text=True)
    assert mail_app.test_client().get(_last_link(smtp_server, "shared@example.org")).status_code == 200
