"""The unit of work: services add and flush, the request or task commits once.

Outbox rows written during the transaction are dispatched only after the
commit succeeds, so a rolled-back request never sends anything.
"""
from __future__ import annotations

import logging
import time

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from lms.extensions import db

OUTBOX_KEY = "lms_outbox_new"
TASKS_KEY = "lms_outbox_tasks_new"
logger = logging.getLogger(__name__)


def commit() -> None:
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


# A pooled connection idle for longer than this is checked before it is lent (see _ping_if_idle).
PING_AFTER_IDLE_S = 10.0
_CHECKED_IN = "lms_checked_in_at"


@event.listens_for(Pool, "checkin")
def _remember_checkin(dbapi_connection, connection_record) -> None:
    connection_record.info[_CHECKED_IN] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, connection_record, connection_proxy) -> None:
    """A connection that sat idle in the pool (the server restarted, a firewall or an idle timeout closed it)
    is checked with ``SELECT 1`` before it is lent, and replaced if dead (DisconnectionError makes the pool
    connect again). One that was in use a moment ago is lent as is: SQLAlchemy's ``pool_pre_ping`` would
    add that round trip to every request, a fifth of the cost of a progress beacon."""
    checked_in = connection_record.info.get(_CHECKED_IN)
    if checked_in is None or time.monotonic() - checked_in < PING_AFTER_IDLE_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as exc:  # any driver's "connection closed"
        raise DisconnectionError(f"pooled connection found dead after being idle: {exc}") from exc


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
    ``reads_only`` gets its connection in AUTOCOMMIT on PostgreSQL; the pool resets it when it comes back."""
    if request.method not in READ_ONLY_METHODS or not getattr(app.view_functions.get(request.endpoint), _READS_ONLY, False):
        return
    statements_alone()


def statements_alone() -> bool:
    """On PostgreSQL, before the session's first statement: each statement then commits alone (AUTOCOMMIT),
    without the BEGIN and COMMIT round trips. For reads that need no common snapshot, and for a single write
    whose own WHERE checks what it read (compare and swap). True if so; False on SQLite or when the session
    is already in a transaction (an earlier statement's, or a test's), where nothing changes.
    ``end_statements_alone()`` before anything that needs a transaction."""
    session = db.session()
    if (db.engine.dialect.name == "postgresql" and not session.in_transaction()
            and not isinstance(session.bind, Connection)):  # a session bound to a connection shares its transaction
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return True
    return False


def first_alone(attempt):
    """``attempt()`` with statements that commit alone (statements_alone), for a hot path that either does
    its work or returns None having written nothing; after a None the session is back to transactions, for
    the full path that follows."""
    alone = statements_alone()
    result = attempt()
    if result is None and alone:
        end_statements_alone()
    return result


def end_statements_alone() -> None:
    """Back to transactions: the connection goes back to the pool (which resets its isolation level) and the
    session's next statement begins a transaction as usual. Nothing is lost: every statement has committed."""
    db.session.close()
