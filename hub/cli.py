"""Operator commands: flask --app wsgi hub seed-demo | create-user | create-token | send-digests |
send-due-mail | reindex | serve."""
from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import AppGroup

hub_cli = AppGroup("hub", help="Operate the Equity Learning Hub.")


@hub_cli.command("seed-demo")
def seed_demo():
    """Build (or refresh) the demo collaborative. Safe to run again."""
    from hub.demo.collaborative import DEMO_PASSWORD, seed
    from hub.demo.forums import seed_forums
    from hub.demo.library import seed_library

    summary = seed()
    threads = seed_forums()
    resources = seed_library()
    click.echo(f"Demo collaborative ready: {summary}" + (f", {threads} forum threads" if threads else ""))
    if resources:
        click.echo(f"Demo library ready: {resources} library resources")
    from hub.demo.chat import seed_chat
    click.echo(f"Demo chat ready: {seed_chat()} messages")
    from hub.demo.projects import seed_projects
    projects = seed_projects()
    if projects:
        click.echo(f"Demo projects ready: {projects} projects with 24 months of stratified data")
    from hub.demo.network import seed_network
    if adopters := seed_network():
        click.echo(f"Demo network measure ready: adopted by {adopters} projects")
    click.echo("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for role, email in (("admin", "admin@demo.hub"), ("facilitator", "facilitator@demo.hub"),
                        ("participant", "participant@demo.hub"), ("affinity member", "member@demo.hub")):
        click.echo(f"  {role:<16} {email}")


@hub_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["participant", "facilitator", "admin"]), default="participant")
def create_user(email: str, name: str, password: str, role: str):
    """Create an account directly (for the first admin, or scripted set-ups)."""
    from hub.auth.services import check_new_password, find_user_by_email, hash_password, normalise_email
    from hub.extensions import db
    from hub.people.models import User

    fields: dict[str, str] = {}
    email = normalise_email(email, fields)
    check_new_password(fields, password, None)
    if not fields and find_user_by_email(email):
        fields["email"] = f"{email} already has an account."
    if fields:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in fields.items()))
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), site_role=role)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email} (id {user.id}).")


@hub_cli.command("create-token")
@click.option("--email", required=True)
@click.option("--label", default="cli")
def create_token(email: str, label: str):
    """Print a new personal access token for the account (shown once)."""
    from hub.auth.services import find_user_by_email
    from hub.auth.tokens import create_token as make_token

    user = find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active account for {email}.")
    _token, plain = make_token(user, label)
    click.echo(plain)


@hub_cli.command("send-digests")
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
def send_digests(period: str):
    """Email each person who chose this period what they have not read (run from cron, hourly is
    fine: nobody gets a second digest within the period)."""
    from hub.notify.email import send_digests as send

    click.echo(f"Sent {send(period)} {period} digests.")


@hub_cli.command("send-due-mail")
def send_due_mail():
    """Email mentions, direct messages and replies to people who are away, and send again what
    SMTP did not take before (run from cron every minute or few; `hub serve` runs it itself).
    Nothing is sent twice."""
    from hub import mail
    from hub.notify.away import send_due_mail as send

    click.echo(f"Sent {send()} emails to people who are away.")
    click.echo(f"Sent {mail.deliver_due()} queued emails.")


@hub_cli.command("reindex")
@click.option("--check", "check_only", is_flag=True, help="Report documents missing, extra or stale; change nothing.")
def reindex(check_only: bool):
    """Rebuild the search index from the database (with a progress bar), or check it."""
    from hub.search import queue as search_queue
    from hub.search import rebuild as search_rebuild

    if check_only:
        search_queue.drain_quietly()
        result = search_rebuild.check()
        click.echo(f"{result.documents} documents in the index: {len(result.missing)} missing, "
                   f"{len(result.extra)} extra, {len(result.stale)} stale, {len(result.stuck)} stuck in the queue.")
        for label, keys in (("missing", result.missing), ("extra", result.extra), ("stale", result.stale),
                            ("stuck", result.stuck)):
            for key in keys[:20]:
                click.echo(f"  {label}: {key}")
        if not result.ok:
            sys.exit(1)
        return
    bar = {}

    def start(total: int) -> None:
        bar["bar"] = click.progressbar(length=total, label="Indexing", file=sys.stderr)
        bar["bar"].__enter__()

    try:
        written = search_rebuild.reindex(progress=lambda n: bar["bar"].update(n), total=start)
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    click.echo(f"Indexed {written} documents.")


@hub_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int):
    """Serve with gevent and Socket.IO, one process (what `make run` uses)."""
    os.execv(sys.executable, [sys.executable, "-m", "hub.server", "--host", host, "--port", str(port)])


def register(app: Flask) -> None:
    app.cli.add_command(hub_cli)
