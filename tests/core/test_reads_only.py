"""Views marked ``reads_only`` (lms.core.db): on PostgreSQL their statements run outside a transaction block,
and the pooled connection comes back to transactions for the next request."""
import pytest

from lms.core.db import end_statements_alone, start_unit_of_work, statements_alone
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


def autocommit_now() -> bool:
    raw = db.session.connection().connection.dbapi_connection
    return bool(getattr(raw, "autocommit", False))


@pytest.mark.no_transaction
def test_statements_alone_then_back_to_a_transaction(app):
    """The steady beacon's and answer's mode (lms.core.db.statements_alone): on PostgreSQL the session's
    statements commit alone until end_statements_alone(), after which it begins transactions again."""
    with app.app_context():
        postgresql = db.engine.dialect.name == "postgresql"
        try:
            assert statements_alone() is postgresql
            assert autocommit_now() is postgresql
            if postgresql:
                end_statements_alone()
                assert autocommit_now() is False and db.session().in_transaction()
        finally:
            db.session.remove()


def test_statements_alone_changes_nothing_inside_a_transaction(app):
    """The tests' own transaction (and any session already in one) is left as it is."""
    with app.app_context():
        assert statements_alone() is False
        assert autocommit_now() is False
