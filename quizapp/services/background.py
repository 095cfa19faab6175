"""Teachers' work that runs on the job queue: large bank imports and whole-school score exports.

A request that would take too long (importing thousands of questions,
exporting every answer of every class) records a :class:`BackgroundJob`
and puts it on the queue of :mod:`quizapp.jobs` (:func:`submit`); the
teacher follows it on its page, which refreshes itself until it is done.

Each run claims the job's next ``attempt`` (:func:`run_queued`) and may
change the job only while the attempt is still its own (:class:`Run`), so a
run a killed worker left behind can neither finish nor fail a job its
replacement has taken over. A run that stops without a word (SIGKILL, a
restart) leaves its heartbeat (``updated_at``) to age; :func:`requeue_stalled`
puts such jobs back on the queue, and each kind of job is written so that
running it again from the start does no harm:

- a **bank import** stages its new questions under a token recorded in the
  job and makes them live in one last transaction, which also marks the job
  done and removes the upload; the next run first deletes what an earlier
  run staged (:func:`_bank_import`);
- a **score export** writes its file under a temporary name and renames it
  when complete; the next run simply writes it again (:func:`_score_export`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

from quizapp import jobs
from quizapp.extensions import db
from quizapp.formats import tables
from quizapp.models import BackgroundJob, BankUpload
from quizapp.models._common import utcnow
from quizapp.services import bank, exports
from quizapp.services.errors import InvalidInput, NotFound, QuizappError

log = logging.getLogger(__name__)

#: Runs of a job before it is failed for good (each one stopped by its worker's death).
MAX_ATTEMPTS = 4
#: A job nobody has worked on for this long is shown as stalled, with what to do.
STALL_AFTER = dt.timedelta(minutes=10)
#: How long a finished job (and an export's file) is kept.
KEEP_FOR = dt.timedelta(days=7)
#: Seconds between a long export's checks that the job is still its run's.
BEAT_EVERY = 5.0


class Superseded(Exception):
    """A later run of the job took it over (this run's worker was thought dead): stop quietly."""


@dataclasses.dataclass
class Run:
    """One run of a job: attempt ``attempt`` of job ``job_id``, allowed to change it while that lasts."""

    job_id: int
    attempt: int
    _last_beat: float = dataclasses.field(default_factory=time.monotonic)

    def _mine(self):
        return (BackgroundJob.id == self.job_id, BackgroundJob.attempt == self.attempt,
                BackgroundJob.state == "running")

    def beat(self, *, every: float = 0.0, progress: str | None = None) -> None:
        """Check that the job is still this run's, and say how far it got (at most once per ``every``
        seconds), on a connection of its own so that a long read in the session goes on undisturbed.
        (The job's heartbeat proper comes from :class:`quizapp.jobs.Heartbeat`, however slow the run.)

        :raises Superseded: when a later run owns the job: the run stops instead of working on for nothing.
        """
        if time.monotonic() - self._last_beat < every:
            return
        values = {"updated_at": utcnow()} if progress is None else {"updated_at": utcnow(), "message": progress}
        with db.engine.begin() as connection:
            moved = connection.execute(sa.update(BackgroundJob).where(*self._mine()).values(**values)).rowcount
        self._last_beat = time.monotonic()
        if not moved:
            raise Superseded

    def record(self, **values) -> None:
        """Change the job in the session's transaction (the caller commits), fenced by the attempt.

        :raises Superseded: when a later run owns the job.
        """
        moved = db.session.execute(
            sa.update(BackgroundJob).where(*self._mine()).values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)).rowcount
        if not moved:
            raise Superseded

    def finish(self, message: str, result: dict[str, Any] | None = None) -> None:
        """Mark the job done, in the session's transaction: it is done exactly when that commits."""
        self.record(state="done", message=message, result=result)


# --- starting -----------------------------------------------------------------

def submit(app, teacher_id: int, kind: str, title: str, params: dict[str, Any]) -> BackgroundJob:
    """Record a job and put it on the queue; a queue that cannot take it fails the job with the reason."""
    if kind not in _HANDLERS:
        raise ValueError(f"no such kind of job: {kind}")
    sweep_expired(app)
    job = BackgroundJob(teacher_id=teacher_id, kind=kind, title=title[:300], params=params, state="pending")
    db.session.add(job)
    db.session.commit()
    try:
        jobs.enqueue(app, "background_job", job.id)
    except jobs.QueueError as exc:
        db.session.rollback()
        job.state = "failed"
        job.message = (f"Nothing was done: {exc}. Try again in a minute; if it happens again, "
                       "tell whoever runs quizapp.")
        job.updated_at = utcnow()
        db.session.commit()
    return job


def submit_bank_import(app, upload_id: int, teacher_id: int) -> BackgroundJob:
    """Import a staged upload on the queue (the confirmation of a large file).

    A second confirmation while the first is queued or running goes to the same job.

    :raises NotFound: no such upload of this teacher.
    """
    upload = bank.own_upload(upload_id, teacher_id)
    for job in db.session.scalars(sa.select(BackgroundJob).where(
            BackgroundJob.teacher_id == teacher_id, BackgroundJob.kind == "bank_import",
            BackgroundJob.state.in_(("pending", "running")))):
        if job.params.get("upload_id") == upload_id:
            return job
    return submit(app, teacher_id, "bank_import", f"Import of {upload.filename} ({upload.questions} questions)",
                  {"upload_id": upload_id})


def runs_as_job(upload: BankUpload) -> bool:
    """Whether confirming this upload imports it on the queue rather than in the request."""
    return upload.questions >= int(current_app.config["BANK_JOB_QUESTIONS"])


def submit_score_export(app, teacher_id: int, kind: str, fmt: str, filters: exports.ExportFilters,
                        *, excel: bool = False) -> BackgroundJob:
    """Export the scores of all of a teacher's classes (``filters`` narrow it) to a file, on the queue.

    :raises InvalidInput: an unknown kind or format, or bad filters.
    :raises NotFound: a quiz or class in the filters that is not the teacher's.
    """
    exports.export_table(kind, filters)  # checks kind and filters now, so a mistake is told on the form
    db.session.rollback()
    if fmt not in tables.FORMATS:
        raise InvalidInput(f"Unknown format “{fmt}”; choose csv, xlsx or json.", where="format")
    params = {"kind": kind, "fmt": fmt, "excel": bool(excel and fmt == "csv"), "quiz": filters.quiz,
              "classroom": filters.classroom,
              "since": filters.since.isoformat() if filters.since else None,
              "until": filters.until.isoformat() if filters.until else None,
              "file": secrets.token_hex(16)}
    scope = f"quiz {filters.quiz}" if filters.quiz else "all classes"
    if filters.since or filters.until:
        scope += f", {filters.since or '…'} to {filters.until or '…'}"
    return submit(app, teacher_id, "score_export", f"Export of the {kind} ({scope}, {fmt.upper()})", params)


# --- running --------------------------------------------------------------------

def run_queued(app, job_id: int, retries_left: int, next_delay: float) -> None:
    """The queue's run of a job. A fault the teacher can act on fails it at once with their words;
    any other error is tried again with backoff while tries are left, then fails it."""
    with app.app_context():
        run = _claim(job_id)
        if run is None:
            return
        try:
            _run(run)
        except Superseded:
            db.session.rollback()
            log.info("background job %s: a later run took over", job_id)
        except QuizappError as exc:
            db.session.rollback()
            _fail(run, f"Nothing was done: {str(exc).rstrip('.')}.")
        except Exception:
            log.exception("background job %s failed (%s tries left)", job_id, retries_left)
            db.session.rollback()
            if not retries_left:
                _fail(run, "Nothing was done: an unexpected error stopped it (it was logged). Try again; if it "
                           "happens again, tell whoever runs quizapp.")
                return
            try:
                run.record(state="pending", message=f"Something went wrong; trying again in {next_delay:.0f} seconds.")
                db.session.commit()
            except Superseded:
                db.session.rollback()
                return
            raise


def run_job(job_id: int) -> bool:
    """Run a pending job here and now (``quizapp`` commands, tests); False when it is not pending.

    :raises QuizappError: what the teacher would read; the job is left running, for the caller to say.
    """
    run = _claim(job_id)
    if run is None:
        return False
    _run(run)
    return True


def _run(run: Run) -> None:
    job = db.session.get(BackgroundJob, run.job_id)
    with jobs.Heartbeat(BackgroundJob, run.job_id, run.attempt):
        _HANDLERS[job.kind](job, run)


def _claim(job_id: int) -> Run | None:
    claimed = db.session.execute(
        sa.update(BackgroundJob).where(BackgroundJob.id == job_id, BackgroundJob.state == "pending")
        .values(state="running", attempt=BackgroundJob.attempt + 1, updated_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return Run(job_id, db.session.scalar(sa.select(BackgroundJob.attempt).where(BackgroundJob.id == job_id)))


def _fail(run: Run, message: str) -> None:
    try:
        run.record(state="failed", message=message)
        db.session.commit()
    except Superseded:
        db.session.rollback()


def requeue_stalled(app) -> int:
    """Queue again the jobs whose run stopped without a word; see :func:`quizapp.jobs.requeue_rows`."""
    return jobs.requeue_rows(app, BackgroundJob, "background_job", MAX_ATTEMPTS,
                             f"This stopped {MAX_ATTEMPTS} times without finishing (its worker was stopped each "
                             "time), so it is not tried again. Start it again, or tell whoever runs quizapp.")


# --- the kinds of job ---------------------------------------------------------------

def _bank_import(job: BackgroundJob, run: Run) -> None:
    """Import the upload; the last transaction removes it and marks the job done together."""
    earlier = (job.result or {}).get("staging")
    if earlier:  # what a killed run staged and never made live
        bank.discard_staged(earlier)
    token = bank.new_staging_token()
    run.record(result={"staging": token})
    db.session.commit()
    bank.confirm_upload(int(job.params["upload_id"]), job.teacher_id, staging=token,
                        before_chunk=lambda done, total: run.beat(progress=f"{done:,} of {total:,} new questions written."),
                        on_live=lambda report: run.finish(f"Imported: {report.summary()}.", {
                            "new": len(report.new), "changed": len(report.changed),
                            "unchanged": len(report.unchanged), "skipped": len(report.skipped)}))


def _score_export(job: BackgroundJob, run: Run) -> None:
    """Write the export's file under a temporary name, rename it when complete, then mark the job done."""
    params = job.params
    filters = exports.ExportFilters(
        quiz=params.get("quiz"), classroom=params.get("classroom"), teacher_id=job.teacher_id,
        since=dt.date.fromisoformat(params["since"]) if params.get("since") else None,
        until=dt.date.fromisoformat(params["until"]) if params.get("until") else None,
    )
    table = exports.export_table(params["kind"], filters)
    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = _beating(table.rows, run)
    count = exports.write_file(path, params["fmt"], exports.Table(table.headers, rows), excel=params.get("excel", False))
    db.session.rollback()  # end the export's long read before the job's last write
    size = path.stat().st_size
    run.finish(f"{count} row{'s' if count != 1 else ''} ({_size(size)}), ready to download.",
               {"rows": count, "bytes": size})
    db.session.commit()


def _beating(rows: Iterable, run: Run) -> Iterator:
    for row in rows:
        run.beat(every=BEAT_EVERY)
        yield row


_HANDLERS: dict[str, Callable[[BackgroundJob, Run], None]] = {
    "bank_import": _bank_import,
    "score_export": _score_export,
}


# --- what the teacher sees -----------------------------------------------------------

def files_dir(app=None) -> Path:
    """Where exports' files are kept (``JOB_FILES``: a folder web and workers share)."""
    app = app or current_app
    return Path(app.config["JOB_FILES"])


def export_path(job: BackgroundJob, app=None) -> Path:
    return files_dir(app) / f"export-{job.id}-{job.params['file']}{tables.FORMATS[job.params['fmt']]}"


def download_name(job: BackgroundJob) -> str:
    params = job.params
    flavour = "-excel" if params.get("excel") else ""
    return f"scores-{params['kind']}-{job.created_at.date().isoformat()}{flavour}{tables.FORMATS[params['fmt']]}"


def get_own_job(job_id: int, teacher_id: int) -> BackgroundJob:
    """:raises NotFound: no such job of this teacher (another teacher's is not told apart from none)."""
    job = db.session.get(BackgroundJob, job_id)
    if job is None or job.teacher_id != teacher_id:
        raise NotFound("There is no such job; finished ones are kept for seven days.")
    return job


def list_jobs(teacher_id: int) -> list[BackgroundJob]:
    return list(db.session.scalars(sa.select(BackgroundJob).where(BackgroundJob.teacher_id == teacher_id)
                                   .order_by(BackgroundJob.id.desc())))


def is_stalled(job: BackgroundJob, now: dt.datetime | None = None) -> bool:
    return job.working and job.updated_at < (now or utcnow()) - STALL_AFTER


class ExportFile(NamedTuple):
    path: Path
    media_type: str
    download_name: str


def export_file(job_id: int, teacher_id: int) -> ExportFile:
    """The finished export's file, to send: where it is, its type and the name to download it under.

    :raises NotFound: not this teacher's, not an export, not finished, or its file is gone.
    """
    job = get_own_job(job_id, teacher_id)
    if job.kind != "score_export" or job.state != "done":
        raise NotFound("This export has no file to download (yet).")
    path = export_path(job)
    if not path.is_file():
        raise NotFound("This export's file is gone; export again.")
    return ExportFile(path, tables.MEDIA_TYPES[job.params["fmt"]], download_name(job))


def delete_job(job_id: int, teacher_id: int) -> bool:
    """Forget a finished or failed job and its file; one still working is kept (returns False)."""
    job = get_own_job(job_id, teacher_id)
    if job.working:
        return False
    _forget(job)
    db.session.commit()
    return True


def sweep_expired(app=None) -> None:
    """Forget finished and failed jobs older than :data:`KEEP_FOR`, with their files."""
    old = db.session.scalars(sa.select(BackgroundJob).where(
        BackgroundJob.state.in_(("done", "failed")), BackgroundJob.updated_at < utcnow() - KEEP_FOR)).all()
    for job in old:
        _forget(job, app)
    if old:
        db.session.commit()


def _forget(job: BackgroundJob, app=None) -> None:
    if job.kind == "score_export":
        export_path(job, app).unlink(missing_ok=True)
    db.session.delete(job)


def _size(nbytes: int) -> str:
    if nbytes >= 1048576:
        return f"{nbytes / 1048576:.1f} MB"
    return f"{max(1, round(nbytes / 1024))} KB"
