"""The unit of work: services add and flush, the request or task commits once.

Outbox rows written during the transaction are dispatched only after the
commit succeeds, so a rolled-back request never sends anything.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from flask import has_request_context, request
from psycopg.rows import namedtuple_row
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from lms.extensions import db

OUTBOX_KEY = "lms_outbox_new"
TASKS_KEY = "lms_outbox_tasks_new"
logger = logging.getLogger(__name__)


def commit() -> None:
    if not db.session().in_transaction():
        return  # nothing since the last commit (a hot path's statements committed alone): no more to do
    new_ids = list(db.session.info.get(OUTBOX_KEY, ()))
    task_ids = list(db.session.info.get(TASKS_KEY, ()))
    db.session.commit()
    db.session.info.pop(OUTBOX_KEY, None)
    db.session.info.pop(TASKS_KEY, None)
    if new_ids:
        from lms.core.outbox import dispatch

        dispatch(new_ids)
    if task_ids:
        from lms.core.triggers import dispatch_tasks

        dispatch_tasks(task_ids)


def rollback() -> None:
    db.session.rollback()
    db.session.info.pop(OUTBOX_KEY, None)
    db.session.info.pop(TASKS_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_outbox_on_rollback(session: Session, previous_transaction) -> None:
    """Only the outermost rollback undoes the rows; a savepoint rolled back inside the
    request leaves the messages written before it to be dispatched at commit."""
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)
        session.info.pop(TASKS_KEY, None)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: WAL so the web process and the worker can work side by side, a busy
    timeout so writers wait for each other, foreign keys on, and SQLAlchemy (not
    pysqlite) in charge of BEGIN so that SAVEPOINTs behave as on PostgreSQL."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


# Requests whose method is safe (RFC 9110 9.2.1) read only: no GET or HEAD route writes.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFERRED = "lms_sqlite_deferred"


def read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """SQLite: a plain (deferred) BEGIN for requests whose method is safe (GET, HEAD, OPTIONS), so that
    readers never queue on the write lock (WAL lets them run side by side with one writer);
    BEGIN IMMEDIATE for everything else (other requests, tasks, commands): a transaction that read
    first and writes later could otherwise fail at once with "database is locked" when another
    process wrote in between (its snapshot is stale, so waiting cannot help). SQLite is the
    single-machine default; PostgreSQL is for load."""
    if conn.dialect.name == "sqlite":
        deferred = read_only_request()
        conn.info[_DEFERRED] = deferred
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


@event.listens_for(Engine, "before_cursor_execute")
def _warn_write_in_read_only_request(conn, cursor, statement, parameters, context, executemany) -> None:
    """A GET that writes would work, but could fail with "database is locked" under concurrent writes."""
    if conn.info.get(_DEFERRED) and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
        logger.warning("write in a %s request on SQLite (deferred transaction): %s", request.method if
                       has_request_context() else "read-only", statement.split(None, 3)[:3])


# -- views that only read, outside a transaction block (PostgreSQL) --------------------------------------

_READS_ONLY = "lms_reads_only"


def reads_only(view):
    """Marks a GET view whose statements only read and need no snapshot in common (a learner's course page:
    the course, their progress, their completion). On PostgreSQL its request runs them outside a transaction
    block (``AUTOCOMMIT``), which saves the BEGIN and the ROLLBACK round trips: two of six on the course page.
    Only for views that never write (a write would be committed at once, alone). SQLite keeps its BEGIN."""
    setattr(view, _READS_ONLY, True)
    return view


def start_unit_of_work(app) -> None:
    """Before the request's first statement (a before_request hook registered first): a view marked
    ``reads_only`` gets its connection in AUTOCOMMIT on PostgreSQL, so its ORM reads, which need no common
    snapshot, go without the BEGIN and ROLLBACK round trips; the pool resets the connection when it comes
    back. Nothing changes on SQLite or in a session already in a transaction (a test's)."""
    if request.method not in READ_ONLY_METHODS or not getattr(app.view_functions.get(request.endpoint), _READS_ONLY, False):
        return
    session = db.session()
    if db.engine.dialect.name == "postgresql" and not session.in_transaction() and not _bound_to_a_connection(session):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _bound_to_a_connection(session: Session) -> bool:
    return isinstance(session.bind, Connection)  # as the tests bind theirs: it shares that connection's transaction


@contextmanager
def plain_statements() -> Iterator[PlainStatements]:
    """Runs a hot path's few plain statements, built once as Core statements: a steady beacon or quiz answer
    (a read, then a single write whose own WHERE checks what was read: compare and swap), the reads of a page
    served on every request.

    On PostgreSQL they run on the driver itself, without the Session's and Core's bookkeeping, which cost
    more than the statements (half of a beacon's CPU). Before the request's first statement (an API call with
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
    elif session.in_transaction() or _bound_to_a_connection(session):
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
