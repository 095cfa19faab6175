"""Score export throughput and memory over a million responses.

Usage: python bench/export.py [--rows N] [--formats csv,xlsx,json] [--keep DIR]

1. Builds, in a temporary folder, a SQLite database through the real schema
   (``quizapp init-db`` on a temporary ``DATABASE_URL``: migrations and the
   seed bank), then bulk-inserts one class of learners, their finished
   attempts at the whole-article quiz and N answers (default 1,000,000)
   with ``executemany`` in one transaction. Responses are valid for their
   question types (choice indexes, booleans, texts, matches, orders).
2. Baseline: the ``sqlite3`` command-line tool exports the same rows
   (``BASELINE_SQL``: the export's columns joined in SQL, in its order)
   with ``-csv`` to /dev/null; the best of two runs counts (CSV gets two
   runs too).
3. For each format, a fresh child process creates the app, records its idle
   resident memory, resets the peak (``/proc/self/clear_refs``), then runs
   the command line's export path (service rows -> writer -> temporary file
   renamed into place) and reports wall time and peak RSS above idle.

Prints a table (wall-clock and CPU-time rates: on a busy machine the CPU
figures are the steadier comparison) and a last line
``csv_rows_per_s=... csv_ratio=<csv / sqlite3> ... peak_mb_above_idle=...``
(wall clock; the peak is the largest over the formats). Aims: CSV at least 0.25 of the
sqlite3 tool's rows per second; peak memory at most 50 MB above the idle app.
Files and 127.0.0.1 only: nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSWERS_PER_ATTEMPT = 36  # the whole-article quiz of the seed bank
LEARNERS = 2000
CHILD_TIMEOUT_S = 1800
RUNS = 2  # runs of the sqlite3 baseline and of the CSV export; the best counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="answers to insert and export")
    parser.add_argument("--formats", default="csv,xlsx,json", help="comma-separated: csv, xlsx, json")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--child", nargs=3, metavar=("DB", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - {"csv", "xlsx", "json"}
    if unknown:
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}")

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="quizapp-export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return run(folder, args.rows, formats)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, rows: int, formats: list[str]) -> int:
    db_path = folder / "bench.sqlite"
    started = time.perf_counter()
    build_database(db_path, rows)
    print(f"built {rows:,} answers in {time.perf_counter() - started:.1f} s "
          f"({db_path.stat().st_size / 1e6:.0f} MB database)", flush=True)

    results: dict[str, dict] = {}
    sql = BASELINE_SQL
    tool = shutil.which("sqlite3")
    if tool is None:
        print("sqlite3 command-line tool not found: no baseline "
              "(install it, e.g. `apt-get install sqlite3` on Debian)", flush=True)
    else:
        runs = [time_sqlite3(tool, db_path, sql) for _ in range(RUNS)]
        results["sqlite3 -csv"] = {"seconds": min(w for w, _ in runs), "cpu": min(c for _, c in runs),
                                   "rows": rows, "peak_mb": None}

    for fmt in formats:
        out = folder / f"export.{ {'csv': 'csv', 'xlsx': 'xlsx', 'json': 'jsonl'}[fmt] }"
        reports = []
        for _ in range(RUNS if fmt == "csv" else 1):  # CSV is compared with the baseline: best of as many runs
            completed = subprocess.run(
                [sys.executable, __file__, "--child", str(db_path), fmt, str(out)],
                capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, cwd=ROOT,
            )
            if completed.returncode != 0:
                print(f"{fmt}: the export failed\n{completed.stderr}", file=sys.stderr)
                return 1
            reports.append(json.loads(completed.stdout.strip().splitlines()[-1]))
            out.unlink()
        results[fmt] = {"rows": reports[0]["rows"], "seconds": min(r["seconds"] for r in reports),
                        "cpu": min(r["cpu"] for r in reports), "peak_mb": max(r["peak_mb"] for r in reports)}

    base = results.get("sqlite3 -csv")
    print()
    print(f"{'export':<14} {'rows':>10} {'wall s':>7} {'rows/s':>10} {'ratio':>6} "
          f"{'cpu s':>7} {'rows/cpu s':>10} {'ratio':>6} {'peak MB':>8}")
    for name, r in results.items():
        wall_rate, cpu_rate = r["rows"] / r["seconds"], r["rows"] / r["cpu"]
        wall_ratio = f"{wall_rate / (base['rows'] / base['seconds']):.2f}" if base else "-"
        cpu_ratio = f"{cpu_rate / (base['rows'] / base['cpu']):.2f}" if base else "-"
        peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.1f}"
        print(f"{name:<14} {r['rows']:>10,} {r['seconds']:>7.2f} {wall_rate:>10,.0f} {wall_ratio:>6} "
              f"{r['cpu']:>7.2f} {cpu_rate:>10,.0f} {cpu_ratio:>6} {peak:>8}")
    print("(ratio: rows/s over the sqlite3 tool's; wall clock and CPU time, best of "
          f"{RUNS} runs for sqlite3 and CSV; peak: resident memory above the idle app)")
    line = []
    if "csv" in results:
        csv_r = results["csv"]
        line.append(f"csv_rows_per_s={csv_r['rows'] / csv_r['seconds']:.0f}")
        if base:
            line.append(f"csv_ratio={base['seconds'] / csv_r['seconds']:.3f}")
            line.append(f"csv_ratio_cpu={base['cpu'] / csv_r['cpu']:.3f}")
        else:
            line.append("csv_ratio=n/a")
    for fmt in ("xlsx", "json"):
        if fmt in results:
            line.append(f"{fmt}_rows_per_s={results[fmt]['rows'] / results[fmt]['seconds']:.0f}")
    if base:
        line.append(f"sqlite3_rows_per_s={base['rows'] / base['seconds']:.0f}")
    peaks = [r["peak_mb"] for r in results.values() if r.get("peak_mb") is not None]
    if peaks:
        line.append(f"peak_mb_above_idle={max(peaks):.1f}")
    print()
    print(" ".join(line))
    return 0


# --- the database ---------------------------------------------------------------

def build_database(db_path: Path, rows: int) -> None:
    """Migrate and seed through the app's init-db, then bulk-insert the answers."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "SECRET_KEY": "bench"}
    code = "from quizapp.cli import main; main()"
    subprocess.run([sys.executable, "-c", code, "init-db"], env=env, cwd=ROOT, check=True,
                   capture_output=True, text=True, timeout=300)
    rng = random.Random(20240301)
    con = sqlite3.connect(db_path)
    try:
        with con:  # one transaction
            quiz_id, = con.execute("SELECT id FROM quiz WHERE slug = 'belarus-trainers'").fetchone()
            entries = con.execute(
                "SELECT q.id, q.current_version_id, v.data FROM quiz_question e "
                "JOIN question q ON q.id = e.question_id JOIN question_version v ON v.id = q.current_version_id "
                "WHERE e.quiz_id = ? ORDER BY e.position", (quiz_id,)).fetchall()
            choices = [(qid, vid, candidate_responses(json.loads(data), rng)) for qid, vid, data in entries]
            stamp = "2024-03-01 09:00:00.000000"
            con.execute("INSERT INTO user (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                        ("bench-teacher", "!", "teacher", stamp))
            teacher_id = con.execute("SELECT last_insert_rowid()").fetchone()[0]
            con.execute("INSERT INTO classroom (name, code, teacher_id, created_at) VALUES (?, ?, ?, ?)",
                        ("Bench class", "BENCH23", teacher_id, stamp))
            class_id = con.execute("SELECT last_insert_rowid()").fetchone()[0]
            first_user = teacher_id + 1
            con.executemany("INSERT INTO user (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
                            ((first_user + n, f"learner{n:05d}", "!", "learner", stamp) for n in range(LEARNERS)))
            con.executemany("INSERT INTO enrollment (classroom_id, user_id, joined_at) VALUES (?, ?, ?)",
                            ((class_id, first_user + n, stamp) for n in range(LEARNERS)))
            attempts = -(-rows // ANSWERS_PER_ATTEMPT)
            con.executemany(
                "INSERT INTO attempt (id, user_id, quiz_id, layout, started_at, finished_at, score, max_score) "
                "VALUES (?, ?, ?, '[]', ?, ?, ?, ?)",
                ((a + 1, first_user + a % LEARNERS, quiz_id, moment(a, 0), moment(a, 40),
                  rng.randint(0, ANSWERS_PER_ATTEMPT), float(ANSWERS_PER_ATTEMPT)) for a in range(attempts)))

            def answers():
                for n in range(rows):
                    a, position = divmod(n, ANSWERS_PER_ATTEMPT)
                    question_id, version_id, candidates = choices[position]
                    response, score = candidates[rng.randrange(len(candidates))]
                    yield (a + 1, question_id, version_id, position + 1, response, score, score >= 1.0,
                           rng.randint(800, 60_000), moment(a, position + 1))

            con.executemany(
                "INSERT INTO answer (attempt_id, question_id, version_id, position, response, score, correct, "
                "time_taken_ms, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", answers())
        # no ANALYZE: the app never runs it, so its databases have no statistics
    finally:
        con.close()


def moment(attempt: int, minute: int) -> str:
    """A timestamp in SQLAlchemy's SQLite format: attempts spread over 2024."""
    day, slot = divmod(attempt, 80)
    seconds = slot * 300 + minute * 5
    return f"2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d} {8 + seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000000"


def candidate_responses(data: dict, rng: random.Random) -> list[tuple[str, float]]:
    """A handful of (response JSON, score) a learner could give to this question."""
    qtype = data["type"]
    found: list[tuple[object, float]] = []
    if qtype == "multiple_choice":
        found = [(i, max(c["weight"], 0.0)) for i, c in enumerate(data["choices"])]
    elif qtype == "multiple_response":
        n = len(data["choices"])
        for _ in range(4):
            picked = sorted(rng.sample(range(n), rng.randint(1, n)))
            found.append((picked, max(0.0, min(1.0, sum(data["choices"][i]["weight"] for i in picked)))))
    elif qtype == "true_false":
        found = [(data["answer"], 1.0), (not data["answer"], 0.0)]
    elif qtype == "short_answer":
        found = [(a["text"], a["weight"]) for a in data["accepted"]] + [("I don't know", 0.0), ("Moscow", 0.0)]
    elif qtype == "numerical":
        found = [(entry["value"], 1.0) for entry in data["numeric"] if entry.get("value") is not None] + [(0.0, 0.0)]
    elif qtype == "matching":
        prompted = [p for p in data["pairs"] if p.get("prompt")]
        matches = [p["match"] for p in prompted]
        found = [(matches, 1.0), (list(reversed(matches)), 0.4)]
    elif qtype == "ordering":
        found = [(data["items"], 1.0), (list(reversed(data["items"])), 0.0)]
    else:
        found = [("An essay answer.", 0.0)]
    return [(json.dumps(r), float(s)) for r, s in found]


#: The baseline: the export's rows straight from SQL, every column the app
#: reads or looks up (names, ids, version, type, raw response, marks, time,
#: ISO time) joined in, in the export's order. The app adds two columns the
#: tool does not (the learner's classes, the response as readable text).
BASELINE_SQL = """
SELECT user.username, quiz.slug, answer.attempt_id, question.uid, question_version.number, question.type,
       answer.response, answer.correct, answer.score, answer.time_taken_ms / 1000.0,
       replace(substr(answer.submitted_at, 1, 19), ' ', 'T') || 'Z'
FROM answer
JOIN attempt ON attempt.id = answer.attempt_id
JOIN user ON user.id = attempt.user_id
JOIN quiz ON quiz.id = attempt.quiz_id
JOIN question_version ON question_version.id = answer.version_id
JOIN question ON question.id = question_version.question_id
ORDER BY answer.id
"""


def time_sqlite3(tool: str, db_path: Path, sql: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of ``sqlite3 -csv DB SQL > /dev/null``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run([tool, "-csv", str(db_path), sql], stdout=sink, check=True, timeout=CHILD_TIMEOUT_S)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# --- one export in a fresh process ----------------------------------------------

def rss_kb(field: str = "VmRSS") -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def child(db: str, fmt: str, out: str) -> int:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    from quizapp.app import create_app
    from quizapp.cli.scores import _write
    from quizapp.services import exports

    app = create_app({"SECRET_KEY": "bench"})
    with app.app_context():
        idle = rss_kb()
        try:  # reset the peak to the current RSS (Linux >= 4.0)
            Path("/proc/self/clear_refs").write_text("5")
            reset = True
        except OSError:
            reset = False
        started, cpu_started = time.perf_counter(), time.process_time()
        table = exports.export_table("responses", exports.ExportFilters())
        rows = _write(out, fmt, table, excel=False)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = rss_kb("VmHWM") if reset else None
    if peak is None:  # ru_maxrss: the peak since the process started, an upper bound
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "idle_mb": (idle or 0) / 1024,
                      "peak_mb": (peak - (idle or 0)) / 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
