"""Live sessions under ``quizapp serve`` (issue 20): the event streams of many phones are parked on each
worker's hub, not on its threads, and a change made by any process reaches every stream; announced
through Redis or PostgreSQL, it reaches them at once."""

from __future__ import annotations

import datetime as dt
import json
import selectors
import socket
import time
import uuid

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LiveSession, Question
from quizapp.serve import SlowClientWorker
from quizapp.services import live, quizzes
from quizapp.services.errors import Conflict
from tests.conftest import TEST_DATABASE_URL, redis_url
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


# --- announced changes: Redis pub/sub, PostgreSQL LISTEN/NOTIFY ----------------------------------------

#: the hubs' polls in this test, both the safety net and the fallback: only an announcement is faster
NO_POLL_SECONDS = 30.0
#: a change must reach the other server's phone within this (sent to shown), far below any poll
ANNOUNCED_WITHIN = 1.5


def _channels() -> list[str]:
    """Redis in both of CI's passes; PostgreSQL's LISTEN/NOTIFY where the suite runs on PostgreSQL."""
    return ["redis", "postgresql"] if TEST_DATABASE_URL else ["redis"]


@pytest.mark.parametrize("channel", _channels())
def test_a_change_at_one_server_reaches_a_phone_at_another_at_once(app, database_url, make_user, channel):
    """Two `quizapp serve` on one database (and one Redis): the teacher and a phone use server A, another
    phone streams from server B. With both of B's polls at 30 s, only the announcement can bring A's changes
    to B within the bound: the test fails if publishing, listening or the hub's wake-up is broken."""
    assert ANNOUNCED_WITHIN * 10 < NO_POLL_SECONDS
    env = {"LIVE_BROADCAST": channel, "LIVE_POLL_SECONDS": str(NO_POLL_SECONDS),
           "LIVE_SLOW_POLL_SECONDS": str(NO_POLL_SECONDS), "JOB_QUEUE_NAME": f"live-{uuid.uuid4().hex[:10]}"}
    if channel == "redis":
        env["JOB_QUEUE"] = redis_url()
    make_user("tess", "teacher")
    with app.app_context():
        teacher = db.session.scalar(sa.select(live.User.id).filter_by(username="tess"))
        ids = list(db.session.scalars(sa.select(Question.id).filter_by(status="published", type="true_false")
                                      .order_by(Question.id).limit(2)))
        run = live.start_session(quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Two servers"), ids, []),
                                 teacher, 30)
        session_id, code = run.id, run.code

    with Server(database_url, workers=1, **env) as a, Server(database_url, workers=1, **env) as b:
        phone = Browser()
        assert phone.submit(f"{a.url}/live/join?code={code}", f"{a.url}/live/join",
                            {"code": code, "nickname": "Ann"})[0] == 303
        tess = Browser()
        tess.submit(f"{a.url}/auth/login", f"{a.url}/auth/login", {"username": "tess", "password": "correct horse"})
        stream = Stream(b, code)
        try:
            wait_for([stream], lambda s: bool(s.states))
            assert stream.states[-1]["phase"] == "lobby" and stream.states[-1]["joined"] == 1
            time.sleep(0.3)  # B's hub listening (its first stream started it)

            def timed(change, shown) -> float:
                started = time.monotonic()
                change()
                wait_for([stream], shown, timeout=NO_POLL_SECONDS / 2)
                return time.monotonic() - started

            def control(action: str):
                return lambda: tess.submit(f"{a.url}/live/sessions/{session_id}",
                                           f"{a.url}/live/sessions/{session_id}/control", {"action": action})

            def press():
                _, page, _ = phone.get(f"{a.url}/live/play/{code}")
                assert 'class="live-choice' in page
                phone.submit(f"{a.url}/live/play/{code}", f"{a.url}/live/play/{code}/answer",
                             {"position": "1", "answer": "true"})

            took = {
                "next": timed(control("next"), lambda s: s.states[-1]["phase"] == "question"),
                "answer": timed(press, lambda s: s.states[-1]["answered"] == 1),
                "reveal": timed(control("reveal"), lambda s: s.states[-1]["phase"] == "reveal"),
            }
        finally:
            stream.sock.close()
    assert all(seconds < ANNOUNCED_WITHIN for seconds in took.values()), took


@pytest.mark.parametrize("channel", _channels())
def test_a_change_is_announced_once_committed_and_a_refused_one_never(app, make_user, channel):
    """What a listener hears is already in the database when it hears it; a refused answer (rolled back)
    announces nothing."""
    from quizapp import broadcast

    app.config.update(LIVE_BROADCAST=channel, JOB_QUEUE_NAME=f"live-{uuid.uuid4().hex[:10]}")
    if channel == "redis":
        app.config["JOB_QUEUE"] = redis_url()
    teacher = make_user("tess", "teacher")
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Question.id).filter_by(status="published", type="true_false")
                                      .order_by(Question.id).limit(1)))
        run = live.start_session(quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Heard"), ids, []), teacher, 30)
        engine = db.engine
        heard: list[dict] = []

        def on_codes(codes: list[str]) -> None:
            with engine.connect() as connection:  # what a hub would read on hearing it
                heard.extend(live.stream_states(connection, codes).values())

        def hear(count: int, within: float = 5.0) -> list[tuple]:
            """What was heard once ``count`` announcements came (or ``within`` s passed), and a moment for any more."""
            ends = time.monotonic() + within
            while len(heard) < count and time.monotonic() < ends:
                time.sleep(0.02)
            time.sleep(0.3)
            return [(s["phase"], s["joined"], s["answered"]) for s in heard]

        # each change is heard before the next is made: a busy machine's listener, reading the
        # state a moment after the announcement, would otherwise see the next change already
        listener = broadcast.listener(app, on_codes, check_seconds=0.2).start()
        try:
            assert listener.connected.wait(10)
            ann = live.join(run, nickname="Ann")
            assert hear(1) == [("lobby", 1, 0)]
            live.control(run, "next")
            assert hear(2) == [("lobby", 1, 0), ("question", 1, 0)]
            with pytest.raises(Conflict):  # refused under the session's lock: rolled back, never announced
                live.submit_answer(run, ann, 1, True, now=run.deadline_at + dt.timedelta(seconds=5))
            assert hear(3, within=1.0) == [("lobby", 1, 0), ("question", 1, 0)]
            live.submit_answer(run, ann, 1, True)
            assert hear(3) == [("lobby", 1, 0), ("question", 1, 0), ("question", 1, 1)]
        finally:
            listener.stop()
