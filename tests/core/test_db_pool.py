"""Pooled connections: one that died while idle (server restart, idle timeout) is replaced before a request
uses it; one in steady use is lent without an extra round trip."""
import pytest
from sqlalchemy import create_engine

from lms.core import db as unit_of_work


def kill(url: str, dbapi_connection, backend_pid: int | None) -> None:
    """End a pooled connection the way its server would: pg_terminate_backend on PostgreSQL, close() on SQLite."""
    if backend_pid is None:
        dbapi_connection.close()
        return
    admin = create_engine(url)
    try:
        with admin.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(backend_pid)})").scalar() is True
    finally:
        admin.dispose()


@pytest.mark.no_transaction  # its own engine: the test transaction's write lock would block it on SQLite
def test_a_connection_that_died_while_idle_is_replaced_before_use(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            first, info = conn.connection.dbapi_connection, conn.connection.info
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() if url.startswith("postgresql") else None
        info[unit_of_work._CHECKED_IN] -= unit_of_work.PING_AFTER_IDLE_S + 1  # idle for a while
        kill(url, first, pid)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 41 + 1").scalar() == 42
            assert conn.connection.dbapi_connection is not first
    finally:
        engine.dispose()


def test_only_a_connection_idle_for_a_while_is_pinged(tmp_path):
    """SQLite's trace callback shows every statement the pool's connection runs, the ping included."""
    engine = create_engine(f"sqlite:///{tmp_path / 'pool.sqlite'}")
    seen = []
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.set_trace_callback(lambda sql: sql.startswith("SELECT") and seen.append(sql))
            info = conn.connection.info
        for _ in range(3):  # in steady use: lent as is
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 2")
        assert seen == ["SELECT 2"] * 3
        info[unit_of_work._CHECKED_IN] -= unit_of_work.PING_AFTER_IDLE_S + 1
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 3")
            assert conn.connection.dbapi_connection is raw  # alive: kept
        assert seen[3:] == ["SELECT 1", "SELECT 3"]
    finally:
        engine.dispose()
