"""Load benchmark: learners taking quizzes against `quizapp serve` (gunicorn).

Usage: python bench/load.py [--learners 200] [--school 2000] [--workers 4]
                            [--instances 1] [--postgres URL] [--skip-school]
                            [--duration S] [--capacity [--capacity-seconds 600]
                            [--capacity-max 6000]]

What it does, all on 127.0.0.1 and within its own time bounds:

1. Builds a fresh database in a temporary folder (`quizapp init-db` with
   DATABASE_URL pointing at it) and creates max(--learners, --school) learner
   accounts directly, in one process. Bench accounts get a cheap PBKDF2 hash
   (1,000 rounds) instead of the app's scrypt default, so that logging 2,000
   learners in measures the app, not the key-derivation function; a real
   login costs one scrypt (about 50-100 ms of one core) on top. Use
   --real-hash to keep scrypt.
2. Starts --instances `quizapp serve` processes (gunicorn, --workers workers
   each) on the same database, each on a free port: the way a school grows,
   app processes or machines behind a reverse proxy on one database. The
   learners (and the /healthz clients) are spread over them round-robin.
3. Phase 1, back to back: --learners learners log in, start the whole seed
   quiz and load each question page (the form: CSRF token, choice values);
   then all of them post every answer with no pause, then finish, open the
   review and their progress page. Answer requests/s is measured over the
   answering stage alone, and compared with /healthz requests/s measured on
   the same server with the same client and concurrency just before and just
   after it (their mean is the baseline).
4. Phase 2, a whole school: --school learners arrive over --ramp seconds and
   take the short --school-quiz at human pace (--think-min..--think-max
   seconds between seeing a question and answering it).
5. With --capacity, a search for the largest school that holds: every
   request kind's p99 (each endpoint's, and that of all requests but
   /healthz) under 250 ms, no error, no learner cut off, no answer lost or
   doubled. Each trial is phase 2 with a school of a given size; the first is
   --school, then x1.5 while each size holds (/1.5 while none has), then
   bisection between the largest size that held and the smallest that
   failed, until they are within 10% of each other, --capacity-max is
   reached, or the next trial would not end within --capacity-seconds.
   Each trial's size, p99 and verdict are printed as it ends.
   The trials share the servers and the database; every trial has fresh
   accounts (created just before it, while the servers are idle) and its own
   database check. The seed quizzes allow any number of attempts, but a
   learner's second attempt updates the review cards its first one made and
   lengthens its progress page, so trials with reused accounts would not do
   the same work.
   Every trial's learners arrive over the same --ramp seconds: the arrival
   rate is size / ramp, a school whose lessons start together, and the load
   grows with the school. Stretching the ramp with the size (a constant
   arrival rate) would not: once the ramp is longer than one learner's visit,
   the number of learners at once is rate x visit, the same for every size,
   and the search would measure only how long that plateau lasts. Choose
   --ramp as the time over which a school's learners really arrive.
6. With --postgres URL (or TEST_DATABASE_URL): the same on a throwaway
   PostgreSQL database created through that URL and dropped after.

After every phase the database is checked against the client's log: every
answer acknowledged with a 2xx/3xx is stored exactly once (lost, doubled),
and nothing unacknowledged was stored.

Prints requests/s and p50/p95/p99 latency per endpoint, errors, the checks,
each instance's request count, p99 and workers' RSS, and, as the last line:
answer_rps_ratio=<answer rps / healthz rps> p99_ms=<answer p99, phase 1>
errors=<n> lost=<n> school_p99_ms=<p99 of all requests, phase 2>
server_cpu_ms_per_question=<the gunicorn workers' CPU time over phase 2, from
/proc, summed over every instance, per answered question, every request of
the phase spread over the answers> question_requests_cpu_ms=<a question's
own three requests (page, answer, feedback), each request's thread CPU from
the access log's cpu_ms> worker_rss_mb=<the largest worker's RSS>
(SQLite figures; the PostgreSQL ones are printed above it), then, with
PostgreSQL, pg_server_cpu_ms_per_question=<the same on PostgreSQL>
pg_cpu_ratio=<PostgreSQL's / SQLite's>, pg_database_cpu_ms_per_question=<the
PostgreSQL server's own processes' CPU over phase 2 per answered question, when
it runs on this machine: SQLite's work is inside the web workers' figure,
PostgreSQL's is not> pg_cpu_ratio_with_database=<(web + database) / SQLite's
web>; with --capacity,
capacity_learners=<the largest school that held on SQLite, 0 if none> (and
pg_capacity_learners= on PostgreSQL); and always instances=<n>
nlp_in_web_workers=<1 if spaCy or its model package is mapped in any web
worker's memory (/proc/<pid>/maps) after a phase, else 0>.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUIZAPP = Path(sys.executable).with_name("quizapp")
PASSWORD = "bench-password"
#: what shows in a process's memory map once spaCy or its English model is loaded
NLP_MODULES = ("/spacy/", "en_core_web")

try:
    import aiohttp
except ImportError:  # pragma: no cover - told to the user
    sys.exit("bench/load.py needs aiohttp: pip install -e '.[bench]'")


# --------------------------------------------------------------------------- database


def init_database(url: str, env: dict) -> None:
    """Schema and seed bank through the real command, as an operator would."""
    result = subprocess.run(
        [str(QUIZAPP), "init-db"], env={**env, "DATABASE_URL": url}, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise SystemExit(f"init-db failed:\n{result.stdout}\n{result.stderr}")


def create_learners(url: str, count: int, real_hash: bool, prefix: str = "bench") -> list[str]:
    """``count`` learner accounts named ``<prefix><n>``, inserted in one statement; returns their names."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from quizapp.models import User

    # One hash for every bench account: the salt does not matter here.
    digest = generate_password_hash(PASSWORD) if real_hash else generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
    names = [f"{prefix}{n:05d}" for n in range(count)]
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(User), [{"username": name, "password_hash": digest, "role": "learner"} for name in names]
            )
    finally:
        engine.dispose()
    return names


def check_answers(url: str, acked: set[tuple[int, int]], attempt_ids: set[int]) -> dict:
    """Compare the stored answers of ``attempt_ids`` with the acknowledged ones."""
    import sqlalchemy as sa

    from quizapp.models import Answer, Attempt

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = []
            ids = sorted(attempt_ids)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows += connection.execute(
                    sa.select(Answer.attempt_id, Answer.position, Answer.score).where(Answer.attempt_id.in_(chunk))
                ).all()
                mismatched = connection.execute(
                    sa.select(sa.func.count())
                    .select_from(Attempt)
                    .where(
                        Attempt.id.in_(chunk),
                        sa.func.abs(
                            Attempt.score
                            - sa.select(sa.func.coalesce(sa.func.sum(Answer.score), 0.0))
                            .where(Answer.attempt_id == Attempt.id)
                            .scalar_subquery()
                        )
                        > 1e-6,
                    )
                ).scalar()
    finally:
        engine.dispose()
    stored = [(a, p) for a, p, _ in rows]
    unique = set(stored)
    return {
        "acknowledged": len(acked),
        "stored": len(stored),
        "lost": len(acked - unique),
        "doubled": len(stored) - len(unique),
        "unacknowledged_stored": len(unique - acked),
        "score_mismatch": int(mismatched or 0),
    }


# --------------------------------------------------------------------------- server


def proc_stat(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command's name (field 4, the parent's pid, first)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_cpu(pid: int, children: bool = False) -> float:
    """CPU seconds (user + system) process ``pid`` has used, with its reaped children's if ``children``."""
    fields = proc_stat(pid)
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def child_pids(parent: int) -> list[int]:
    """The pids of the live processes whose parent is ``parent``, in order."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):  # gone meanwhile
                if int(proc_stat(int(entry.name))[1]) == parent:
                    found.append(int(entry.name))
    return sorted(found)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``quizapp serve`` on 127.0.0.1 in its own process group."""

    def __init__(self, url: str, workers: int, threads: int, env: dict, log: Path, job_workers: int = 0):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        # append mode: successive runs of the bench add to one log
        self.log = open(log, "a")
        self.process = subprocess.Popen(
            [str(QUIZAPP), "serve", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--threads", str(threads), "--job-workers", str(job_workers)],
            env={**env, "DATABASE_URL": url}, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"quizapp serve exited; see {log}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"quizapp serve did not start in 60 s; see {log}")

    def mark(self) -> int:
        """Where the server log ends now (to read one phase's access log)."""
        self.log.flush()
        return self.log_path.stat().st_size

    def question_requests(self, since: int) -> list[dict]:
        """The access log's entries (method, duration_ms, cpu_ms, …) of every request to a question's
        address logged since ``since``: its page, the answer posted, the feedback."""
        entries = []
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            handle.seek(since)
            for line in handle:
                if "/q/" not in line:
                    continue
                with contextlib.suppress(ValueError):
                    entries.append(json.loads(line))
        return entries

    def web_workers(self) -> list[int]:
        """The gunicorn workers' pids: the server's children with its own command line (a job
        worker's is `… worker`)."""
        own = Path(f"/proc/{self.process.pid}/cmdline").read_bytes()
        found = []
        for pid in child_pids(self.process.pid):
            with contextlib.suppress(OSError):  # gone meanwhile
                if Path(f"/proc/{pid}/cmdline").read_bytes() == own:
                    found.append(pid)
        return found

    def web_cpu(self) -> dict[int, float]:
        """CPU seconds (user + system) each gunicorn worker has used so far, by pid."""
        used = {}
        for pid in self.web_workers():
            with contextlib.suppress(OSError, ValueError, IndexError):
                used[pid] = process_cpu(pid)
        return used

    def web_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker, MB."""
        sizes = []
        for pid in self.web_workers():
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def nlp_loaded(self) -> bool:
        """Whether any gunicorn worker has spaCy or a spaCy model package mapped in memory.

        Importing spaCy maps its compiled modules (``…/spacy/….so``), and no
        model loads without it, so a worker's ``/proc/<pid>/maps`` shows either."""
        for pid in self.web_workers():
            with contextlib.suppress(OSError):
                maps = Path(f"/proc/{pid}/maps").read_text(errors="replace")
                if any(name in maps for name in NLP_MODULES):
                    return True
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------- client

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ANSWER_FORM = re.compile(r'<form (?:id="answer-form" )?method="post" novalidate>(.*?)</form>', re.S)
INPUT = re.compile(r"<input\b([^>]*)>", re.S)
SELECT = re.compile(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"')
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/q/(\d+)")
TOTAL = re.compile(r"Question \d+ of (\d+)")


def answer_form(page: str, rng: random.Random) -> dict[str, list[str]]:
    """Fill the answer form of a question page as a learner would: one radio
    per group, a checkbox or two, text in text boxes, a choice in each select."""
    match = ANSWER_FORM.search(page)
    if not match:
        raise ValueError("no answer form on the question page")
    fields: dict[str, list[str]] = defaultdict(list)
    radios: dict[str, list[str]] = defaultdict(list)
    boxes: dict[str, list[str]] = defaultdict(list)
    for raw in INPUT.findall(match.group(1)):
        attrs = dict(ATTR.findall(raw))
        name, kind, value = attrs.get("name"), attrs.get("type", "text"), html.unescape(attrs.get("value", ""))
        if not name:
            continue
        if kind == "radio":
            radios[name].append(value)
        elif kind == "checkbox":
            boxes[name].append(value)
        elif kind == "hidden":
            fields[name].append(value)
        else:
            fields[name].append(rng.choice(["Minsk", "the ISW", "December 2022", "Lukashenko"]))
    for name, values in radios.items():
        fields[name].append(rng.choice(values))
    for name, values in boxes.items():
        fields[name] += rng.sample(values, k=min(len(values), rng.randint(1, 2)))
    selects = SELECT.findall(match.group(1))
    positions = [name for name, _ in selects if name.startswith("position-")]
    ranks = [str(n) for n in range(1, len(positions) + 1)]
    rng.shuffle(ranks)  # an ordering question: every item a different position
    for name, body in selects:
        options = [v for v in OPTION.findall(body) if v]
        if name in positions:
            fields[name].append(ranks[positions.index(name)])
        elif options:
            fields[name].append(rng.choice(options))
    for area in re.findall(r'<textarea\b[^>]*name="([^"]+)"', match.group(1)):
        fields[area].append("A short essay.")
    return dict(fields)


@dataclass
class Stats:
    """Latencies (ms) per endpoint, errors, and the answers acknowledged."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acked: set[tuple[int, int]] = field(default_factory=set)
    attempts: set[int] = field(default_factory=set)
    #: latencies (ms) of the learners' requests by the server (base URL) that answered them
    by_instance: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def error(self, endpoint: str, what: str) -> None:
        self.errors[endpoint] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{endpoint}: {what}")

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def all_latencies(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]


class RequestFailed(Exception):
    pass


class Learner:
    """One browser: its own cookies, one request at a time, no redirects followed
    automatically (each hop is timed as its own endpoint)."""

    def __init__(self, http: aiohttp.ClientSession, base: str, stats: Stats, username: str, seed: int):
        self.http = http
        self.base = base
        self.stats = stats
        self.username = username
        self.cookies: dict[str, str] = {}
        self.rng = random.Random(seed)
        self.attempt_id: int | None = None
        self.forms: dict[int, dict[str, list[str]]] = {}
        self.total = 0

    async def request(self, endpoint: str, method: str, path: str, data=None, expect=(200,)) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        began = time.perf_counter()
        try:
            async with self.http.request(
                method, self.base + path, data=data, headers=headers, allow_redirects=False
            ) as response:
                body = await response.text()
                status = response.status
                location = response.headers.get("Location", "")
                for name, morsel in response.cookies.items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            self.stats.error(endpoint, f"{type(exc).__name__}: {exc}")
            raise RequestFailed(endpoint) from None
        elapsed = (time.perf_counter() - began) * 1000
        self.stats.latencies[endpoint].append(elapsed)
        self.stats.by_instance[self.base].append(elapsed)
        if status not in expect:
            self.stats.error(endpoint, f"{method} {path} -> {status}")
            raise RequestFailed(endpoint)
        if location.startswith(self.base):
            location = location[len(self.base) :]
        return status, body, location

    async def log_in(self) -> None:
        _, page, _ = await self.request("GET /auth/login", "GET", "/auth/login")
        token = CSRF.search(page).group(1)
        await self.request(
            "POST /auth/login", "POST", "/auth/login",
            {"username": self.username, "password": PASSWORD, "csrf_token": token}, expect=(302, 303),
        )

    async def start(self, slug: str) -> int:
        _, page, _ = await self.request("GET /quizzes/<slug>", "GET", f"/quizzes/{slug}")
        token = CSRF.search(page).group(1)
        _, _, location = await self.request(
            "POST /quizzes/<slug>/start", "POST", f"/quizzes/{slug}/start", {"csrf_token": token}, expect=(302, 303)
        )
        match = ATTEMPT.search(location)
        if not match:
            self.stats.error("POST /quizzes/<slug>/start", f"unexpected redirect {location!r}")
            raise RequestFailed("start")
        self.attempt_id = int(match.group(1))
        self.stats.attempts.add(self.attempt_id)
        return int(match.group(2))

    def question_path(self, position: int) -> str:
        return f"/attempts/{self.attempt_id}/q/{position}"

    async def load_question(self, position: int) -> None:
        _, page, _ = await self.request("GET question", "GET", self.question_path(position))
        self.total = int(TOTAL.search(page).group(1))
        self.forms[position] = answer_form(page, self.rng)

    async def answer(self, position: int) -> None:
        fields = [(name, value) for name, values in self.forms[position].items() for value in values]
        _, _, location = await self.request(
            "POST answer", "POST", self.question_path(position), fields, expect=(302, 303)
        )
        if not location.endswith(self.question_path(position)):
            self.stats.error("POST answer", f"unexpected redirect {location!r}")
            raise RequestFailed("answer")
        self.stats.acked.add((self.attempt_id, position))

    async def see_feedback(self, position: int) -> None:
        _, page, _ = await self.request("GET feedback", "GET", self.question_path(position))
        token = CSRF.search(page)
        if token:
            self.forms.setdefault(0, {})["csrf_token"] = [token.group(1)]

    async def finish(self) -> None:
        token = self.forms.get(0, {}).get("csrf_token") or self.forms[1]["csrf_token"]
        _, _, location = await self.request(
            "POST finish", "POST", f"/attempts/{self.attempt_id}/finish", {"csrf_token": token[0]}, expect=(302, 303)
        )
        await self.request("GET review", "GET", location)

    async def progress(self) -> None:
        await self.request("GET /progress", "GET", "/progress")


def client_session(limit: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=limit, force_close=True)  # gunicorn sync workers close anyway
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=60),
    )


async def gather_bounded(coroutines, deadline: float) -> int:
    """Run ``coroutines`` together until ``deadline`` (monotonic); returns how many did not finish."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    if not tasks:
        return 0
    done, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return len(pending)


async def healthz(http: aiohttp.ClientSession, bases: list[str], concurrency: int, seconds: float, stats: Stats) -> float:
    """/healthz back to back from ``concurrency`` clients for ``seconds``, spread over ``bases``
    round-robin; requests/s."""
    done = 0
    stop = time.monotonic() + seconds

    async def client(base: str) -> None:
        nonlocal done
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                async with http.get(base + "/healthz") as response:
                    await response.read()
                    ok = response.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                stats.error("GET /healthz", f"{type(exc).__name__}: {exc}")
                continue
            stats.latencies["GET /healthz"].append((time.perf_counter() - began) * 1000)
            if ok:
                done += 1
            else:
                stats.error("GET /healthz", f"status {response.status}")

    began = time.perf_counter()
    await asyncio.gather(*(client(bases[n % len(bases)]) for n in range(concurrency)))
    return done / (time.perf_counter() - began)


# --------------------------------------------------------------------------- phases


async def measured(coroutine, result: "PhaseResult"):
    """Await ``coroutine``, noting the load generator's CPU share meanwhile."""
    began, cpu = time.perf_counter(), time.process_time()
    value = await coroutine
    result.healthz_client_cpu.append((time.process_time() - cpu) / (time.perf_counter() - began))
    return value


@dataclass
class PhaseResult:
    name: str
    stats: Stats
    seconds: float
    note: str = ""
    answer_rps: float = 0.0
    healthz_rps: list[float] = field(default_factory=list)
    unfinished: int = 0
    check: dict = field(default_factory=dict)
    client_cpu: float = 0.0
    healthz_client_cpu: list[float] = field(default_factory=list)
    service_ms: list[float] = field(default_factory=list)
    #: the gunicorn workers' CPU over the phase per answered question (ms), and their resident memory (MB)
    server_cpu_ms_per_question: float | None = None
    #: the CPU of a question's own three requests (page, answer, feedback), from the access log
    question_requests_cpu_ms: float | None = None
    #: each server's workers' resident memory (MB), by its base URL
    worker_rss_mb: dict[str, list[float]] = field(default_factory=dict)
    nlp_in_web_workers: bool = False


async def back_to_back(bases: list[str], users: list[str], slug: str, healthz_seconds: float, deadline: float) -> PhaseResult:
    stats = Stats()
    learners: list[Learner] = []
    result = PhaseResult("back to back", stats, 0.0)
    async with client_session(len(users) + 10) as http:
        learners = [Learner(http, bases[n % len(bases)], stats, name, seed=n) for n, name in enumerate(users)]

        async def prepare(learner: Learner) -> None:
            with contextlib.suppress(RequestFailed):
                await learner.log_in()
                first = await learner.start(slug)
                await learner.load_question(first)
                for position in range(1, learner.total + 1):
                    if position != first:
                        await learner.load_question(position)

        async def answer_all(learner: Learner) -> None:
            with contextlib.suppress(RequestFailed):
                for position in sorted(learner.forms):
                    await learner.answer(position)

        async def wrap_up(learner: Learner) -> None:
            with contextlib.suppress(RequestFailed):
                await learner.see_feedback(learner.total)
                await learner.finish()
                await learner.progress()

        began = time.perf_counter()
        result.unfinished += await gather_bounded([prepare(x) for x in learners], deadline)
        ready = [x for x in learners if x.total and len(x.forms) == x.total]
        result.healthz_rps.append(await measured(healthz(http, bases, len(users), healthz_seconds, stats), result))
        answering = time.perf_counter()
        cpu_answering = time.process_time()
        result.unfinished += await gather_bounded([answer_all(x) for x in ready], deadline)
        answering = time.perf_counter() - answering
        result.client_cpu = (time.process_time() - cpu_answering) / answering
        result.answer_rps = len(stats.latencies["POST answer"]) / answering
        result.healthz_rps.append(await measured(healthz(http, bases, len(users), healthz_seconds, stats), result))
        result.unfinished += await gather_bounded([wrap_up(x) for x in ready], deadline)
        result.seconds = time.perf_counter() - began
    result.note = (
        f"{len(users)} learners, quiz {slug!r} ({ready[0].total if ready else '?'} questions), answers posted back to back "
        f"after each learner loaded its question pages; {len(stats.latencies['POST answer'])} answers in {answering:.1f} s"
    )
    return result


async def school(
    bases: list[str], users: list[str], slug: str, ramp: float, think: tuple[float, float], deadline: float
) -> PhaseResult:
    stats = Stats()
    result = PhaseResult("school", stats, 0.0)

    async def learner_day(learner: Learner, delay: float) -> None:
        await asyncio.sleep(delay)
        with contextlib.suppress(RequestFailed):
            await learner.log_in()
            position = await learner.start(slug)
            await learner.load_question(position)
            for position in range(1, learner.total + 1):
                if position not in learner.forms:
                    await learner.load_question(position)
                await asyncio.sleep(learner.rng.uniform(*think))
                await learner.answer(position)
                await learner.see_feedback(position)
            await learner.finish()
            await learner.progress()

    async with client_session(len(users) + 10) as http:
        learners = [Learner(http, bases[n % len(bases)], stats, name, seed=10_000 + n) for n, name in enumerate(users)]
        rng = random.Random(7)
        began = time.perf_counter()
        cpu = time.process_time()
        result.unfinished = await gather_bounded(
            [learner_day(x, rng.uniform(0, ramp)) for x in learners], deadline
        )
        result.seconds = time.perf_counter() - began
        result.client_cpu = (time.process_time() - cpu) / result.seconds
    result.note = (
        f"{len(users)} learners arriving over {ramp:.0f} s, quiz {slug!r} (short, so the run ends in minutes), "
        f"{think[0]:g}-{think[1]:g} s between seeing a question and answering it"
    )
    return result


# --------------------------------------------------------------------------- report


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(result: PhaseResult, database: str) -> None:
    stats = result.stats
    print(f"\n== {database}: phase {result.name} — {result.note}")
    print(f"{'endpoint':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for endpoint in sorted(set(stats.latencies) | set(stats.errors)):
        values = stats.latencies.get(endpoint, [])
        print(
            f"{endpoint:<28}{len(values):>9}{len(values) / result.seconds:>9.1f}{percentile(values, 50):>9.1f}"
            f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}{max(values, default=0):>9.1f}"
            f"{stats.errors.get(endpoint, 0):>8}"
        )
    everything = [v for k, vs in stats.latencies.items() if k != "GET /healthz" for v in vs]
    print(
        f"{'all but /healthz':<28}{len(everything):>9}{len(everything) / result.seconds:>9.1f}"
        f"{percentile(everything, 50):>9.1f}{percentile(everything, 95):>9.1f}{percentile(everything, 99):>9.1f}"
        f"{max(everything, default=0):>9.1f}{stats.error_count - stats.errors.get('GET /healthz', 0):>8}"
    )
    if result.answer_rps:
        baseline = statistics.mean(result.healthz_rps)
        print(
            f"answer submission: {result.answer_rps:.0f} req/s; /healthz same server, same concurrency: "
            + " and ".join(f"{r:.0f}" for r in result.healthz_rps)
            + f" req/s (before, after; mean {baseline:.0f}) -> ratio {result.answer_rps / baseline:.3f}"
        )
    if result.service_ms:
        values = result.service_ms
        print(
            f"answer time inside gunicorn (access log, whole ms, queueing excluded): p50 {percentile(values, 50):.0f} "
            f"p95 {percentile(values, 95):.0f} p99 {percentile(values, 99):.0f} ms"
        )
    for n, (base, values) in enumerate(sorted(stats.by_instance.items(), key=lambda item: port_of(item[0]))):
        rss = result.worker_rss_mb.get(base, [])
        print(
            f"instance {n + 1} (port {port_of(base)}): {len(values)} learner requests, p99 {percentile(values, 99):.1f} ms; "
            f"worker RSS " + (", ".join(f"{mb:.0f}" for mb in rss) or "?") + " MB"
        )
    if result.server_cpu_ms_per_question is not None:
        print(f"server CPU (every instance's gunicorn workers' own user + system time over the phase, every request "
              f"of it) per answered question: {result.server_cpu_ms_per_question:.1f} ms; spaCy or its model in a web "
              f"worker: {'yes' if result.nlp_in_web_workers else 'no'}")
    if result.question_requests_cpu_ms is not None:
        print(f"of which a question's own three requests (page, answer, feedback; each request's thread CPU from "
              f"the access log's cpu_ms): {result.question_requests_cpu_ms:.1f} ms")
    cpu = f"load generator CPU (one process, one core at most): {100 * result.client_cpu:.0f}% while measuring"
    if result.healthz_client_cpu:
        cpu += " answers, " + " and ".join(f"{100 * c:.0f}%" for c in result.healthz_client_cpu) + " during /healthz"
    print(f"{cpu}; phase wall time {result.seconds:.1f} s")
    if result.unfinished:
        print(f"learners cut off by the time bound: {result.unfinished}")
    for sample in stats.error_samples:
        print("  error:", sample)
    check = result.check
    if check:
        print(
            "database check: "
            + " ".join(f"{k}={v}" for k, v in check.items())
            + (" OK" if not (check["lost"] or check["doubled"] or check["unacknowledged_stored"] or check["score_mismatch"]) else " FAILED")
        )


# --------------------------------------------------------------------------- main


def web_cpu(servers: list[Server]) -> dict[int, float]:
    """CPU seconds used so far by every gunicorn worker of ``servers``, by pid."""
    return {pid: seconds for server in servers for pid, seconds in server.web_cpu().items()}


def measure_server(servers: list[Server], result: PhaseResult, before: dict[int, float], marks: list[int]) -> None:
    """The gunicorn workers' CPU since ``before`` per answer acknowledged in the phase, their memory,
    whether an NLP model is loaded in one, and the answers' time inside gunicorn since ``marks``.

    The CPU is summed over the workers of every instance and covers every request of the phase
    (logins, starts, finishes too), spread over the answers; a worker gunicorn replaced meanwhile
    counts from zero."""
    used = sum(seconds - before.get(pid, 0.0) for pid, seconds in web_cpu(servers).items())
    answers = len(result.stats.latencies.get("POST answer", []))
    result.server_cpu_ms_per_question = 1000 * used / answers if answers else None
    result.worker_rss_mb = {server.base: server.web_rss_mb() for server in servers}
    result.nlp_in_web_workers = any(server.nlp_loaded() for server in servers)
    logged = [entry for server, mark in zip(servers, marks) for entry in server.question_requests(mark)]
    # the answers' time inside gunicorn: the request without its wait in the listen queue
    result.service_ms = [float(entry["duration_ms"]) for entry in logged
                         if entry.get("method") == "POST" and "duration_ms" in entry]
    posted = sum(entry.get("method") == "POST" for entry in logged)
    spent = sum(float(entry["cpu_ms"]) for entry in logged if entry.get("cpu_ms", "-") != "-")
    result.question_requests_cpu_ms = spent / posted if posted else None


def postgres_cpu_meter(url: str):
    """A function returning the CPU seconds the PostgreSQL server of ``url`` has used so far, or
    None when its processes cannot be read here (another machine, another container).

    With SQLite the database's work is done inside the web workers, so their CPU includes it; on
    PostgreSQL it is done in the server's backends. The postmaster (the parent of our backend)
    accounts for the backends that have exited; the live ones are read one by one. It counts
    the whole server: other databases' work on it too."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        postmaster = int(proc_stat(backend)[1])
        if "postgres" not in Path(f"/proc/{postmaster}/cmdline").read_bytes().decode(errors="replace"):
            return None
    except (OSError, ValueError, IndexError):
        return None
    finally:
        engine.dispose()

    def used() -> float:
        total = process_cpu(postmaster, children=True)
        for backend in child_pids(postmaster):
            with contextlib.suppress(OSError, ValueError, IndexError):  # ended meanwhile
                total += process_cpu(backend)
        return total

    return used


def start_servers(url: str, args, env: dict, workdir: Path, label: str) -> list[Server]:
    """``--instances`` ``quizapp serve`` processes on the database ``url``, each on its own port."""
    servers: list[Server] = []
    try:
        for n in range(args.instances):
            servers.append(Server(url, args.workers, args.threads, env, workdir / f"serve-{label}-{n + 1}.log"))
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def run_database(label: str, url: str, args, env: dict, workdir: Path) -> dict:
    """Both phases against one database; returns the summary figures."""
    began = time.monotonic()
    init_database(url, env)
    users = create_learners(url, max(args.learners, args.school), args.real_hash)
    print(f"{label}: schema and seed bank loaded, {len(users)} learners created in {time.monotonic() - began:.1f} s")
    servers = start_servers(url, args, env, workdir, label)
    bases = [server.base for server in servers]
    database_cpu = postgres_cpu_meter(url) if url.startswith("postgresql") else None
    summary: dict = {}
    try:
        phase_deadline = time.monotonic() + args.duration
        marks, cpu = [server.mark() for server in servers], web_cpu(servers)
        one = asyncio.run(back_to_back(bases, users[: args.learners], args.quiz, args.healthz_seconds, phase_deadline))
        measure_server(servers, one, cpu, marks)
        one.check = check_answers(url, one.stats.acked, one.stats.attempts)
        report(one, label)
        answers = one.stats.latencies["POST answer"]
        summary.update(
            ratio=one.answer_rps / statistics.mean(one.healthz_rps) if one.healthz_rps else 0.0,
            p99=percentile(answers, 99),
            errors=one.stats.error_count + one.unfinished,
            lost=one.check["lost"],
            doubled=one.check["doubled"] + one.check["unacknowledged_stored"] + one.check["score_mismatch"],
            nlp=one.nlp_in_web_workers,
            worker_rss_mb=max((mb for sizes in one.worker_rss_mb.values() for mb in sizes), default=0.0),
        )
        if args.school and not args.skip_school:
            school_deadline = time.monotonic() + args.duration
            marks, cpu = [server.mark() for server in servers], web_cpu(servers)
            database_before = database_cpu() if database_cpu else 0.0
            two = asyncio.run(
                school(bases, users[: args.school], args.school_quiz, args.ramp,
                       (args.think_min, args.think_max), school_deadline)
            )
            measure_server(servers, two, cpu, marks)
            summary["server_cpu_ms_per_question"] = two.server_cpu_ms_per_question
            summary["question_requests_cpu_ms"] = two.question_requests_cpu_ms
            answers = len(two.stats.latencies.get("POST answer", []))
            if database_cpu and answers:
                summary["database_cpu_ms_per_question"] = 1000 * (database_cpu() - database_before) / answers
            summary["worker_rss_mb"] = max((mb for sizes in two.worker_rss_mb.values() for mb in sizes), default=0.0)
            summary["nlp"] = summary["nlp"] or two.nlp_in_web_workers
            two.check = check_answers(url, two.stats.acked, two.stats.attempts)
            report(two, label)
            if "database_cpu_ms_per_question" in summary:
                print(f"the database server's own CPU (all its processes) over the phase per answered question: "
                      f"{summary['database_cpu_ms_per_question']:.1f} ms")
            summary["school_p99"] = percentile(two.stats.all_latencies(), 99)
            summary["school_answer_p99"] = percentile(two.stats.latencies["POST answer"], 99)
            summary["errors"] += two.stats.error_count + two.unfinished
            summary["lost"] += two.check["lost"]
            summary["doubled"] += two.check["doubled"] + two.check["unacknowledged_stored"] + two.check["score_mismatch"]
        if args.capacity:
            summary["capacity"], nlp = capacity_search(url, servers, args, label)
            summary["nlp"] = summary["nlp"] or nlp
    finally:
        for server in servers:
            server.stop()
    return summary


#: a school size holds when every request kind's p99 (and that of all of them) stays under this
CAPACITY_P99_MS = 250.0


@dataclass
class Trial:
    """One school size tried by the capacity search."""

    size: int
    p99: float  # all requests but /healthz
    worst: tuple[str, float]  # the endpoint with the highest p99, and that p99
    errors: int  # failed requests and learners cut off
    lost: int
    doubled: int  # doubled, unacknowledged stored or mis-scored answers
    seconds: float
    cpu_ms_per_question: float | None = None  # the web workers' CPU per answered question
    cut_off: bool = False  # stopped by the search's own time bound before it failed: no verdict

    @property
    def holds(self) -> bool:
        return (
            self.p99 < CAPACITY_P99_MS and self.worst[1] < CAPACITY_P99_MS
            and not (self.errors or self.lost or self.doubled)
        )

    def describe(self) -> str:
        verdict = "no verdict (the search's time bound cut it off)" if self.cut_off else (
            "holds" if self.holds else "fails")
        return (
            f"{self.size} learners: p99 {self.p99:.1f} ms (worst {self.worst[0]} {self.worst[1]:.1f} ms), "
            f"errors {self.errors}, lost {self.lost}, doubled {self.doubled}, server CPU "
            + ("?" if self.cpu_ms_per_question is None else f"{self.cpu_ms_per_question:.1f}")
            + f" ms per question, {self.seconds:.0f} s -> {verdict}"
        )


def judge(result: PhaseResult, size: int, cut_off_by_search: bool) -> Trial:
    """The figures of one capacity trial: p99 over all requests but /healthz and per endpoint."""
    stats, check = result.stats, result.check
    latencies = {k: v for k, v in stats.latencies.items() if k != "GET /healthz"}
    worst = max(((k, percentile(v, 99)) for k, v in latencies.items()), key=lambda kv: kv[1], default=("-", 0.0))
    trial = Trial(
        size=size,
        p99=percentile([v for values in latencies.values() for v in values], 99),
        worst=worst,
        errors=stats.error_count,
        lost=check["lost"],
        doubled=check["doubled"] + check["unacknowledged_stored"] + check["score_mismatch"],
        seconds=result.seconds,
        cpu_ms_per_question=result.server_cpu_ms_per_question,
    )
    # Learners still busy when the search ran out of time are no failure of the server, unless
    # what was measured already fails.
    if result.unfinished and cut_off_by_search and trial.holds:
        trial.cut_off = True
    trial.errors += result.unfinished
    return trial


def next_size(size: int, held: int, failed: int | None, most: int) -> int | None:
    """The school size to try after ``size``, or None when the search is done.

    Grow x1.5 while every size holds (up to ``most``), shrink /1.5 while none
    does, then bisect between the largest that held and the smallest that
    failed until they are within 10% of each other."""
    if failed is None:
        return None if size >= most else min(most, max(size + 1, int(size * 1.5)))
    if not held:
        return None if size <= 1 else max(1, int(size / 1.5))
    if failed - held <= max(1, held // 10):
        return None
    return (held + failed) // 2


def capacity_search(url: str, servers: list[Server], args, label: str) -> tuple[int, bool]:
    """The largest school size that holds (see :class:`Trial`), searched within --capacity-seconds,
    and whether an NLP model was seen in a web worker after any trial.

    Every trial is a school phase of fresh learner accounts on the same
    servers and database, checked against the database on its own."""
    end = time.monotonic() + args.capacity_seconds
    bases = [server.base for server in servers]
    think = (args.think_min, args.think_max)
    held, failed, nlp = 0, None, False
    size = max(1, min(args.school or 100, args.capacity_max))
    # A trial lasts the ramp plus one learner's visit: assume 4 questions at the slowest pace
    # until a trial has been measured.
    expected = args.ramp + 4 * args.think_max + 10
    print(f"\n== {label}: capacity search — school sizes from {size} up to {args.capacity_max}, each arriving over "
          f"{args.ramp:.0f} s; holds when every request kind's p99 < {CAPACITY_P99_MS:.0f} ms with no error, lost or "
          f"doubled answer; {args.capacity_seconds:.0f} s in all")
    for n in itertools.count(1):
        if time.monotonic() + expected > end:
            print(f"capacity search: stopped, a trial of about {expected:.0f} s would not end within the time bound")
            break
        began = time.monotonic()
        users = create_learners(url, size, args.real_hash, prefix=f"cap{n:02d}-")
        deadline = min(end, time.monotonic() + args.duration)
        marks, cpu = [server.mark() for server in servers], web_cpu(servers)
        result = asyncio.run(school(bases, users, args.school_quiz, args.ramp, think, deadline))
        measure_server(servers, result, cpu, marks)
        nlp = nlp or result.nlp_in_web_workers
        result.check = check_answers(url, result.stats.acked, result.stats.attempts)
        trial = judge(result, size, cut_off_by_search=deadline == end)
        print(f"capacity trial {n}: {trial.describe()}", flush=True)
        expected = time.monotonic() - began
        if trial.cut_off:
            break
        if trial.holds:
            held = max(held, size)
        else:
            failed = size if failed is None else min(failed, size)
        following = next_size(size, held, failed, args.capacity_max)
        if following is None:
            break
        size = following
    bound = f"; the smallest that failed: {failed}" if failed else f" (no size up to {args.capacity_max} failed)"
    print(f"capacity: {held} learners{bound}")
    return held, nlp


@contextlib.contextmanager
def postgres_database(admin_url: str):
    """A throwaway database on the PostgreSQL server of ``admin_url``."""
    import sqlalchemy as sa

    admin = sa.make_url(admin_url)
    if admin.drivername in ("postgres", "postgresql"):
        admin = admin.set(drivername="postgresql+psycopg")
    host = admin.host or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
        raise SystemExit(f"--postgres must be a server on this machine (127.0.0.1), not {host}")
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"quizapp_bench_{uuid.uuid4().hex[:10]}"
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200, help="phase 1: concurrent learners (default 200)")
    parser.add_argument("--quiz", default="belarus-trainers", help="phase 1 quiz slug (default: the whole seed quiz)")
    parser.add_argument("--school", type=int, default=2000, help="phase 2: learners at human pace (default 2000; 0 skips)")
    parser.add_argument("--school-quiz", default="belarus-trainers-places", help="phase 2 quiz slug (4 questions)")
    parser.add_argument("--skip-school", action="store_true", help="run phase 1 only")
    parser.add_argument("--ramp", type=float, default=60.0, help="phase 2: seconds over which learners arrive")
    parser.add_argument("--think-min", type=float, default=5.0, help="phase 2: least seconds before answering")
    parser.add_argument("--think-max", type=float, default=15.0, help="phase 2: most seconds before answering")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per instance (default 4)")
    parser.add_argument("--instances", type=int, default=1,
                        help="`quizapp serve` processes on the same database, each on its own port; learners "
                             "are spread over them round-robin (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (default 1)")
    parser.add_argument("--healthz-seconds", type=float, default=5.0, help="length of each /healthz measurement")
    parser.add_argument("--duration", type=float, default=240.0, help="upper bound on each phase, seconds")
    parser.add_argument("--postgres", metavar="URL", default=os.environ.get("TEST_DATABASE_URL"),
                        help="also run against a throwaway database on this PostgreSQL server "
                             "(default: $TEST_DATABASE_URL)")
    parser.add_argument("--no-postgres", action="store_true", help="ignore TEST_DATABASE_URL")
    parser.add_argument("--capacity", action="store_true",
                        help="after the phases, search for the largest school (learners arriving over --ramp "
                             f"seconds) whose every request kind keeps p99 < {CAPACITY_P99_MS:.0f} ms with no error "
                             "and no lost or doubled answer, starting at --school")
    parser.add_argument("--capacity-seconds", type=float, default=600.0,
                        help="time bound on the capacity search, per database (default 600)")
    parser.add_argument("--capacity-max", type=int, default=6000,
                        help="largest school the capacity search tries (default 6000)")
    parser.add_argument("--real-hash", action="store_true", help="give bench accounts the app's scrypt hash")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    args = parser.parse_args(argv)
    if args.learners < 1:
        parser.error("--learners must be at least 1")
    if args.instances < 1:
        parser.error("--instances must be at least 1")
    if args.capacity_max < 1:
        parser.error("--capacity-max must be at least 1")

    sys.path.insert(0, str(ROOT))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["SECRET_KEY"] = "bench-" + uuid.uuid4().hex
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-load-"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at start; server: {args.instances} x "
          f"quizapp serve (gunicorn, {args.workers} workers x {args.threads} threads each); "
          f"client: one asyncio process (aiohttp)")
    pg: dict = {}
    try:
        sqlite = run_database("sqlite", f"sqlite:///{workdir / 'load.sqlite'}", args, env, workdir)
        if args.postgres and not args.no_postgres:
            with postgres_database(args.postgres) as url:
                pg = run_database("postgresql", url, args, env, workdir)
            print(
                "postgresql: "
                f"answer_rps_ratio={pg['ratio']:.3f} p99_ms={pg['p99']:.1f} errors={pg['errors']} lost={pg['lost']} "
                f"school_p99_ms={pg.get('school_p99', float('nan')):.1f} "
                f"server_cpu_ms_per_question={figure(pg.get('server_cpu_ms_per_question'))}"
                + (f" capacity_learners={pg['capacity']}" if "capacity" in pg else "")
            )
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if hasattr(os, "getloadavg"):
        print(f"machine: load average {os.getloadavg()[0]:.2f} at the end")
    school_p99 = sqlite.get("school_p99")
    if school_p99 is not None:
        print(f"school answer p99: {sqlite['school_answer_p99']:.1f} ms (school_p99_ms below covers every request)")
    if sqlite["doubled"]:
        print(f"integrity: {sqlite['doubled']} doubled, unacknowledged or mis-scored answers (see the checks above)")
    cpu = sqlite.get("server_cpu_ms_per_question")
    line = (
        f"answer_rps_ratio={sqlite['ratio']:.3f} p99_ms={sqlite['p99']:.1f} errors={sqlite['errors']} "
        f"lost={sqlite['lost']} school_p99_ms={figure(school_p99)} server_cpu_ms_per_question={figure(cpu)} "
        f"question_requests_cpu_ms={figure(sqlite.get('question_requests_cpu_ms'))} "
        f"worker_rss_mb={figure(sqlite.get('worker_rss_mb'), '.0f')}"
    )
    if "capacity" in sqlite:
        line += f" capacity_learners={sqlite['capacity']}"
    if pg:
        pg_cpu = pg.get("server_cpu_ms_per_question")
        pg_database = pg.get("database_cpu_ms_per_question")
        line += (
            f" pg_server_cpu_ms_per_question={figure(pg_cpu)}"
            f" pg_question_requests_cpu_ms={figure(pg.get('question_requests_cpu_ms'))} pg_cpu_ratio={figure(pg_cpu / cpu if pg_cpu and cpu else None, '.2f')}"
            f" pg_database_cpu_ms_per_question={figure(pg_database)}"
            f" pg_cpu_ratio_with_database={figure((pg_cpu + pg_database) / cpu if pg_cpu and pg_database and cpu else None, '.2f')}"
        )
        if "capacity" in pg:
            line += f" pg_capacity_learners={pg['capacity']}"
    line += f" instances={args.instances} nlp_in_web_workers={int(sqlite['nlp'] or pg.get('nlp', False))}"
    print(line)
    failed = [s for s in (sqlite, pg) if s and (s["errors"] or s["lost"] or s["doubled"])]
    return 1 if failed else 0


def figure(value: float | None, spec: str = ".1f") -> str:
    """``value`` for the last line: ``nan`` when it was not measured."""
    return "nan" if value is None else format(value, spec)


if __name__ == "__main__":
    sys.exit(main())
