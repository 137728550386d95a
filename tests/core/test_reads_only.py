"""Views marked ``reads_only`` (lms.core.db): on PostgreSQL their statements run outside a transaction block,
and the pooled connection comes back to transactions for the next request."""
import pytest

from lms.core.db import start_unit_of_work
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
