"""Command-line operations: create-user, jobs run-due, import-course."""
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

    @app.cli.command("import-course")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @click.option("--owner", default=None, help="Email of the owner of a new course (ignored when missing).")
    @click.option("--publish", is_flag=True,
                  help="Then publish it through the usual checks (as --owner, else as its owner); "
                       "a published course stays published.")
    def import_course_command(folder, owner, publish):
        """Load or update a course from its folder of files (courses/README.md)."""
        import time
        from pathlib import Path

        from lms.auth import services as auth_services
        from lms.authoring.services.importer import CourseFilesInvalid, import_course
        from lms.core.db import rollback

        actor = auth_services.user_by_email(owner) if owner else None
        started = time.monotonic()
        try:
            report = import_course(Path(folder), actor=actor)
            commit()
        except CourseFilesInvalid as exc:
            rollback()
            click.echo("\n".join(exc.errors), err=True)
            raise click.ClickException(f"{len(exc.errors)} error(s): nothing imported.") from exc
        state = "changed" if report.changed else "unchanged"
        click.echo(f"{report.course.slug} (id {report.course.id}, {report.course.status}): {state}; {report.summary()} "
                   f"in {time.monotonic() - started:.1f} s")
        if report.queued:
            click.echo(f"{report.course.slug}: {report.queued} film(s) handed to the worker, which prepares them "
                       "in the background (the course page says so until they are ready)")
        if publish:
            _publish_imported(report.course, actor)

    jobs = AppGroup("jobs", help="Periodic work (the beat schedule runs the same scan).")

    @jobs.command("run-due")
    def run_due():
        """Run the periodic scan once, now, and deliver the mail it made before returning."""
        from lms.core.jobs import run_due as scan

        report = scan(deliver_now=True)
        click.echo(" ".join(f"{name}={count}" for name, count in report.items()))

    app.cli.add_command(jobs)


def _publish_imported(course, actor) -> None:
    """--publish: the import is committed; publish it now through publish_course (its checks and permissions).

    Its films may still be in preparation by the worker: they do not hold the course back (the course page says
    they are being prepared). A course that is already published stays so (the files may still have made it
    unpublishable: say why)."""
    from lms.auth import services as auth_services
    from lms.authoring.models import PUBLISHED
    from lms.authoring.services import publish_course, publish_problems
    from lms.core.db import rollback
    from lms.core.errors import DomainError

    slug = course.slug
    if course.status == PUBLISHED:
        problems = publish_problems(course, films_in_preparation=True)
        if problems:
            click.echo("\n".join(problems), err=True)
            raise click.ClickException(f"{slug} is published but no longer publishable: "
                                       f"{len(problems)} problem(s), fix the files.")
        click.echo(f"{slug}: already published")
        return
    publisher = actor
    if publisher is None and course.owner_id is not None:
        try:
            publisher = auth_services.get_user(course.owner_id)
        except DomainError:
            publisher = None
    if publisher is None:
        raise click.ClickException(f"{slug} imported as a draft, not published: --publish needs --owner "
                                   "(a trainer or coordinator who may edit the course) or a course with an owner.")
    try:
        publish_course(publisher, course, films_in_preparation=True)
        commit()
    except DomainError as exc:
        rollback()
        reasons = exc.extra.get("reasons") or []
        if reasons:
            click.echo("\n".join(reasons), err=True)
        raise click.ClickException(f"{slug} imported as a draft, not published: {exc.message}") from exc
    click.echo(f"{slug}: published")
