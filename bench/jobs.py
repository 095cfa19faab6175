"""Background jobs beside learners: answer latency while articles become drafts.

Usage: python bench/jobs.py [--learners 300] [--seconds 60] [--stretch 10] [--articles 20]
                            [--think-min 5] [--think-max 15] [--workers 4]
                            [--job-workers 1] [--timeout 300] [--no-control] [--keep]

What it does, all on 127.0.0.1 and within its own time bounds (issue 17:
"the learners' answer p99 stays within 10% of its idle value while 20
articles generate"):

1. Builds a fresh SQLite database as bench/load.py does (`quizapp init-db`,
   learner accounts with a cheap hash) plus one teacher account, and starts
   `quizapp serve` (--workers gunicorn workers, --job-workers `quizapp
   worker` processes at their default priority: nice 19, SCHED_IDLE and, on
   Linux with autogroups, a session of their own at nice 19) with JOB_QUEUE
   a SQLite queue in the same temporary folder.
2. --learners learners log in over --ramp seconds and take the short --quiz
   again and again at human pace (--think-min..--think-max seconds between
   seeing a question and answering it) until the end of the run, so the
   learner load is the same in every phase.
3. After --warmup seconds, rounds of three stretches, until each phase has
   --seconds (or --timeout passes). Taking the phases in turn, not one after
   the other, keeps what drifts over a run (the database grows by every
   answer, the machine's neighbours come and go) from weighing on one phase:
   - idle: --stretch seconds with no job;
   - control (leave it out with --no-control): --stretch seconds with no
     job, beside a process that is no part of quizapp looping on the CPU at
     the job worker's priority; what any second busy core costs here;
   - busy: a teacher submits --articles copies of seeds/belarus-trainers.txt,
     each under its own title, through the import form (multipart, with its
     CSRF token), following each redirect to the import page, and keeps the
     first import's page open (it refreshes every 2 s while working); the
     stretch is the time some article of the round is pending or running, as
     the ArticleImport rows say (created_at to updated_at of the last state
     change).

Afterwards every answer acknowledged with a 2xx/3xx is checked to be stored
exactly once (bench/load.py's check), and the teacher opens every import
page: a finished one shows its drafts to review.

Prints, per phase, requests and p50/p95/p99 latency per endpoint as
bench/load.py does, the answer latencies side by side, the articles'
outcome and, as the last line:
idle_answer_p99_ms=<idle> busy_answer_p99_ms=<busy> ratio=<busy / idle>
articles=<n> rounds=<n> articles_done=<n> generation_seconds=<time with an
article generating> errors=<n> lost=<n> control_answer_p99_ms=<with the loop> control_ratio=<control / idle>
target_met=<ratio <= 1.10: yes/no>
The exit status is 0 when the target is met, every article is done and no
request failed and no answer was lost, doubled or mis-scored.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py: database, server, learners, report)

import aiohttp  # noqa: E402  (load.py has told the user how to install it)


ROOT = load.ROOT
ARTICLE = ROOT / "seeds" / "belarus-trainers.txt"
TARGET_RATIO = 1.10
TEACHER = "benchteacher"
IMPORT_PAGE = re.compile(r"/teach/imports/(\d+)$")
TO_REVIEW = re.compile(r"(\d+) drafts? to review")
WORKING = "Making draft questions"
FINISHED = ("done", "failed")


# --------------------------------------------------------------------------- setup


def create_teacher(url: str) -> str:
    """One teacher account with the same cheap hash as load.py's learners; returns its name."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from quizapp.models import User

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(User), [{
                "username": TEACHER,
                "password_hash": generate_password_hash(load.PASSWORD, "pbkdf2:sha256:1000"),
                "role": "teacher",
            }])
    finally:
        engine.dispose()
    return TEACHER


# --------------------------------------------------------------------------- timed statistics


class TimedList(list):
    """Latencies (ms) that also note when each request ended (monotonic seconds)."""

    def __init__(self):
        super().__init__()
        self.ends: list[float] = []

    def append(self, ms: float) -> None:
        super().append(ms)
        self.ends.append(time.monotonic())


@dataclass
class TimedStats(load.Stats):
    """:class:`load.Stats` whose requests and errors can be cut into time windows."""

    latencies: dict[str, TimedList] = field(default_factory=lambda: defaultdict(TimedList))
    error_times: list[tuple[float, str, str]] = field(default_factory=list)

    def error(self, endpoint: str, what: str) -> None:
        super().error(endpoint, what)
        self.error_times.append((time.monotonic(), endpoint, what))

    def during(self, spans: list[tuple[float, float]]) -> load.Stats:
        """The requests that started, and the errors that happened, within ``spans``."""
        part = load.Stats()
        for endpoint, values in self.latencies.items():
            for ms, end in zip(values, values.ends):
                if inside(end - ms / 1000, spans):
                    part.latencies[endpoint].append(ms)
        for when, endpoint, what in self.error_times:
            if inside(when, spans):
                part.error(endpoint, what)
        return part


def inside(moment: float, spans: list[tuple[float, float]]) -> bool:
    return any(start <= moment <= end for start, end in spans)


@dataclass
class Window:
    """One phase of the run, gathered from stretches taken in turn with the other phases: their
    spans (monotonic), server-log marks and the client's CPU time."""

    name: str
    spans: list[tuple[float, float]] = field(default_factory=list)
    log_marks: list[tuple[int, int]] = field(default_factory=list)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return sum(end - start for start, end in self.spans)


class Meter:
    """Notes where the server log and the client's CPU time stand, to add a stretch to a :class:`Window`."""

    def __init__(self, server: load.Server):
        self.server = server
        self.mark, self.cpu, self.wall = server.mark(), time.process_time(), time.monotonic()

    def close(self, window: Window, spans: list[tuple[float, float]] | None = None) -> Window:
        window.spans.extend(spans if spans is not None else [(self.wall, time.monotonic())])
        window.log_marks.append((self.mark, self.server.mark()))
        window.cpu_seconds += time.process_time() - self.cpu
        window.wall_seconds += time.monotonic() - self.wall
        return window


# --------------------------------------------------------------------------- the teacher


async def submit_article(teacher: load.Learner, title: str, text: str) -> int:
    """The import form as a browser sends it; returns the new import's id (after opening its page)."""
    _, page, _ = await teacher.request("GET /teach/imports/new", "GET", "/teach/imports/new")
    form = aiohttp.FormData(default_to_multipart=True)
    for name, value in (("title", title), ("published", ""), ("text", text), ("url", ""),
                        ("csrf_token", load.CSRF.search(page).group(1))):
        form.add_field(name, value)
    _, _, location = await teacher.request(
        "POST /teach/imports/new", "POST", "/teach/imports/new", form, expect=(302, 303)
    )
    match = IMPORT_PAGE.search(location)
    if not match:
        teacher.stats.error("POST /teach/imports/new", f"unexpected redirect {location!r}")
        raise load.RequestFailed("import")
    await teacher.request("GET import page", "GET", location)
    return int(match.group(1))


async def watch_import(teacher: load.Learner, import_id: int) -> None:
    """The import page left open: it reloads every 2 s while the drafts are being made."""
    with contextlib.suppress(load.RequestFailed):
        while True:
            await asyncio.sleep(2)
            _, page, _ = await teacher.request("GET import page", "GET", f"/teach/imports/{import_id}")
            if WORKING not in page:
                return


async def drafts_shown(teacher: load.Learner, import_id: int) -> int | None:
    """How many drafts the import page offers for review (None when it offers none)."""
    with contextlib.suppress(load.RequestFailed):
        _, page, _ = await teacher.request("GET import page", "GET", f"/teach/imports/{import_id}")
        match = TO_REVIEW.search(page)
        return int(match.group(1)) if match else None
    return None


def article_titles(count: int) -> tuple[str, list[str]]:
    """The seed article's text and ``count`` distinct titles for it."""
    from quizapp.generator import parse_article

    text = ARTICLE.read_text(encoding="utf-8")
    title = parse_article(text).title
    return text, [f"{title} (copy {n})" for n in range(1, count + 1)]


# --------------------------------------------------------------------------- the database


@dataclass
class ImportRow:
    id: int
    state: str
    created: float  # monotonic seconds, converted from the row's UTC timestamps
    updated: float
    drafts: int


def read_imports(engine, to_monotonic) -> list[ImportRow]:
    import sqlalchemy as sa

    from quizapp.models import ArticleImport, Question

    drafts = (sa.select(sa.func.count()).select_from(Question)
              .where(Question.import_id == ArticleImport.id).scalar_subquery())
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(ArticleImport.id, ArticleImport.state, ArticleImport.created_at, ArticleImport.updated_at, drafts)
            .order_by(ArticleImport.id)
        ).all()
    return [ImportRow(i, state, to_monotonic(created), to_monotonic(updated), count)
            for i, state, created, updated, count in rows]


def clock_converter():
    """UTC timestamps as the app stores them (naive) to this process's monotonic clock."""
    offset = time.time() - time.monotonic()

    def to_monotonic(moment: dt.datetime) -> float:
        return moment.replace(tzinfo=dt.timezone.utc).timestamp() - offset

    return to_monotonic


def union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --------------------------------------------------------------------------- the run


async def stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` unless ``stop`` is set first; True when it was."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
        return True
    except asyncio.TimeoutError:
        return False


async def keep_learning(learner: load.Learner, slug: str, delay: float, think: tuple[float, float],
                        stop: asyncio.Event) -> None:
    """A learner taking ``slug`` again and again at human pace until ``stop``; never
    cut off mid-request, so every answer sent has its reply."""
    if await stopped_within(stop, delay):
        return
    try:
        await learner.log_in()
        while not stop.is_set():
            learner.forms = {}
            position = await learner.start(slug)
            await learner.load_question(position)
            for position in range(1, learner.total + 1):
                if position not in learner.forms:
                    await learner.load_question(position)
                if await stopped_within(stop, learner.rng.uniform(*think)):
                    return
                await learner.answer(position)
                await learner.see_feedback(position)
            await learner.finish()
    except load.RequestFailed:
        pass  # counted in the statistics; this learner stops, as in load.py
    except (ValueError, AttributeError) as exc:  # a page without the form or token a learner needs
        learner.stats.error("page content", f"{learner.username}: {type(exc).__name__}: {exc}")


@dataclass
class Run:
    stats: TimedStats
    idle: Window
    busy: Window
    imports: list[ImportRow]
    submitted: int
    shown: dict[int, int | None]
    unfinished: int
    timed_out: bool
    rounds: int = 1
    control: Window | None = None


#: The control phase's process: no quizapp code, a loop at the job worker's priority (nice 19, SCHED_IDLE,
#: and in a session of its own whose autogroup has nice 19, as `quizapp serve` starts its workers).
BURNER = """
import os
os.nice(19)
if hasattr(os, "SCHED_IDLE"):
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
try:
    open("/proc/self/autogroup", "w").write("19")
except OSError:
    pass
while True:
    sum(range(10_000))
"""


async def control_stretch(server: load.Server, window: Window, seconds: float) -> None:
    """The same learners beside a CPU loop at the worker's priority: what any second busy core costs here."""
    import subprocess

    burner = subprocess.Popen([sys.executable, "-c", BURNER], start_new_session=True)
    try:
        await asyncio.sleep(1)
        meter = Meter(server)
        await asyncio.sleep(seconds)
        meter.close(window)
    finally:
        burner.kill()
        burner.wait()


async def run(server: load.Server, url: str, users: list[str], teacher_name: str, args) -> Run:
    import sqlalchemy as sa

    stats = TimedStats()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    to_monotonic = clock_converter()
    text, titles = article_titles(args.articles)
    think = (args.think_min, args.think_max)
    stop = asyncio.Event()
    try:
        async with load.client_session(len(users) + 10) as http:
            rng = random.Random(7)
            learners = [load.Learner(http, server.base, stats, name, seed=20_000 + n) for n, name in enumerate(users)]
            tasks = [asyncio.ensure_future(keep_learning(x, args.quiz, rng.uniform(0, args.ramp), think, stop))
                     for x in learners]
            await asyncio.sleep(args.warmup)

            # the phases in turn, a stretch of each per round, so that whatever drifts over the run (the
            # database grows, the machine's neighbours come and go) weighs on all of them alike
            idle, busy = Window("idle"), Window("busy")
            control = Window("control") if args.control else None
            teacher = load.Learner(http, server.base, stats, teacher_name, seed=1)
            ids: list[int] = []
            imports: list[ImportRow] = []
            deadline = time.monotonic() + args.timeout
            watcher = None
            with contextlib.suppress(load.RequestFailed):
                await teacher.log_in()
            for round_number in range(1, 1000):
                meter = Meter(server)
                await asyncio.sleep(args.stretch)
                meter.close(idle)
                if control is not None:
                    await control_stretch(server, control, args.stretch)
                # a round of --articles articles; its busy stretch is the time one of them was pending or running
                meter, first = Meter(server), len(ids)
                with contextlib.suppress(load.RequestFailed):
                    for title in titles:
                        ids.append(await submit_article(teacher, f"{title} round {round_number}", text))
                if watcher is None and ids:
                    watcher = asyncio.ensure_future(watch_import(teacher, ids[-1]))
                while True:
                    imports = await asyncio.to_thread(read_imports, engine, to_monotonic)
                    if all(row.state in FINISHED for row in imports) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.25)
                ended = time.monotonic()
                mine = [row for row in imports if row.id in set(ids[first:])]
                meter.close(busy, union([(row.created, row.updated if row.state in FINISHED else ended)
                                         for row in mine]))
                enough = min(idle.seconds, busy.seconds, control.seconds if control else args.seconds)
                if enough >= args.seconds or ended > deadline:
                    break
            rounds = round_number

            stop.set()
            if watcher:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
            unfinished = await load.gather_bounded(tasks, time.monotonic() + 60)
            shown = {i: await drafts_shown(teacher, i) for i in ids}
    finally:
        engine.dispose()
    return Run(stats, idle, busy, imports, len(ids), shown, unfinished,
               timed_out=not all(row.state in FINISHED for row in imports), rounds=rounds, control=control)


# --------------------------------------------------------------------------- report


def window_report(result: Run, window: Window, server: load.Server, note: str) -> tuple[load.Stats, list[float]]:
    """load.py's table for the requests of ``window``; returns them and the answers' times inside gunicorn."""
    stats = result.stats.during(window.spans)
    phase = load.PhaseResult(window.name, stats, max(window.seconds, 1e-9), note=note)
    phase.service_ms = []
    for first, last in window.log_marks:
        everything, after = server.service_times(first), server.service_times(last)
        phase.service_ms += everything[: len(everything) - len(after)]
    phase.client_cpu = window.cpu_seconds / max(window.wall_seconds, 1e-9)
    load.report(phase, "sqlite")
    return stats, phase.service_ms


def answer_row(label: str, values: list[float], inside_gunicorn: list[float]) -> str:
    p = load.percentile
    return (f"{label:<40}{len(values):>8}{p(values, 50):>9.1f}{p(values, 95):>9.1f}{p(values, 99):>9.1f}"
            f"{max(values, default=0):>9.1f}{p(inside_gunicorn, 99):>14.0f}")


def above_p99(count: int) -> int:
    """How many of ``count`` values are above the one load.percentile(…, 99) picks."""
    return count - 1 - max(0, round(0.99 * count + 0.5) - 1) if count else 0


def compare_answers(result: Run, idle: tuple[load.Stats, list[float]], busy: tuple[load.Stats, list[float]],
                    control: tuple[load.Stats, list[float]] | None = None) -> dict:
    """The answers of the phases side by side; returns their p99s and ratios."""
    idle_answers, busy_answers = idle[0].latencies["POST answer"], busy[0].latencies["POST answer"]
    idle_p99, busy_p99 = load.percentile(idle_answers, 99), load.percentile(busy_answers, 99)
    ratio = busy_p99 / idle_p99 if idle_p99 else float("nan")
    print("\n== answer submissions (POST answer), by when they were sent")
    print(f"{'':<40}{'answers':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'gunicorn p99':>14}")
    print(answer_row(f"idle ({result.idle.seconds:.0f} s, no job)", idle_answers, idle[1]))
    print(answer_row(f"busy ({result.busy.seconds:.1f} s, articles generating)", busy_answers, busy[1]))
    control_p99 = control_ratio = None
    if control is not None:
        control_answers = control[0].latencies["POST answer"]
        control_p99 = load.percentile(control_answers, 99)
        control_ratio = control_p99 / idle_p99 if idle_p99 else float("nan")
        print(answer_row(f"control ({result.control.seconds:.0f} s, a CPU loop, no job)", control_answers, control[1]))
    print(f"(p99 leaves out the {above_p99(len(idle_answers))} slowest idle answers and the "
          f"{above_p99(len(busy_answers))} slowest busy ones; gunicorn p99: time inside gunicorn, "
          "from the access log, queueing excluded)")
    met = ratio <= TARGET_RATIO
    print(f"busy/idle p99 ratio {ratio:.3f}: {'within' if met else 'NOT within'} 10% (target <= {TARGET_RATIO:.2f})")
    if control_ratio is not None:
        print(f"control/idle p99 ratio {control_ratio:.3f}: a loop at the worker's priority, no quizapp code, "
              "on the core the worker would use")
    return {"idle_p99": idle_p99, "busy_p99": busy_p99, "ratio": ratio, "met": met,
            "control_p99": control_p99, "control_ratio": control_ratio}


def articles_report(result: Run, wanted: int, timeout: float) -> dict:
    """What became of the articles; returns how many are done and how long they took."""
    rows = result.imports
    states = {state: sum(row.state == state for row in rows) for state in ("pending", "running", "done", "failed")}
    generation = result.busy.seconds  # the time some article was pending or running
    drafts = [row.drafts for row in rows]
    shown = sum(1 for count in result.shown.values() if count)
    print(f"\n== articles: {result.submitted} of {wanted} submitted through the form; "
          + ", ".join(f"{count} {state}" for state, count in states.items() if count))
    print(f"time with an article generating: {generation:.1f} s; drafts made: {sum(drafts)} "
          f"({min(drafts, default=0)}-{max(drafts, default=0)} per article); "
          f"import pages showing drafts to review: {shown} of {len(result.shown)}")
    if result.timed_out:
        print(f"the articles did not all finish within --timeout {timeout:g} s")
        if states["pending"] == len(rows):
            print("no job worker took any of them: see the job worker's errors in the server log (--keep keeps it)")
    return {"done": states["done"], "generation": generation}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300, help="learners at human pace (default 300)")
    parser.add_argument("--quiz", default="belarus-trainers-places", help="quiz slug they take again and again")
    parser.add_argument("--think-min", type=float, default=5.0, help="least seconds before answering (default 5)")
    parser.add_argument("--think-max", type=float, default=15.0, help="most seconds before answering (default 15)")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which learners arrive (default 10)")
    parser.add_argument("--warmup", type=float, default=25.0,
                        help="seconds from the first arrival to the idle measurement (default 25)")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="least length of each phase, in stretches taken in turn (default 60)")
    parser.add_argument("--stretch", type=float, default=10.0,
                        help="length of each idle (and control) stretch between rounds of articles (default 10)")
    parser.add_argument("--articles", type=int, default=20, help="articles the teacher submits (default 20)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="most seconds the rounds take after the warmup (default 300)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--job-workers", type=int, default=1, help="quizapp worker processes (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    parser.add_argument("--no-control", dest="control", action="store_false",
                        help="leave out the control phase (a CPU loop at the worker's priority instead of jobs)")
    args = parser.parse_args(argv)
    if args.learners < 1 or args.articles < 1:
        parser.error("--learners and --articles must be at least 1")
    if args.warmup < args.ramp:
        parser.error("--warmup must be at least --ramp: the idle phase starts once every learner has arrived")

    sys.path.insert(0, str(ROOT))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "JOB_QUEUE")}
    env["SECRET_KEY"] = "bench-" + uuid.uuid4().hex
    workdir = Path(tempfile.mkdtemp(prefix="quizapp-jobs-"))
    env["JOB_QUEUE"] = f"sqlite:///{workdir / 'jobs.sqlite3'}"
    url = f"sqlite:///{workdir / 'load.sqlite'}"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; server: gunicorn, "
          f"{args.workers} workers x 1 thread, {args.job_workers} job worker(s) on a SQLite queue; "
          "client: one asyncio process (aiohttp)")
    try:
        began = time.monotonic()
        load.init_database(url, env)
        users = load.create_learners(url, args.learners, real_hash=False)
        teacher = create_teacher(url)
        print(f"sqlite: schema and seed bank loaded, {len(users)} learners and a teacher created "
              f"in {time.monotonic() - began:.1f} s")
        server = load.Server(url, args.workers, 1, env, workdir / "serve.log", job_workers=args.job_workers)
        try:
            result = asyncio.run(run(server, url, users, teacher, args))
            check = load.check_answers(url, result.stats.acked, result.stats.attempts)
            think = f"{args.think_min:g}-{args.think_max:g} s between seeing a question and answering it"
            idle = window_report(result, result.idle, server,
                                 f"{args.learners} learners taking {args.quiz!r} again and again, {think}; no job")
            busy = window_report(
                result, result.busy, server,
                f"the same learners while {result.submitted} articles are pending or running "
                f"({len(result.busy.spans)} stretch(es), {result.busy.seconds:.1f} s); the teacher's requests included",
            )
            control = None
            if result.control is not None:
                control = window_report(result, result.control, server,
                                        "the same learners beside a CPU loop at nice 19 and SCHED_IDLE; no job")
        finally:
            server.stop()
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    answers = compare_answers(result, idle, busy, control)
    articles = articles_report(result, args.articles * result.rounds, args.timeout)
    print(f"{result.rounds} round(s) of {args.articles} articles, each submitted when the one before had "
          f"finished: {articles['generation'] / max(result.rounds, 1):.1f} s of generating per round on average")
    print("database check (whole run): " + " ".join(f"{k}={v}" for k, v in check.items()))
    doubled = check["doubled"] + check["unacknowledged_stored"] + check["score_mismatch"]
    errors = result.stats.error_count + result.unfinished
    if result.unfinished:
        print(f"learners cut off at the end: {result.unfinished}")
    if doubled:
        print(f"integrity: {doubled} doubled, unacknowledged or mis-scored answers")
    print(
        f"idle_answer_p99_ms={answers['idle_p99']:.1f} busy_answer_p99_ms={answers['busy_p99']:.1f} "
        f"ratio={answers['ratio']:.3f} articles={result.submitted} rounds={result.rounds} "
        f"articles_done={articles['done']} generation_seconds={articles['generation']:.1f} "
        f"errors={errors} lost={check['lost']} "
        + (f"control_answer_p99_ms={answers['control_p99']:.1f} control_ratio={answers['control_ratio']:.3f} "
           if answers["control_ratio"] is not None else "")
        + f"target_met={'yes' if answers['met'] else 'no'}"
    )
    ok = answers["met"] and articles["done"] == result.submitted and not (errors or check["lost"] or doubled)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
