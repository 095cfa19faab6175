"""SQLite writers wait in a kernel queue instead of polling for the lock.

SQLite lets one connection write at a time. A connection that finds the
write lock taken retries under ``busy_timeout`` with sleeps of 1, 2, 5, 10,
15, 20, 25 … 100 ms, so under load a waiter often sleeps on long after the
lock was freed: with four gunicorn workers answering at once, that sleep is
most of the tail latency of an answer. Here every transaction of the app
first takes an exclusive ``flock(2)`` on a file beside the database, just
before its first INSERT/UPDATE/DELETE, and drops it right after its commit or
rollback: waiters block in the kernel and wake the moment the lock is free.
Readers never take it (WAL lets them read beside the writer), and
``busy_timeout`` still covers writers that do not use it (the sqlite3 shell).

Used through ``sqlite3.connect(factory=...)``; see :func:`connect_args`.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        if not _is_write(sql):
            return super().execute(sql, parameters)
        self.connection._take_writer_lock()
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection._release_unless_in_transaction()

    def executemany(self, sql, seq_of_parameters, /):
        if not _is_write(sql):
            return super().executemany(sql, seq_of_parameters)
        self.connection._take_writer_lock()
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection._release_unless_in_transaction()


def _is_write(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITES)


class _Connection(sqlite3.Connection):
    """A sqlite3 connection that holds the writer lock from its first write to commit."""

    lock_path: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        self._lock_held = False

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        return self.cursor().executemany(sql, seq_of_parameters)

    def _take_writer_lock(self) -> None:
        if not self._lock_held:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            self._lock_held = True

    def _release_writer_lock(self) -> None:
        if self._lock_held:
            self._lock_held = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _release_unless_in_transaction(self) -> None:
        if not self.in_transaction:  # autocommit, or the statement failed and ended it
            self._release_writer_lock()

    def commit(self):
        try:
            return super().commit()
        finally:
            self._release_writer_lock()

    def rollback(self):
        try:
            return super().rollback()
        finally:
            self._release_writer_lock()

    def close(self):
        try:
            return super().close()
        finally:
            self._release_writer_lock()
            if self._lock_fd >= 0:
                os.close(self._lock_fd)
                self._lock_fd = -1


def connect_args(database_path: str) -> dict:
    """``sqlite3.connect`` arguments that make connections to ``database_path``
    queue for the writer lock ``<database>-writer.lock``."""
    factory = type("WriterLockedConnection", (_Connection,), {"lock_path": database_path + "-writer.lock"})
    return {"factory": factory}


def configure(config: dict, instance_path: str) -> None:
    """Give the engine of a file-backed SQLite ``SQLALCHEMY_DATABASE_URI`` the writer lock.

    Leaves other databases (PostgreSQL, in-memory SQLite) alone, and an
    explicit ``connect_args["factory"]`` wins.
    """
    from sqlalchemy.engine import make_url

    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return
    path = database if os.path.isabs(database) else os.path.join(instance_path, database)
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # a file on this machine cannot drop a connection the way a server can:
    # no "SELECT 1" before every request's first statement (issue 19)
    options["pool_pre_ping"] = False
    options["connect_args"] = {**connect_args(path), **(options.get("connect_args") or {})}
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
