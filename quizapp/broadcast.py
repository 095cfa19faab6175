"""Waking the live screens at once, across processes and machines (issue 20).

A live session's state is only in the database; every worker's event hub
(:class:`quizapp.live.events.EventHub`) reads it. Polling alone makes a
change wait for the next poll, so a change is also *announced*: the unit of
work that makes it calls :func:`changed` before its commit, and the hubs that
listen query the session at once. What travels is only the join code, and
only once the change is committed:

- ``redis``: when the job queue's broker is Redis (``JOB_QUEUE=redis://…``),
  the code is published on the channel ``<JOB_QUEUE_NAME>:live`` after the
  commit (a session event, so a rolled-back change announces nothing).
- ``postgresql``: on a PostgreSQL database, ``pg_notify`` in the same
  transaction; PostgreSQL delivers it to every ``LISTEN`` when, and only if,
  the transaction commits.
- ``none``: SQLite with the embedded queue; the hubs poll often instead.

``LIVE_BROADCAST`` (setting or environment variable) picks one; ``auto``
(the default) takes them in the order above. A broker that does not answer
never fails the change: it is logged, and the hubs' slower poll
(:data:`quizapp.live.events.SLOW_POLL_SECONDS`) still brings it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app

from quizapp.extensions import db

log = logging.getLogger(__name__)

KINDS = ("auto", "redis", "postgresql", "none")
#: PostgreSQL's channel (per database, so two installations on one server do not hear each other)
PG_CHANNEL = "quizapp_live"
_PENDING = "quizapp.broadcast.pending"
_CLIENTS: dict[str, object] = {}
_clients_lock = threading.Lock()


def configure(app: Flask) -> None:
    """Fill in ``LIVE_BROADCAST`` from the environment (``create_app`` calls this)."""
    app.config.setdefault("LIVE_BROADCAST", os.environ.get("LIVE_BROADCAST", "auto"))
    wanted = app.config["LIVE_BROADCAST"]
    if wanted not in KINDS:
        raise ValueError(f"LIVE_BROADCAST must be one of {', '.join(KINDS)}, not {wanted!r}")
    if wanted == "redis" and not _is_redis(str(app.config.get("JOB_QUEUE", ""))):
        raise ValueError("LIVE_BROADCAST=redis needs the job queue on Redis (JOB_QUEUE=redis://…)")
    if wanted == "postgresql" and not _on_postgresql(app):
        raise ValueError("LIVE_BROADCAST=postgresql needs a PostgreSQL database (DATABASE_URL)")


def _is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "unix://"))


def _on_postgresql(app: Flask) -> bool:
    return sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql"


def kind(app: Flask) -> str:
    """``redis``, ``postgresql`` or ``none``: how this app announces a live session's change."""
    wanted = app.config.get("LIVE_BROADCAST", "auto")
    if wanted != "auto":
        return wanted
    if _is_redis(str(app.config.get("JOB_QUEUE", ""))):
        return "redis"
    if _on_postgresql(app):
        return "postgresql"
    return "none"


def redis_channel(app: Flask) -> str:
    return f"{app.config.get('JOB_QUEUE_NAME', 'quizapp')}:live"


def _redis(url: str):
    """One client (a pool of connections) per URL and process; a slow broker costs a request one second at most."""
    with _clients_lock:
        client = _CLIENTS.get(url)
        if client is None:
            import redis

            client = _CLIENTS[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        return client


def changed(code: str) -> None:
    """Announce that live session ``code`` changed, once the current transaction commits.

    Call it inside the unit of work, before its commit: on PostgreSQL the
    notification is part of the transaction; for Redis the code waits in the
    session until :func:`_publish_pending` runs after the commit.
    """
    how = kind(current_app)
    if how == "postgresql":
        db.session.execute(sa.select(sa.func.pg_notify(PG_CHANNEL, code)))
    elif how == "redis":
        pending = db.session.info.setdefault(_PENDING, {})
        pending[code] = (str(current_app.config["JOB_QUEUE"]), redis_channel(current_app))


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _publish_pending(session) -> None:
    pending = session.info.pop(_PENDING, None)
    for code, (url, channel) in (pending or {}).items():
        try:
            _redis(url).publish(channel, code)
        except Exception:  # noqa: BLE001 (the change is committed; the hubs' poll brings it)
            log.warning("could not announce live session %s on Redis", code, exc_info=True)


@sa.event.listens_for(sa.orm.Session, "after_soft_rollback")
def _forget_pending(session, previous_transaction) -> None:
    if not session.in_transaction():  # the outermost transaction rolled back: its changes never happened
        session.info.pop(_PENDING, None)


class Listener:
    """A thread that hears the announcements and hands each join code to ``on_codes``.

    It reconnects by itself (after :data:`RETRY_SECONDS`); ``connected`` says
    whether it hears now, and ``on_connect`` runs after each (re)connection,
    when announcements made meanwhile may have been missed.
    """

    RETRY_SECONDS = 1.0

    def __init__(self, how: str, target: str, channel: str, on_codes: Callable[[list[str]], None],
                 on_connect: Callable[[], None] = lambda: None, check_seconds: float = 30.0):
        """:param check_seconds: how often a quiet connection is checked (a server gone away is noticed)
            and :meth:`stop` is heard."""
        self.how, self.target, self.channel = how, target, channel
        self.on_codes, self.on_connect = on_codes, on_connect
        self.check_seconds = check_seconds
        self.connected = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"live-{how}-listener", daemon=True)

    def start(self) -> "Listener":
        self.thread.start()
        return self

    def stop(self) -> None:
        """End the thread (within ``check_seconds``); a web worker's listener lives as long as its process."""
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._listen_redis() if self.how == "redis" else self._listen_postgresql()
            except Exception:  # noqa: BLE001 (a broker restarting must not end the thread)
                log.warning("live %s listener lost its connection; retrying", self.how, exc_info=True)
            self.connected.clear()
            self.stopping.wait(self.RETRY_SECONDS)

    def _listen_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.target, socket_connect_timeout=5, health_check_interval=30)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            self.connected.set()
            self.on_connect()
            while not self.stopping.is_set():
                message = pubsub.get_message(timeout=self.check_seconds)
                if message and message["type"] == "message":
                    self.on_codes([message["data"].decode()])
        finally:
            pubsub.close()
            client.close()

    def _listen_postgresql(self) -> None:
        import psycopg

        with psycopg.connect(self.target, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"LISTEN {PG_CHANNEL}")
            self.connected.set()
            self.on_connect()
            while not self.stopping.is_set():
                for notification in connection.notifies(timeout=self.check_seconds):  # each as it arrives
                    self.on_codes([notification.payload])
                connection.execute("SELECT 1")  # is the server still there? (what arrives meanwhile waits)


def listener(app: Flask, on_codes: Callable[[list[str]], None],
             on_connect: Callable[[], None] = lambda: None, **options) -> Listener | None:
    """A (not yet started) :class:`Listener` for this app's announcements, or None when it makes none."""
    how = kind(app)
    if how == "redis":
        return Listener(how, str(app.config["JOB_QUEUE"]), redis_channel(app), on_codes, on_connect, **options)
    if how == "postgresql":
        url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
        return Listener(how, url.render_as_string(hide_password=False), PG_CHANNEL, on_codes, on_connect, **options)
    return None
