"""The unit of work: services add and flush, the request or task commits once.

Outbox rows written during the transaction are dispatched only after the
commit succeeds, so a rolled-back request never sends anything.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.extensions import db

OUTBOX_KEY = "lms_outbox_new"
TASKS_KEY = "lms_outbox_tasks_new"
logger = logging.getLogger(__name__)
T = TypeVar("T")


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
    block (``AUTOCOMMIT``), without the BEGIN and ROLLBACK round trips. Only for views that never write (a
    write would be committed at once, alone). SQLite keeps its BEGIN."""
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
    if db.engine.dialect.name == "postgresql" and not session.in_transaction() and not bound_to_a_connection(session):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def bound_to_a_connection(session: Session) -> bool:
    return isinstance(session.bind, Connection)  # as the tests bind theirs: it shares that connection's transaction


def insert_once(row: T, find: Callable[[], T | None]) -> T:
    """Add ``row`` inside a savepoint, so that a lost race does not spoil the caller's transaction: when a unique
    key refuses it (another transaction wrote the same key first and committed), the row ``find()`` reads
    instead. The IntegrityError goes on when ``find()`` finds none (another constraint refused the row)."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing
    return row
