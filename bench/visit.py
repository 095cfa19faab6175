"""One learner's visit, request by request, in one process: what each request costs the app.

Usage: python bench/visit.py [--learners 60]

Flask's test client on a fresh SQLite file in a temporary folder (no
gunicorn, no network): each learner logs in, opens the 4-question quiz,
starts it, loads, answers and sees the feedback of each question, finishes,
opens the review and then the progress page, the visit of bench/load.py's
school phase. After a few visits that warm the caches, it prints for each
kind of request:

- the Python function calls one request makes (cProfile's count, measured
  on three visits of their own): the same run after run, unlike time, so a
  change's effect shows without the machine's noise;
- the median CPU time of one request (the thread's own, measured on the
  other visits, without the profiler).

/healthz, the app's cheapest request (one SELECT), is the same-run floor.
The last line: calls_per_question=<every request of a visit, per answered
question> cpu_ms_per_question=<the same in CPU ms> question_calls=<a
question's page + answer + feedback> question_cpu_ms=<the same in CPU ms>
healthz_calls=<n> healthz_cpu_ms=<ms>.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ATTEMPT, CSRF, PASSWORD, answer_form, create_learners  # noqa: E402 (bench/ is not a package)

QUIZ = "belarus-trainers-places"  # 4 questions, as in bench/load.py's school phase
QUESTION_KINDS = ("GET question", "POST answer", "GET feedback")
#: visits measured with the profiler on (call counts); the others are timed
COUNTED_VISITS = 3
WARM_VISITS = 5


class Visit:
    """A learner's requests through the test client, each measured by ``measure``."""

    def __init__(self, client, measure):
        self.client, self.measure = client, measure

    def get(self, kind: str, path: str):
        return self.measure(kind, lambda: self.client.get(path))

    def post(self, kind: str, path: str, data):
        response = self.measure(kind, lambda: self.client.post(path, data=data))
        if response.status_code not in (302, 303):
            raise SystemExit(f"{kind} {path}: {response.status_code}, expected a redirect")
        return response

    def run(self, username: str, rng: random.Random) -> None:
        page = self.get("GET login", "/auth/login").text
        self.post("POST login", "/auth/login",
                  {"username": username, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)})
        page = self.get("GET quiz", f"/quizzes/{QUIZ}").text
        started = self.post("POST start", f"/quizzes/{QUIZ}/start", {"csrf_token": CSRF.search(page).group(1)})
        attempt = ATTEMPT.search(started.location).group(1)
        for position in range(1, 5):
            path = f"/attempts/{attempt}/q/{position}"
            form = answer_form(self.get("GET question", path).text, rng)
            self.post("POST answer", path, form)
            page = self.get("GET feedback", path).text
        finished = self.post("POST finish", f"/attempts/{attempt}/finish", {"csrf_token": CSRF.search(page).group(1)})
        self.get("GET review", finished.location)
        self.get("GET progress", "/progress")
        self.get("GET /healthz", "/healthz")


def timed(into: dict[str, list[float]]):
    def measure(kind, request):
        began = time.thread_time()
        response = request()
        into[kind].append((time.thread_time() - began) * 1000)
        return response

    return measure


def counted(into: dict[str, list[int]]):
    def measure(kind, request):
        profile = cProfile.Profile()
        profile.enable()
        try:
            return request()
        finally:
            profile.disable()
            into[kind].append(sum(entry.callcount for entry in profile.getstats()))

    return measure


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=60, help="timed visits (default 60)")
    args = parser.parse_args(argv)

    from quizapp.app import create_app  # after the arguments: --help needs no app

    folder = tempfile.TemporaryDirectory(prefix="quizapp-visit-")
    url = f"sqlite:///{folder.name}/quizapp.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-visit-" + "x" * 32})
    result = app.test_cli_runner().invoke(args=["init-db"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    users = create_learners(url, WARM_VISITS + COUNTED_VISITS + args.learners, real_hash=False)
    rng = random.Random(7)
    times: dict[str, list[float]] = defaultdict(list)
    calls: dict[str, list[int]] = defaultdict(list)
    warm: dict[str, list[float]] = defaultdict(list)
    for n, user in enumerate(users):
        into = timed(warm) if n < WARM_VISITS else counted(calls) if n < WARM_VISITS + COUNTED_VISITS else timed(times)
        Visit(app.test_client(), into).run(user, rng)

    print(f"{args.learners} timed visits and {COUNTED_VISITS} counted ones after {WARM_VISITS} to warm up; "
          f"SQLite file, Flask's test client, one process")
    print(f"{'request':16} {'calls':>7} {'CPU ms (median)':>16}")
    for kind in times:
        print(f"{kind:16} {statistics.median(calls[kind]):7.0f} {statistics.median(times[kind]):16.2f}")
    answers = len(times["POST answer"])
    per_question = {
        "calls": sum(sum(v) for k, v in calls.items() if k != "GET /healthz") / len(calls["POST answer"]),
        "cpu": sum(sum(v) for k, v in times.items() if k != "GET /healthz") / answers,
    }
    question_calls = sum(statistics.median(calls[kind]) for kind in QUESTION_KINDS)
    question_cpu = sum(statistics.median(times[kind]) for kind in QUESTION_KINDS)
    print(f"calls_per_question={per_question['calls']:.0f} cpu_ms_per_question={per_question['cpu']:.2f} "
          f"question_calls={question_calls:.0f} question_cpu_ms={question_cpu:.2f} "
          f"healthz_calls={statistics.median(calls['GET /healthz']):.0f} "
          f"healthz_cpu_ms={statistics.median(times['GET /healthz']):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
