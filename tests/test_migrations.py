"""The migrations make exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.extensions import db


def test_autogenerate_finds_no_difference(app):
    """Run against the database that the session fixture built with `flask db upgrade`."""
    connection = db.session.connection()  # the test's own connection (SQLite allows one writer)
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migrations_downgrade_to_nothing_and_up_again(app, tmp_path):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from config import TestConfig
    from lms import create_app

    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite'}", INSTANCE_PATH=str(tmp_path))
    with other.app_context():
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()
