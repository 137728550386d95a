"""Command-line operations: create-user, jobs run-due, import-course (later)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lms.core.db import commit


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--password", default=None, help="Without it, an invitation email is queued.")
    @click.option("--role", type=click.Choice(["learner", "trainer", "coordinator"]), default="learner")
    @click.option("--full-name", default=None)
    @click.option("--organisation", default=None)
    @click.option("--if-missing", is_flag=True, help="Do nothing if the address already has an account.")
    def create_user(email, password, role, full_name, organisation, if_missing):
        """Create an account (the first coordinator, demo accounts)."""
        from lms.auth import services
        from lms.core.errors import DomainError

        if if_missing and services.user_by_email(email):
            click.echo(f"{email} exists already")
            return
        try:
            user = services.create_user(None, email=email, full_name=full_name or email.split("@")[0],
                                        role=role, organisation=organisation, password=password)
            commit()
        except DomainError as exc:
            raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from exc
        click.echo(f"created {user.role} {user.email} (id {user.id})")

    jobs = AppGroup("jobs", help="Periodic work (the beat schedule runs the same scan).")

    @jobs.command("run-due")
    def run_due():
        """Run the periodic scan once, now, and deliver the mail it made before returning."""
        from lms.core.jobs import run_due as scan

        report = scan(deliver_now=True)
        click.echo(" ".join(f"{name}={count}" for name, count in report.items()))

    app.cli.add_command(jobs)
