"""Live sessions under ``quizapp serve`` (issue 20): the event streams of many phones are parked on each
worker's hub, not on its threads, and a change made by any process reaches every stream."""

from __future__ import annotations

import json
import selectors
import socket
import time

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LiveSession, Question
from quizapp.serve import SlowClientWorker
from quizapp.services import live, quizzes
from tests.live.server import Browser, Server

#: more streams than the two workers have threads (2 × (1 + 16)): each would hold one if streams took threads
STREAMS = 60


class Stream:
    """One phone's event stream, read without blocking."""

    def __init__(self, server: Server, code: str):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.sock.sendall(f"GET /live/play/{code}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Accept: text/event-stream\r\n\r\n".encode())
        self.sock.setblocking(False)
        self.buffer = b""
        self.head = None
        self.states: list[dict] = []

    def feed(self) -> None:
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        self.buffer += data
        if self.head is None and b"\r\n\r\n" in self.buffer:
            self.head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        while self.head is not None and b"\n\n" in self.buffer:
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            for line in block.decode().split("\n"):
                if line.startswith("data: "):
                    self.states.append(json.loads(line[6:]))


def wait_for(streams: list[Stream], done, timeout: float = 10.0) -> None:
    selector = selectors.DefaultSelector()
    for stream in streams:
        selector.register(stream.sock, selectors.EVENT_READ, stream)
    ends = time.monotonic() + timeout
    while not all(done(s) for s in streams) and time.monotonic() < ends:
        for key, _ in selector.select(timeout=0.2):
            key.data.feed()
    selector.close()
    late = [s.states[-1:] for s in streams if not done(s)]
    assert not late, f"{len(late)} of {len(streams)} streams did not get it: {late[:3]}"


def test_many_streams_hold_no_threads_and_every_change_reaches_them(app, database_url, make_user):
    make_user("tess", "teacher")
    with app.app_context():
        teacher = db.session.scalar(sa.select(live.User.id).filter_by(username="tess"))
        ids = list(db.session.scalars(sa.select(Question.id).filter_by(status="published", type="multiple_choice")
                                      .order_by(Question.id).limit(2)))
        quiz = quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Served live"), ids, [])
        run = live.start_session(quiz, teacher, 30)
        session_id, code = run.id, run.code
    with app.test_request_context():
        from flask import url_for

        assert SlowClientWorker._stream_path.match(url_for("live.events", code=code))  # serve and route agree

    with Server(database_url, workers=2) as server:
        phone = Browser()
        status, _, _ = phone.submit(f"{server.url}/live/join?code={code}", f"{server.url}/live/join",
                                    {"code": code, "nickname": "Ann"})
        assert status == 303
        streams = [Stream(server, code) for _ in range(STREAMS)]
        try:
            wait_for(streams, lambda s: s.states and s.states[-1]["phase"] == "lobby")
            assert all(b"200 OK" in s.head and b"text/event-stream" in s.head for s in streams)
            # every stream is open, and the workers still answer other requests at once
            started = time.monotonic()
            healthz = Browser().get(f"{server.url}/healthz")
            assert healthz[0] == 200 and time.monotonic() - started < 2

            # the teacher's "next" through the server (one worker) reaches the streams of both
            tess = Browser()
            tess.submit(f"{server.url}/auth/login", f"{server.url}/auth/login",
                        {"username": "tess", "password": "correct horse"})
            status, _, _ = tess.submit(f"{server.url}/live/sessions/{session_id}",
                                       f"{server.url}/live/sessions/{session_id}/control", {"action": "next"})
            assert status == 303
            wait_for(streams, lambda s: s.states[-1]["phase"] == "question" and s.states[-1]["position"] == 1)

            # an answer through the server shows in every stream's count
            _, page, _ = phone.get(f"{server.url}/live/play/{code}")
            assert 'class="live-choice' in page
            status, _, _ = phone.submit(f"{server.url}/live/play/{code}", f"{server.url}/live/play/{code}/answer",
                                        {"position": "1", "choice": "0"})
            assert status == 303
            wait_for(streams, lambda s: s.states[-1]["answered"] == 1)

            # a change made by this test's own process (no web worker involved) too
            with app.app_context():
                live.control(db.session.get(LiveSession, session_id), "reveal")
            wait_for(streams, lambda s: s.states[-1]["phase"] == "reveal")
            for stream in streams:
                assert all(set(state) == {"version", "phase", "position", "answered", "joined", "remaining_ms"}
                           for state in stream.states)
        finally:
            for stream in streams:
                stream.sock.close()

        missing = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        missing.sendall(b"GET /live/play/1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert missing.recv(100).startswith(b"HTTP/1.1 404")
        missing.close()
