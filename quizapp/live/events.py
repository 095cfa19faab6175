"""The live event stream: server-sent events telling every screen of a session that it changed.

What is pushed is public and small (:func:`quizapp.services.live.stream_states`):
the phase, the question's position, a version of the teacher's changes,
how many answered and joined, the countdown. A screen that sees a new
version or phase reloads its page (one short request, the same page a
phone without JavaScript reloads every few seconds); a new count only
changes a number. No question text or answer ever goes through the stream.

Changes travel through the database, never process memory: whoever serves a
stream reads one row per watched session, so a teacher's "next" handled by
one worker (or machine) reaches phones held by any other. When it reads:

* at once, when a change is announced (:mod:`quizapp.broadcast`: Redis
  pub/sub when the job queue is on Redis, PostgreSQL's LISTEN/NOTIFY on
  PostgreSQL), and every :data:`SLOW_POLL_SECONDS` besides, as a safety
  net for an announcement lost (a broker restarting);
* every :data:`POLL_SECONDS` where nothing is announced (SQLite with the
  embedded queue), or while the hub's listener is not connected.

Two servers of the same stream:

* :func:`events` (the route) holds a request thread while it streams, for
  up to :data:`STREAM_SECONDS`, then lets the browser reconnect. It serves
  ``quizapp run`` and the test client.
* :class:`EventHub` is what ``quizapp serve`` uses: its worker class
  (:class:`quizapp.serve.SlowClientWorker`) hands each stream's socket to
  the worker's one hub thread before the request reaches an app thread. The
  hub keeps every socket on one selector and polls the database once for all
  of them, so 300 phones hold 300 sockets, not 300 threads.
"""

from __future__ import annotations

import json
import logging
import os
import re
import selectors
import socket
import threading
import time

import sqlalchemy as sa
from flask import Response

from quizapp import broadcast
from quizapp.extensions import db
from quizapp.live import bp
from quizapp.services import live

#: how often the database is asked whether a watched session changed, where no change is announced
#: (LIVE_POLL_SECONDS overrides it)
POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", 0.1))
#: how often it is asked where changes are announced (the safety net); LIVE_SLOW_POLL_SECONDS overrides it
SLOW_POLL_SECONDS = float(os.environ.get("LIVE_SLOW_POLL_SECONDS", 1.0))
#: announced changes of one session read at most this often (a room answering at once: one query, not 300)
ANNOUNCED_GAP_SECONDS = 0.02
#: how long the route streams before the browser reconnects (the hub streams until the phone leaves)
STREAM_SECONDS = 25
#: a comment line this often keeps proxies from closing a quiet stream, and finds phones that left
HEARTBEAT_SECONDS = 15
#: the stream's path; the worker class recognises it before the app runs
PATH = re.compile(r"^/live/play/([0-9]{1,12})/events$")
HEADERS = (
    ("Content-Type", "text/event-stream; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Accel-Buffering", "no"),  # nginx: pass each event on at once
)


def event(state: dict) -> bytes:
    """One server-sent event carrying ``state``; its id says what it shows."""
    ident = ".".join(str(part) for part in live.state_key(state))
    return f"id: {ident}\ndata: {json.dumps(state, separators=(',', ':'))}\n\n".encode()


@bp.get("/play/<code>/events")
def events(code: str):
    """The session's changes as server-sent events (public: they say what changed, never what the answer is)."""
    code = live.get_by_code(code).code
    engine = db.engine

    def stream():
        yield b"retry: 1000\n\n"
        last = None
        ends = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < ends:
            with engine.connect() as connection:
                state = live.stream_states(connection, [code]).get(code)
            if state is None:
                return
            if live.state_key(state) != last:
                last = live.state_key(state)
                yield event(state)
            time.sleep(POLL_SECONDS)

    return Response(stream(), headers=list(HEADERS))


class _Subscriber:
    __slots__ = ("sock", "code", "key", "pending")

    def __init__(self, sock: socket.socket, code: str, key):
        self.sock = sock
        self.code = code
        self.key = key
        self.pending = b""


class EventHub:
    """Streams of one worker process: every socket on one selector, one database query for all sessions.

    It queries when a change is announced (only the sessions announced, at
    most every :data:`ANNOUNCED_GAP_SECONDS`) and polls every session it
    holds on a timer: every :data:`SLOW_POLL_SECONDS` while its listener
    hears the announcements, every :data:`POLL_SECONDS` without one.

    A phone that cannot keep up never holds the hub back: its socket is
    written without blocking, and an event that finds the previous one still
    unsent replaces it (each event is the whole state, so only the latest
    matters).
    """

    def __init__(self, engine: sa.Engine, poll_seconds: float = POLL_SECONDS, app=None,
                 slow_poll_seconds: float = SLOW_POLL_SECONDS):
        """:param app: whose announcements to hear (:func:`quizapp.broadcast.listener`); None: poll only."""
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.slow_poll_seconds = slow_poll_seconds
        self.selector = selectors.DefaultSelector()
        self.subscribers: dict[socket.socket, _Subscriber] = {}
        self.incoming: list[_Subscriber] = []
        self.announced: set[str] = set()  # codes announced and not read yet (a "*": every session)
        self.lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.selector.register(self._wake_r, selectors.EVENT_READ)
        self.log = logging.getLogger(__name__)
        self.listener = broadcast.listener(app, self.announce, lambda: self.announce(["*"])) if app else None
        if self.listener is not None:
            self.listener.start()
        threading.Thread(target=self._run, name="live-event-hub", daemon=True).start()

    def announce(self, codes: list[str]) -> None:
        """Sessions changed (the listener's thread calls this): read them at once."""
        with self.lock:
            self.announced.update(codes)
        self._wake_w.send(b"x")

    def poll_interval(self) -> float:
        """The timer's interval now: slow while announcements are heard, fast otherwise."""
        heard = self.listener is not None and self.listener.connected.is_set()
        return self.slow_poll_seconds if heard else self.poll_seconds

    # --- called by request threads ---

    def subscribe(self, sock: socket.socket, code: str) -> None:
        """Answer the request on ``sock`` with the stream of session ``code`` (a 404 for no such session)."""
        try:
            with self.engine.connect() as connection:
                state = live.stream_states(connection, [code]).get(code)
            sock.setblocking(True)
            sock.settimeout(5)
            if state is None:
                sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n"
                             b"Connection: close\r\n\r\nNot found\n")
                sock.close()
                return
            head = "".join(f"{k}: {v}\r\n" for k, v in HEADERS)
            sock.sendall(f"HTTP/1.1 200 OK\r\n{head}Connection: close\r\n\r\n".encode() + b"retry: 1000\n\n"
                         + event(state))
            sock.setblocking(False)
        except OSError:
            sock.close()
            return
        with self.lock:
            self.incoming.append(_Subscriber(sock, code, live.state_key(state)))
        self._wake_w.send(b"x")

    def count(self) -> int:
        with self.lock:
            return len(self.subscribers) + len(self.incoming)

    # --- the hub's thread ---

    def _run(self) -> None:
        next_poll = next_beat = time.monotonic()
        announced: set[str] = set()
        next_announced = 0.0  # the earliest time announced sessions are read again
        while True:
            try:
                wait = next_poll if not announced else min(next_poll, next_announced)
                for key, mask in self.selector.select(timeout=max(0.0, wait - time.monotonic())):
                    if key.fileobj is self._wake_r:
                        announced |= self._take_incoming()
                    elif mask & selectors.EVENT_READ:
                        self._readable(key.data)
                    elif mask & selectors.EVENT_WRITE:
                        self._flush(key.data)
                now = time.monotonic()
                if now >= next_poll or "*" in announced:
                    next_poll = now + self.poll_interval()
                    announced.clear()
                    self._poll()
                elif announced and now >= next_announced:
                    next_announced = now + ANNOUNCED_GAP_SECONDS
                    self._poll(announced)
                    announced = set()
                if now >= next_beat:
                    next_beat = now + HEARTBEAT_SECONDS
                    for subscriber in list(self.subscribers.values()):
                        self._send(subscriber, b": keep-alive\n\n")
            except Exception:  # noqa: BLE001 (the hub must outlive a database hiccup)
                self.log.exception("live event hub")
                time.sleep(1)

    def _take_incoming(self) -> set[str]:
        """Register the new streams; the codes announced meanwhile."""
        try:
            self._wake_r.recv(4096)
        except BlockingIOError:
            pass
        with self.lock:
            incoming, self.incoming = self.incoming, []
            announced, self.announced = self.announced, set()
        for subscriber in incoming:
            self.subscribers[subscriber.sock] = subscriber
            self.selector.register(subscriber.sock, selectors.EVENT_READ, subscriber)
        return announced

    def _readable(self, subscriber: _Subscriber) -> None:
        try:
            data = subscriber.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the phone closed the stream
            self._drop(subscriber)

    def _poll(self, only: set[str] | None = None) -> None:
        """Read the watched sessions (``only`` those, of them) and send each stream its session's news."""
        codes = {s.code for s in self.subscribers.values() if only is None or s.code in only}
        if not codes:
            return
        with self.engine.connect() as connection:
            states = live.stream_states(connection, sorted(codes))
        payloads: dict[str, bytes] = {}
        for subscriber in list(self.subscribers.values()):
            if subscriber.code not in codes:
                continue
            state = states.get(subscriber.code)
            if state is None:
                self._drop(subscriber)
                continue
            key = live.state_key(state)
            if key != subscriber.key:
                subscriber.key = key
                if subscriber.code not in payloads:
                    payloads[subscriber.code] = event(state)
                subscriber.pending = b""  # an older unsent state is worthless now
                self._send(subscriber, payloads[subscriber.code])

    def _send(self, subscriber: _Subscriber, data: bytes) -> None:
        subscriber.pending += data
        self._flush(subscriber)

    def _flush(self, subscriber: _Subscriber) -> None:
        try:
            sent = subscriber.sock.send(subscriber.pending) if subscriber.pending else 0
        except BlockingIOError:
            sent = 0
        except OSError:
            self._drop(subscriber)
            return
        subscriber.pending = subscriber.pending[sent:]
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if subscriber.pending else 0)
        if subscriber.sock in self.subscribers and self.selector.get_key(subscriber.sock).events != events:
            self.selector.modify(subscriber.sock, events, subscriber)

    def _drop(self, subscriber: _Subscriber) -> None:
        if self.subscribers.pop(subscriber.sock, None) is not None:
            try:
                self.selector.unregister(subscriber.sock)
            except (KeyError, ValueError):
                pass
        try:
            subscriber.sock.close()
        except OSError:
            pass
