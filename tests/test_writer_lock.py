"""The SQLite writer lock: held from a transaction's first write to its end."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from quizapp import writer_lock
from quizapp.extensions import db


def connect(path):
    connection = sqlite3.connect(path, timeout=5, check_same_thread=False, **writer_lock.connect_args(str(path)))
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "lock.sqlite"
    setup = sqlite3.connect(path)
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.commit()
    setup.close()
    return path


def test_a_second_writer_waits_for_the_first_to_commit(database):
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO t VALUES (1)")
    assert first._lock_held
    assert second.execute("SELECT count(*) FROM t").fetchone() == (0,)  # readers never wait
    assert not second._lock_held
    done = []

    def write():
        second.execute("INSERT INTO t VALUES (2)")
        done.append(time.monotonic())
        second.commit()

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.2)
    assert not done  # queued on the lock, not failing with "database is locked"
    committed = time.monotonic()
    first.commit()
    thread.join(timeout=5)
    assert done and done[0] >= committed
    assert not first._lock_held and not second._lock_held
    assert first.execute("SELECT n FROM t ORDER BY n").fetchall() == [(1,), (2,)]
    first.close()
    second.close()


def test_rollback_failure_and_autocommit_release_the_lock(database):
    connection = connect(database)
    connection.execute("INSERT INTO t VALUES (1)")
    connection.rollback()
    assert not connection._lock_held
    with pytest.raises(sqlite3.OperationalError):
        connection.execute("INSERT INTO missing VALUES (1)")
    assert not connection._lock_held
    connection.isolation_level = None  # autocommit: no transaction stays open
    connection.execute("INSERT INTO t VALUES (3)")
    assert not connection._lock_held
    connection.close()


def test_the_app_uses_it_on_sqlite_files_only(app, tmp_path):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            connection = db.engine.raw_connection()
            try:
                assert isinstance(connection.driver_connection, writer_lock._Connection)
            finally:
                connection.close()
    memory = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    writer_lock.configure(memory, str(tmp_path))
    assert "SQLALCHEMY_ENGINE_OPTIONS" not in memory
    postgres = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/x", "SQLALCHEMY_ENGINE_OPTIONS": {}}
    writer_lock.configure(postgres, str(tmp_path))
    assert postgres["SQLALCHEMY_ENGINE_OPTIONS"] == {}
    relative = {"SQLALCHEMY_DATABASE_URI": "sqlite:///app.sqlite"}
    writer_lock.configure(relative, str(tmp_path))
    factory = relative["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["factory"]
    assert factory.lock_path == str(tmp_path / "app.sqlite") + "-writer.lock"
    assert sa.make_url(relative["SQLALCHEMY_DATABASE_URI"]).database == "app.sqlite"
