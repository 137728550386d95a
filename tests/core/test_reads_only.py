"""Views marked ``reads_only`` and hot paths' statements that commit alone (lms.core.db): on PostgreSQL they run
outside a transaction block, and the pooled connection comes back to transactions for the next request."""
import uuid

import pytest
from sqlalchemy import bindparam, delete, insert, select, update

from lms.auth.models import Organisation
from lms.core.clock import utcnow
from lms.core.db import commit, start_unit_of_work
from lms.core.statements import plain_statements
from lms.extensions import db


def autocommit_during(app, method: str, path: str) -> bool:
    with app.test_request_context(path, method=method):
        start_unit_of_work(app)
        try:
            raw = db.session.connection().connection.dbapi_connection
            return bool(getattr(raw, "autocommit", False)) if db.engine.dialect.name == "postgresql" else False
        finally:
            db.session.remove()


@pytest.mark.no_transaction  # the request's own session, as in production (a test's transaction is already open)
def test_the_course_page_reads_without_a_transaction_on_postgresql_only(app):
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        assert autocommit_during(app, "GET", "/formations/1") is postgresql
        assert autocommit_during(app, "GET", "/mon-parcours") is False          # not marked
        assert autocommit_during(app, "POST", "/formations/1") is False         # not a safe method
        assert autocommit_during(app, "GET", "/formations/1/elements/2") is False
        if postgresql:
            with db.engine.connect() as conn:  # the pool gave the connection back in its default mode
                assert conn.connection.dbapi_connection.autocommit is False


@pytest.mark.no_transaction
def test_plain_statements_commit_each_statement_and_leave_the_session_alone(app):
    """The steady beacon's and answer's mode (lms.core.statements.plain_statements). On PostgreSQL: a pooled
    connection of their own, each statement committed at once (another connection sees it), the request's
    session untouched, and the connection back in the pool in its default mode. On SQLite: the session's
    own transaction, committed with the request."""
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        name = f"alone-{uuid.uuid4().hex[:8]}"
        try:
            with plain_statements() as statements:
                assert statements.dialect_name == db.engine.dialect.name
                assert statements.scalar(_NEW_ORGANISATION, {"name": name, "now": utcnow()}) is not None
                if postgresql:  # committed: another connection sees it (SQLite's would wait for the write lock)
                    with db.engine.connect() as other:
                        assert other.execute(select(Organisation.id).filter_by(name=name)).one_or_none()
                assert statements.one_or_none(select(Organisation.name).filter_by(name=name), {}).name == name
                assert statements.one_or_none(select(Organisation.name).filter_by(name="none such"), {}) is None
                assert statements.rowcount(update(Organisation).filter_by(name=name).values(name=name), {}) == 1
            assert db.session().in_transaction() is not postgresql
            commit()
            if postgresql:
                with db.engine.connect() as conn:  # the pool gave the connection back in its default mode
                    assert conn.connection.dbapi_connection.autocommit is False
        finally:
            db.session.execute(delete(Organisation).filter_by(name=name))
            commit()
            db.session.remove()


_NEW_ORGANISATION = (insert(Organisation).values(name=bindparam("name"), name_key=bindparam("name"),
                                                 created_at=bindparam("now")).returning(Organisation.id))


def test_plain_statements_run_in_the_tests_own_transaction(app):
    """A session bound to a test's connection: the statements see and join the test's transaction."""
    with app.app_context():
        organisation = Organisation(name="Visible du test", name_key="visible du test")
        db.session.add(organisation)
        db.session.flush()
        with plain_statements() as statements:
            assert statements.one_or_none(select(Organisation.name).filter_by(id=bindparam("id")),
                                          {"id": organisation.id}).name == "Visible du test"
