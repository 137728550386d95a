"""Driver-level SQL for the few measured hot paths (a steady beacon, a steady quiz answer, the course page's
state): Core statements compiled once, run on psycopg itself on PostgreSQL. Nothing else uses it; the unit
of work (lms.core.db) stays the rule for every other statement.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from psycopg.rows import namedtuple_row
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

from lms.core.db import bound_to_a_connection
from lms.extensions import db


@contextmanager
def plain_statements() -> Iterator[PlainStatements]:
    """Runs a hot path's few plain statements, built once as Core statements: a steady beacon or quiz answer
    (a read, then a single write whose own WHERE checks what was read: compare and swap), the reads of a page
    served on every request.

    On PostgreSQL they run on the driver itself, without the Session's and Core's bookkeeping (which cost
    more than the statements: bench/RESULTS.md). Before the request's first statement (an API call with
    a bearer token), on a pooled connection of their own in AUTOCOMMIT, each committing alone: no BEGIN or
    COMMIT round trip, and the request's session left untouched, so a hot path that declines (returns None
    having written nothing) hands over to a full path in one transaction as usual. When the session already
    has its transaction (a browser's request, whose user was loaded; a test's), on the session's connection,
    inside that transaction: one connection per request, committed with it.
    On SQLite, where a write needs its BEGIN IMMEDIATE: the same statements through Core, on the session's
    connection, in the request's transaction."""
    session = db.session()
    if db.engine.dialect.name != "postgresql":
        yield _CoreStatements(session.connection())
    elif session.in_transaction() or bound_to_a_connection(session):
        connection = session.connection()
        yield _DriverStatements(connection.connection.driver_connection, connection.dialect)
    else:
        pooled = db.engine.raw_connection()  # checked as any other (pool_pre_ping); back to the pool on the way out
        driver = pooled.driver_connection
        try:
            driver.autocommit = True
            yield _DriverStatements(driver, db.engine.dialect)
        except BaseException as exc:
            if driver.broken or driver.closed:  # the server went away: as SQLAlchemy does for its own statements,
                pooled.invalidate(exc)         # this connection is dropped and the pooled ones replaced
                db.engine.dispose(close=False)
            raise
        finally:
            if not driver.closed:
                driver.autocommit = False
            pooled.close()


class PlainStatements(Protocol):
    """What a hot path runs its Core statements with (plain_statements)."""

    dialect_name: str

    def rows(self, statement: Executable, parameters: dict) -> list:
        """Every row (its columns as attributes)."""

    def one_or_none(self, statement: Executable, parameters: dict):
        """The row of a statement that returns at most one, or None."""

    def scalar(self, statement: Executable, parameters: dict):
        """The first column of the row, or None."""

    def rowcount(self, statement: Executable, parameters: dict) -> int:
        """How many rows an UPDATE changed."""


class _CoreStatements:
    def __init__(self, connection: Connection):
        self.connection, self.dialect_name = connection, connection.dialect.name

    def rows(self, statement, parameters):
        return self.connection.execute(statement, parameters).all()

    def one_or_none(self, statement, parameters):
        return self.connection.execute(statement, parameters).one_or_none()

    def scalar(self, statement, parameters):
        return self.connection.execute(statement, parameters).scalar()

    def rowcount(self, statement, parameters):
        return self.connection.execute(statement, parameters).rowcount


class _DriverStatements:
    dialect_name = "postgresql"

    def __init__(self, driver, dialect):
        self.driver, self.dialect = driver, dialect

    def _execute(self, statement, parameters):
        compiled = _compiled(statement, self.dialect)
        cursor = self.driver.cursor(row_factory=namedtuple_row)
        cursor.execute(compiled.sql, compiled.parameters(parameters))
        return cursor

    def rows(self, statement, parameters):
        with self._execute(statement, parameters) as cursor:
            return cursor.fetchall()

    def one_or_none(self, statement, parameters):
        with self._execute(statement, parameters) as cursor:
            return cursor.fetchone()

    def scalar(self, statement, parameters):
        row = self.one_or_none(statement, parameters)
        return None if row is None else row[0]

    def rowcount(self, statement, parameters):
        with self._execute(statement, parameters) as cursor:
            return cursor.rowcount


class _Compiled:
    """A Core statement compiled once for a dialect: its SQL, its literal values, and the conversions
    SQLAlchemy applies to its parameters (JSON to text, for instance), applied here the same way."""

    def __init__(self, statement: Executable, dialect):
        compiled = statement.compile(dialect=dialect)
        if compiled.insert_prefetch or compiled.update_prefetch:  # Python-side defaults: SQLAlchemy's to run
            raise ValueError(f"a plain statement names every value it writes: {compiled.string}")
        self.sql = compiled.string
        self.defaults, self.processors = {}, {}
        for name, value in compiled.params.items():
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if not bind.required:
                self.defaults[name] = process(value) if process else value
            elif process:
                self.processors[name] = process

    def parameters(self, values: dict) -> dict:
        parameters = {**self.defaults, **values}
        for name, process in self.processors.items():
            parameters[name] = process(parameters[name])
        return parameters


_COMPILED: dict[tuple, _Compiled] = {}


def _compiled(statement: Executable, dialect) -> _Compiled:
    key = (statement, dialect)  # statements built once, at import: a bounded set
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _Compiled(statement, dialect)
    return compiled
