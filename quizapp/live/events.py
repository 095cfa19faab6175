"""The live event stream: server-sent events telling every screen of a session that it changed.

What is pushed is public and small (:func:`quizapp.services.live.stream_states`):
the phase, the question's position, a version of the teacher's changes,
how many answered and joined, the countdown. A screen that sees a new
version or phase reloads its page (one short request, the same page a
phone without JavaScript reloads every few seconds); a new count only
changes a number. No question text or answer ever goes through the stream.

Changes travel through the database, never process memory: whoever serves a
stream reads one row per watched session every :data:`POLL_SECONDS`, so a
teacher's "next" handled by one worker (or machine) reaches phones held by
any other.

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
import re
import selectors
import socket
import threading
import time

import sqlalchemy as sa
from flask import Response

from quizapp.extensions import db
from quizapp.live import bp
from quizapp.services import live

#: how often the database is asked whether a watched session changed
POLL_SECONDS = 0.1
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
    """Streams of one worker process: every socket on one selector, one database poll for all sessions.

    A phone that cannot keep up never holds the hub back: its socket is
    written without blocking, and an event that finds the previous one still
    unsent replaces it (each event is the whole state, so only the latest
    matters).
    """

    def __init__(self, engine: sa.Engine, poll_seconds: float = POLL_SECONDS):
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.selector = selectors.DefaultSelector()
        self.subscribers: dict[socket.socket, _Subscriber] = {}
        self.incoming: list[_Subscriber] = []
        self.lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.selector.register(self._wake_r, selectors.EVENT_READ)
        self.log = logging.getLogger(__name__)
        threading.Thread(target=self._run, name="live-event-hub", daemon=True).start()

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
        while True:
            try:
                for key, mask in self.selector.select(timeout=self.poll_seconds):
                    if key.fileobj is self._wake_r:
                        self._take_incoming()
                    elif mask & selectors.EVENT_READ:
                        self._readable(key.data)
                    elif mask & selectors.EVENT_WRITE:
                        self._flush(key.data)
                now = time.monotonic()
                if now >= next_poll:
                    next_poll = now + self.poll_seconds
                    self._poll()
                if now >= next_beat:
                    next_beat = now + HEARTBEAT_SECONDS
                    for subscriber in list(self.subscribers.values()):
                        self._send(subscriber, b": keep-alive\n\n")
            except Exception:  # noqa: BLE001 (the hub must outlive a database hiccup)
                self.log.exception("live event hub")
                time.sleep(1)

    def _take_incoming(self) -> None:
        try:
            self._wake_r.recv(4096)
        except BlockingIOError:
            pass
        with self.lock:
            incoming, self.incoming = self.incoming, []
        for subscriber in incoming:
            self.subscribers[subscriber.sock] = subscriber
            self.selector.register(subscriber.sock, selectors.EVENT_READ, subscriber)

    def _readable(self, subscriber: _Subscriber) -> None:
        try:
            data = subscriber.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the phone closed the stream
            self._drop(subscriber)

    def _poll(self) -> None:
        if not self.subscribers:
            return
        codes = sorted({s.code for s in self.subscribers.values()})
        with self.engine.connect() as connection:
            states = live.stream_states(connection, codes)
        payloads: dict[str, bytes] = {}
        for subscriber in list(self.subscribers.values()):
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
