"""Pooled connections: each is checked before it is lent (the app's engine options: ``pool_pre_ping``), so one
that died while idle (server restart, idle timeout) is replaced before a request uses it, and one alive is
lent as it was (tests/core/test_db_idle.py: outside any transaction, in its own mode)."""
import pytest
from sqlalchemy import create_engine


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


def app_engine(app, url: str | None = None):
    """An engine built as the app builds its own (its URL and SQLALCHEMY_ENGINE_OPTIONS), its pool to itself."""
    return create_engine(url or app.config["SQLALCHEMY_DATABASE_URI"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"])


@pytest.mark.no_transaction  # its own engine: the test transaction's write lock would block it on SQLite
def test_a_connection_that_died_while_idle_is_replaced_before_use(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = app_engine(app)
    try:
        with engine.connect() as conn:
            first = conn.connection.dbapi_connection
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() if url.startswith("postgresql") else None
        kill(url, first, pid)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 41 + 1").scalar() == 42
            assert conn.connection.dbapi_connection is not first
    finally:
        engine.dispose()


def test_every_connection_is_checked_before_it_is_lent_and_kept_when_alive(app, tmp_path):
    """SQLite's trace callback shows every statement the pool's connection runs, the check included."""
    engine = app_engine(app, f"sqlite:///{tmp_path / 'pool.sqlite'}")
    seen = []
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.set_trace_callback(lambda sql: sql.startswith("SELECT") and seen.append(sql))
        for n in range(3):
            with engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT {n}")
                assert conn.connection.dbapi_connection is raw  # alive: kept
        assert seen == ["SELECT 1", "SELECT 0", "SELECT 1", "SELECT 1", "SELECT 1", "SELECT 2"]
    finally:
        engine.dispose()
