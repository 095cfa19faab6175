"""Live session benchmark (issue 20): 300 phones in one session against `quizapp serve`.

Usage: python bench/live.py [--phones 300] [--questions 5] [--workers 2] [--no-load] [--keep]

What it does, all on 127.0.0.1:

1. Builds a fresh SQLite database in a temporary folder (`quizapp init-db`),
   a teacher account and a quiz of --questions multiple-choice questions of
   the seed bank, and opens a live session of it.
2. Starts `quizapp serve` (--workers workers, no job workers) on a free port.
3. --phones simulated phones join through the join form (nickname, CSRF),
   each with a cookie jar of its own, and open the session's event stream;
   a "projector" opens one more stream.
4. Beside it, unless --no-load, the normal quiz benchmark runs
   (`bench/load.py --skip-school --learners 100`, its own server and
   database on the same machine), started as the first question opens.
5. For every question: the teacher presses "next" (a real POST of the
   control form); every phone's stream must bring the new question; each
   phone then reloads its page as the page's script does (after 0-300 ms),
   and answers after a human pause (0.5-3 s); the teacher reveals.

Measured:
  next_p95_ms     from sending the teacher's "next" to each phone's stream
                  delivering the new question (all phones, all questions)
  answer_p95_ms   from sending an answer to the projector's stream showing
                  at least as many answers as had been acknowledged when that
                  answer's acknowledgement came (the projector's count rises
                  past it); printed above it, split into the answer's own
                  request (stored, acknowledged) and the push that follows
  reload_p95_ms   a phone's reload of its page after the event (the page it
                  answers on), beside the streams
  errors          any request that failed or answered other than 2xx/3xx,
                  and any stream that closed
  lost            answers acknowledged (303 with "Answer sent") but not stored,
                  or stored but not acknowledged, checked in the database

The last line: next_p95_ms=… answer_p95_ms=… reload_p95_ms=… errors=… lost=…
load_bench=<the last line of bench/load.py, or "skipped">
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

try:
    import aiohttp
except ImportError:  # pragma: no cover - told to the user
    sys.exit("bench/live.py needs aiohttp: pip install -e '.[bench]'")

from load import QUIZAPP, Server, init_database  # noqa: E402  (bench/load.py, beside this file)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TEACHER, PASSWORD = "bench-teacher", "projector correct horse 20"


def prepare(url: str, env: dict, questions: int) -> tuple[int, str]:
    """A teacher, a quiz of ``questions`` multiple-choice questions and a session in its lobby: (id, code)."""
    init_database(url, env)
    created = subprocess.run([str(QUIZAPP), "user", "create", TEACHER, "--role", "teacher", "--password-stdin"],
                             input=PASSWORD + "\n", env={**env, "DATABASE_URL": url}, capture_output=True, text=True)
    if created.returncode != 0:
        raise SystemExit(f"user create failed: {created.stdout}{created.stderr}")
    os.environ["DATABASE_URL"] = url
    import sqlalchemy as sa

    from quizapp.app import create_app
    from quizapp.extensions import db
    from quizapp.models import Question, User
    from quizapp.services import live, quizzes

    app = create_app({"SECRET_KEY": env["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        teacher = db.session.scalar(sa.select(User.id).filter_by(username=TEACHER))
        ids = list(db.session.scalars(sa.select(Question.id).filter_by(status="published", type="multiple_choice")
                                      .order_by(Question.id).limit(questions)))
        quiz = quizzes.save_quiz(teacher, quizzes.QuizSettings(title="Live bench"), ids, [])
        run = live.start_session(quiz, teacher, 60)
        result = run.id, run.code
        db.engine.dispose()
    return result


def right_choices(url: str, session_id: int) -> list[str]:
    """Per question, the value of the right button (phones answer right or wrong at random)."""
    import sqlalchemy as sa

    from quizapp.app import create_app
    from quizapp.extensions import db
    from quizapp.models import LiveSession
    from quizapp.services import live

    app = create_app({"SECRET_KEY": "unused", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        run = db.session.get(LiveSession, session_id)
        values = []
        for n, entry in enumerate(run.layout, 1):
            data = live.question_data(run, n)
            best = max(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
            values.append(str(entry["order"].index(best)))
        stored = db.session.execute(sa.text("SELECT position, count(*) FROM live_answer GROUP BY position")).all()
        db.engine.dispose()
    return values, dict(stored)


class Stream:
    """An event stream's states with the time each arrived."""

    def __init__(self):
        self.states: list[tuple[float, dict]] = []
        self.changed = asyncio.Event()
        self.closed = False

    async def follow(self, http: aiohttp.ClientSession, url: str) -> None:
        try:
            async with http.get(url, timeout=aiohttp.ClientTimeout(total=None, sock_read=None)) as response:
                buffer = b""
                async for chunk in response.content.iter_any():
                    now = time.perf_counter()
                    buffer += chunk
                    while b"\n\n" in buffer:
                        block, buffer = buffer.split(b"\n\n", 1)
                        for line in block.decode().split("\n"):
                            if line.startswith("data: "):
                                self.states.append((now, json.loads(line[6:])))
                                self.changed.set()
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 (counted as an error)
            pass
        self.closed = True
        self.changed.set()

    async def wait_for(self, test, timeout: float = 30.0) -> float | None:
        """The arrival time of the first state passing ``test``, waiting for it."""
        ends = time.perf_counter() + timeout
        while True:
            found = next((t for t, s in self.states if test(s)), None)
            if found is not None or self.closed:
                return found
            left = ends - time.perf_counter()
            if left <= 0:
                return None
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                return None


class Phone:
    def __init__(self, n: int, base: str, code: str):
        self.n, self.base, self.code = n, base, code
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.stream = Stream()
        self.page = ""
        self.errors = 0

    async def request(self, method: str, path: str, **kwargs) -> tuple[int, str]:
        try:
            async with self.http.request(method, self.base + path, allow_redirects=False, **kwargs) as response:
                text = await response.text()
                if response.status >= 400:
                    self.errors += 1
                return response.status, text
        except Exception:  # noqa: BLE001 (counted as an error)
            self.errors += 1
            return 0, ""

    async def join(self) -> None:
        _, page = await self.request("GET", f"/live/join?code={self.code}")
        token = CSRF.search(page).group(1)
        status, _ = await self.request("POST", "/live/join", data={"code": self.code, "nickname": f"phone {self.n:03d}",
                                                                     "csrf_token": token})
        if status != 303:
            self.errors += 1

    async def reload(self) -> float:
        started = time.perf_counter()
        _, self.page = await self.request("GET", f"/live/play/{self.code}")
        return time.perf_counter() - started

    async def answer(self, position: int, value: str) -> tuple[float, float, bool]:
        """(sent, acknowledged, recorded) of the answer."""
        token = CSRF.search(self.page)
        sent = time.perf_counter()
        if token is None or "live-choice" not in self.page:
            self.errors += 1
            return sent, sent, False
        status, _ = await self.request("POST", f"/live/play/{self.code}/answer",
                                       data={"position": str(position), "choice": value,
                                             "csrf_token": token.group(1)})
        acked = time.perf_counter()
        _, after = await self.request("GET", f"/live/play/{self.code}")
        return sent, acked, status == 303 and "Answer sent" in after


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def run_bench(base: str, session_id: int, code: str, phones_n: int, rights: list[str], load_cmd, env) -> dict:
    connector = aiohttp.TCPConnector(limit=0)
    teacher = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with teacher.get(base + "/auth/login") as response:
        token = CSRF.search(await response.text()).group(1)
    async with teacher.post(base + "/auth/login", data={"username": TEACHER, "password": PASSWORD,
                                                       "csrf_token": token}, allow_redirects=False) as response:
        assert response.status == 302, "the teacher could not log in"

    async def control(action: str) -> float:
        async with teacher.get(f"{base}/live/sessions/{session_id}") as response:
            token = CSRF.search(await response.text()).group(1)
        sent = time.perf_counter()
        async with teacher.post(f"{base}/live/sessions/{session_id}/control",
                                data={"action": action, "csrf_token": token}, allow_redirects=False) as response:
            if response.status != 303:
                raise SystemExit(f"control {action} answered {response.status}")
        return sent

    phones = [Phone(n, base, code) for n in range(phones_n)]
    for batch in range(0, phones_n, 50):
        await asyncio.gather(*(p.join() for p in phones[batch:batch + 50]))
    projector = Stream()
    stream_url = f"{base}/live/play/{code}/events"
    followers = [asyncio.create_task(p.stream.follow(p.http, stream_url)) for p in phones]
    followers.append(asyncio.create_task(projector.follow(teacher, stream_url)))
    joined = await projector.wait_for(lambda s: s["joined"] == phones_n)
    if joined is None:
        raise SystemExit("not every phone joined")
    for phone in phones:
        await phone.stream.wait_for(lambda s: s["phase"] == "lobby")
    print(f"{phones_n} phones joined and streaming", flush=True)

    load = subprocess.Popen(load_cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True) if load_cmd else None
    if load is not None:
        await asyncio.sleep(5)  # its server up and its learners logging in

    next_latencies, answer_latencies, pushed_latencies, posts, reloads = [], [], [], [], []
    acked_total = 0
    for position, right in enumerate(rights, 1):
        sent = await control("next")

        async def on_phone(phone: Phone) -> tuple[float | None, float, tuple]:
            arrived = await phone.stream.wait_for(lambda s: s["phase"] == "question" and s["position"] == position)
            await asyncio.sleep(random.random() * 0.3)  # the page script's spread
            took = await phone.reload()
            await asyncio.sleep(0.5 + random.random() * 2.5)  # a human reads and taps
            value = right if random.random() < 0.7 else str((int(right) + 1) % 2)
            return arrived, took, await phone.answer(position, value)

        results = await asyncio.gather(*(on_phone(p) for p in phones))
        missing = sum(1 for arrived, _, _ in results if arrived is None)
        next_latencies += [arrived - sent for arrived, _, _ in results if arrived is not None]
        reloads += [took for _, took, _ in results]
        answers = sorted((acked, sent_at) for _, _, (sent_at, acked, ok) in results if ok)
        acked_total += len(answers)
        for rank, (acked, sent_at) in enumerate(answers, 1):
            seen = await projector.wait_for(
                lambda s, r=rank, p=position: s["position"] == p and s["answered"] >= r, timeout=10)
            if seen is not None:
                answer_latencies.append(max(seen, acked) - sent_at)
                pushed_latencies.append(max(seen - acked, 0.0))
                posts.append(acked - sent_at)
            else:
                phones[0].errors += 1
        if missing:
            phones[0].errors += missing
        await control("reveal")
        print(f"question {position}: next p95 {1000 * p95(next_latencies):.0f} ms so far, "
              f"{len(answers)} answers", flush=True)

    load_line = "skipped"
    if load is not None:
        output, _ = load.communicate(timeout=900)
        lines = [line for line in output.strip().splitlines() if line.strip()]
        load_line = lines[-1] if lines else f"(no output, exit {load.returncode})"
    closed = sum(1 for p in phones if p.stream.closed) + (1 if projector.closed else 0)
    for task in followers:
        task.cancel()
    await asyncio.gather(*followers, return_exceptions=True)
    for phone in phones:
        await phone.http.close()
    await teacher.close()
    return {
        "next": next_latencies, "answer": answer_latencies, "pushed": pushed_latencies, "post": posts,
        "reload": reloads, "acked": acked_total,
        "errors": sum(p.errors for p in phones) + closed, "load": load_line,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--load-learners", type=int, default=100, help="bench/load.py learners beside it")
    parser.add_argument("--no-load", action="store_true", help="do not run bench/load.py beside it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="quizapp-bench-live-"))
    url = f"sqlite:///{folder / 'live.sqlite'}"
    env = {**os.environ, "SECRET_KEY": "bench-live-secret", "JOB_QUEUE": f"sqlite:///{folder / 'jobs.sqlite'}",
           "JOB_FILES": str(folder / "job-files")}
    env.pop("TEST_DATABASE_URL", None)
    server = None
    try:
        session_id, code = prepare(url, env, args.questions)
        rights, _ = right_choices(url, session_id)
        server = Server(url, args.workers, 1, env, folder / "serve.log")
        load_cmd = None if args.no_load else [sys.executable, str(ROOT / "bench" / "load.py"), "--skip-school",
                                              "--no-postgres", "--learners", str(args.load_learners)]
        result = asyncio.run(run_bench(server.base, session_id, code, args.phones, rights, load_cmd, env))
        _, stored = right_choices(url, session_id)
        lost = abs(sum(stored.values()) - result["acked"])
        print(f"phones={args.phones} questions={args.questions} workers={args.workers} "
              f"answers_acknowledged={result['acked']} answers_stored={sum(stored.values())}")
        print(f"next: p50 {1000 * statistics.median(result['next']):.0f} ms, p95 {1000 * p95(result['next']):.0f} ms, "
              f"max {1000 * max(result['next']):.0f} ms over {len(result['next'])} deliveries")
        print(f"answer -> projector: p50 {1000 * statistics.median(result['answer']):.0f} ms, "
              f"p95 {1000 * p95(result['answer']):.0f} ms over {len(result['answer'])} answers")
        print(f"  of which the answer's own request (stored, acknowledged): p95 {1000 * p95(result['post']):.0f} ms; "
              f"from its acknowledgement to the projector's count: p50 "
              f"{1000 * statistics.median(result['pushed']):.0f} ms, p95 {1000 * p95(result['pushed']):.0f} ms")
        print(f"phone reload after the event: p95 {1000 * p95(result['reload']):.0f} ms")
        print(f"next_p95_ms={1000 * p95(result['next']):.0f} answer_p95_ms={1000 * p95(result['answer']):.0f} "
              f"reload_p95_ms={1000 * p95(result['reload']):.0f} errors={result['errors']} lost={lost} "
              f"load_bench={result['load']}")
        return 0 if result["errors"] == 0 and lost == 0 else 1
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
