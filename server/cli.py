"""Shell commands: `flask --app server create-user`, `seed-demo`, `install-pack`, `write-vocabulary`, `expire-uploads`, `tick`, `run-jobs` and `serve`."""

import click
from flask import Flask

from server.extensions import db
from server.packs import PACKS
from server.services import accounts
from server.services.actor import ROLES


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--company", help="Contractor company name (created if new).")
    @click.option("--site", "sites", multiple=True, help="Limit the user to this site (created if new); repeatable.")
    @click.option("--name", help="Display name (defaults to the username).")
    @click.option("--password", help="Prompted for when left out.")
    def create_user(username, role, company, sites, name, password):
        """Create a user who can log in from a device."""
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = accounts.create_user(username, role, password, name=name, company=company, sites=sites)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Created {role} {username} ({user.id}).")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo estate: buildings, checkpoints, templates, users and findings."""
        from server.demo import seed

        created = seed()
        db.session.commit()
        if not created:
            click.echo("The demo estate is loaded already.")
            return
        click.echo("Demo estate loaded. Users (password: demo-patrol):")
        for username, role in created:
            click.echo(f"  {username:12} {role}")

    @app.cli.command("install-pack")
    @click.argument("name", type=click.Choice(sorted(PACKS)))
    @click.option("--site", "site_name", help="The site to install it on (made if new); needed when there are several.")
    def install_pack_command(name, site_name):
        """Install a template pack: its checklists, the checkpoints its route needs, its suggested schedules."""
        from server.packs import install_pack

        try:
            made = install_pack(name, site_name)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Pack {name}: " + ", ".join(f"{count} {kind}(s) made" for kind, count in made.items()) + ".")

    @app.cli.command("write-vocabulary")
    def write_vocabulary():
        """Write pwa/vocabulary.js from the record-type declarations (after a status, kind or category changes)."""
        from server.vocabulary import MODULE, vocabulary_module

        MODULE.write_text(vocabulary_module())
        click.echo(f"Wrote {MODULE}.")

    @app.cli.command("expire-uploads")
    @click.option("--hours", type=click.IntRange(min=0), help="Age of an upload not resumed (default UPLOAD_PARTIAL_MAX_AGE_HOURS).")
    def expire_uploads(hours):
        """Remove photo uploads in progress that no device resumed for a while (run it hourly)."""
        from server.services.blobs import expire_partial_uploads

        removed = expire_partial_uploads(hours)
        db.session.commit()
        click.echo(f"Removed {removed} stale upload files.")

    @app.cli.command("tick")
    @click.option("--now", help="Judge as if it were this moment (ISO 8601 with its offset, e.g. 2026-12-04T02:00:00Z); for tests and drills.")
    def tick_command(now):
        """Plan every schedule's rounds and mark the missed ones, once (the job runner marks every minute, plans every hour)."""
        from schemas.fields import parse_utc
        from server.services.rounds import tick

        done = tick(parse_utc(now) if now else None)
        db.session.commit()
        click.echo(f"{done['schedules']} schedules, {done['rounds_made']} rounds made, {done['rounds_missed']} missed.")

    @app.cli.command("run-jobs")
    @click.option("--workers", default=2, type=click.IntRange(min=1))
    def run_jobs(workers):
        """Run the job runner's consumer (Huey): missed rounds every minute; planning rounds and stale uploads every hour."""
        from server.jobs import huey

        huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", help="Listen here (keep the loopback address; see README).")
    @click.option("--port", default=5000, type=int)
    def serve(host, port):
        """Run the server and the job runner in one process: the embedded default, for one estate's office."""
        from werkzeug.serving import run_simple

        from server.jobs import start_consumer

        consumer = start_consumer()
        try:
            # Werkzeug's threaded server, as `flask run` uses (app.run refuses to start inside a flask command).
            run_simple(host, port, app, threaded=True, use_reloader=False)
        finally:
            consumer.stop(graceful=True)
