"""SQLite: requests whose method is safe read in deferred transactions (side by side); others take the
write lock at BEGIN (BEGIN IMMEDIATE), as tasks and commands do."""
import logging
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

import lms.core.db  # noqa: F401  (its engine listeners)


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'begin.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
        conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
    yield engine
    engine.dispose()


@pytest.fixture
def web():
    return Flask("begin-test")


@pytest.fixture
def begins(engine):
    seen = []

    def record(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@contextmanager
def transaction(engine, web, method: str | None, *, busy_ms: int = 10000):
    """A connection in a transaction begun inside a request of ``method`` (None: outside any request)."""
    conn = engine.connect()
    conn.connection.dbapi_connection.execute(f"PRAGMA busy_timeout={busy_ms}")
    try:
        if method is None:
            conn.begin()
        else:
            with web.test_request_context(method=method):
                conn.begin()
        yield conn
    finally:
        conn.rollback()
        conn.close()


def test_get_and_head_begin_deferred_the_rest_immediate(engine, web, begins):
    for method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", None):
        with transaction(engine, web, method) as conn:
            conn.execute(text("SELECT 1"))
    assert begins == ["BEGIN"] * 3 + ["BEGIN IMMEDIATE"] * 5


def test_two_get_requests_read_side_by_side_and_beside_a_writer(engine, web):
    with transaction(engine, web, "GET", busy_ms=100) as first, transaction(engine, web, "GET", busy_ms=100) as second:
        assert first.execute(text("SELECT count(*) FROM t")).scalar() == 1
        assert second.execute(text("SELECT count(*) FROM t")).scalar() == 1
        with transaction(engine, web, "POST", busy_ms=100) as writer:  # WAL: one writer beside the readers
            writer.execute(text("INSERT INTO t (v) VALUES ('b')"))
        assert first.execute(text("SELECT count(*) FROM t")).scalar() == 1  # its snapshot


def test_post_requests_take_the_write_lock_at_begin(engine, web):
    with transaction(engine, web, "POST"):
        with pytest.raises(OperationalError, match="locked"):
            with transaction(engine, web, "POST", busy_ms=50):
                pass
        with transaction(engine, web, "GET", busy_ms=50) as reader:  # a reader is not held up
            assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 1


def test_a_write_in_a_get_request_is_logged(engine, web, caplog):
    with caplog.at_level(logging.WARNING, logger="lms.core.db"):
        with web.test_request_context(method="GET"), engine.connect() as conn:
            conn.execute(text("UPDATE t SET v = 'c'"))
            conn.rollback()
    assert any("write in a GET request" in record.getMessage() for record in caplog.records)
