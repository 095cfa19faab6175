"""The question bank in and out of the database, all or nothing.

- :func:`load_bank_dir` loads the curated ``question_bank/`` files
  (``quizapp init-db``), adding the articles they cite and rebuilding the
  articles' bank quizzes.
- :func:`preview_import` and :func:`import_questions` bring canonical
  questions from any bank file in (``quizapp bank import``, the teacher's
  upload page); :func:`export_bank` and :func:`quiz_for_export` take them
  out (``quizapp bank export``, downloads, Anki decks).
- :func:`stage_upload`, :func:`upload_preview` and :func:`confirm_upload`
  keep an uploaded file in the database between the teacher's preview and
  confirmation, so the confirmation never trusts questions sent back by
  the browser.

A question whose content changes gets a new :class:`QuestionVersion`
(answers keep the version they were given); a change of status alone is
made in place, as the authoring pages do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from quizapp import canonical, formats
from quizapp.extensions import db
from quizapp.formats import FormatError, ordered, read_bank
from quizapp.generator.article import ArticleError, read_article
from quizapp.models import Article, BankUpload, Question, QuestionVersion, Quiz, QuizQuestion
from quizapp.models._common import utcnow
from quizapp.models.security import AuditEvent
from quizapp.services import ownership, question_files
from quizapp.services.errors import Conflict, InvalidInput, NotFound

#: The quizzes built for every article: (slug suffix, fact kind, title).
BANK_QUIZZES = (
    ("", None, "The whole article"),
    ("-quotes", "quote", "Who said what"),
    ("-people", "person", "Who is who"),
    ("-organizations", "organization", "Which organization"),
    ("-dates", "date", "When"),
    ("-places", "place", "Where"),
)

#: Fields a format cannot carry (docs/formats.md). Importing such a file
#: keeps these fields of a question already in the bank instead of erasing
#: them; a new question comes in without them, as a draft.
UNCARRIED_FIELDS = {
    "gift": ("fact", "source", "status"),
    "xml": ("fact", "source", "status"),
}
#: Formats that cannot carry a question's images: a question of the bank keeps
#: its images when such a file (an export, edited) comes back.
IMAGELESS_FORMATS = ("gift", "csv")

#: Largest bank file the upload page takes, and how long an upload waits
#: for its confirmation before the next upload clears it away.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_LIFETIME = dt.timedelta(days=1)

#: New questions an import writes per transaction. Each chunk commits, which
#: frees SQLite's writer lock, so learners' answers go in between chunks.
IMPORT_CHUNK = 1000
#: The status of a new question while its import is written: ``pending:`` and
#: the import's token (16 characters, the column's width). No page, quiz or
#: export lists such a question; the import's last transaction gives it its
#: real status, and a failed import deletes it.
PENDING_PREFIX = "pending:"
#: A pending import whose newest question is this old died on the way.
STALE_IMPORT = dt.timedelta(minutes=10)


@dataclass
class FieldChange:
    """One field that an import changes: a path such as ``choices[2].weight``."""

    field: str
    old: Any
    new: Any


@dataclass
class ImportReport:
    """What an import does (or would do), by canonical question id, in file order."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: id -> stem, for every question of the file
    stems: dict[str, str] = field(default_factory=dict)
    #: id -> the fields that change, for changed questions
    changes: dict[str, list[FieldChange]] = field(default_factory=dict)
    #: things the teacher should know (articles not found, fields kept)
    notes: list[str] = field(default_factory=list)
    #: questions of the file that cannot be imported: "file:line: reason", in file order
    skipped: list[str] = field(default_factory=list)
    #: located notes on questions that are imported (a duplicate answer, a Moodle setting not kept)
    warnings: list[str] = field(default_factory=list)
    #: new id -> why a question of a GIFT or Moodle XML file came in as new under that id
    #: instead of replacing the bank's question with the id it had
    renamed: dict[str, str] = field(default_factory=dict)
    #: new question id -> the id of a question of the bank with the same type and text
    duplicates: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"{len(self.new)} new, {len(self.changed)} changed, {len(self.unchanged)} unchanged"
        return text + (f", {len(self.skipped)} skipped" if self.skipped else "")


@dataclass
class LoadReport(ImportReport):
    """What ``init-db`` did: an import report plus the files and quizzes."""

    files: int = 0
    quizzes: int = 0

    def summary(self) -> str:
        return (
            f"{self.files} bank file(s): {len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged question(s); {self.quizzes} quiz(zes)"
        )


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- init-db: the curated bank files -------------------------------------

def load_bank_dir(directory: str | Path, root: str | Path) -> LoadReport:
    """Load every ``*.yaml`` bank file in ``directory``; safe to run again.

    New questions are added, edited ones get a new version, unchanged ones
    are left alone; the bank quizzes of each article are rebuilt. Article
    paths in ``source.article`` are relative to ``root``.

    :raises InvalidInput: naming the file and line of the first problem;
        nothing is written then.
    """
    directory, root = Path(directory), Path(root)
    files = sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    parsed: list[tuple[Path, list[dict]]] = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            questions = read_bank(path)
        except FormatError as exc:
            raise InvalidInput(str(exc)) from None
        for question in questions:
            if question["id"] in seen:
                raise InvalidInput(
                    f"{path.name}: question id {question['id']!r} is already used in {seen[question['id']].name}"
                )
            seen[question["id"]] = path
        parsed.append((path, questions))

    report = LoadReport(files=len(files))
    try:
        articles: dict[str, Article] = {}
        for path, questions in parsed:
            for question in questions:
                article_path = (question.get("source") or {}).get("article")
                if article_path and article_path not in articles:
                    articles[article_path] = _upsert_article(root, article_path, path, question["id"])
                _upsert_question(question, articles.get(article_path), report)
        db.session.flush()
        for article in articles.values():
            report.quizzes += _rebuild_bank_quizzes(article)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _upsert_article(root: Path, relative: str, bank_file: Path, qid: str) -> Article:
    try:
        parsed = read_article(root / relative)
    except ArticleError as exc:
        raise InvalidInput(f"{bank_file.name}: question {qid!r} cites {relative}: {exc}") from None
    slug = Path(relative).stem
    article = db.session.scalar(sa.select(Article).filter_by(slug=slug))
    if article is None:
        article = Article(slug=slug)
        db.session.add(article)
    article.path = relative
    article.title = parsed.title or slug
    article.source = parsed.source
    article.author = parsed.author
    article.published = parsed.published
    article.url = parsed.url
    article.body = parsed.body
    return article


def _upsert_question(data: dict, article: Article | None, report: ImportReport) -> Question:
    blobs: question_files.Blobs = {}
    data = question_files.split(data, blobs)
    question_files.store(blobs)
    digest = content_hash(data)
    question = db.session.scalar(sa.select(Question).filter_by(uid=data["id"]))
    if question is not None and question.current is not None and question.current.content_hash == digest:
        report.unchanged.append(data["id"])
        sync_columns(question, data)
        return question
    if question is None:
        question = Question(uid=data["id"])
        db.session.add(question)
        number = 1
        report.new.append(data["id"])
    else:
        number = (question.current.number if question.current else 0) + 1
        report.changed.append(data["id"])
    question.article = article
    sync_columns(question, data)
    version = QuestionVersion(question=question, number=number, data=data, content_hash=digest)
    db.session.add(version)
    question.current = version
    return question


def sync_columns(question: Question, data: dict) -> None:
    """Copy what search and filters need from the canonical data to columns."""
    for name, value in _columns(data).items():
        setattr(question, name, value)


def _columns(data: dict) -> dict[str, Any]:
    """The question columns that mirror the canonical ``data``."""
    return {
        "type": data["type"],
        "fact_kind": (data.get("fact") or {}).get("kind"),
        "status": data.get("status", "draft"),
        "stem": data.get("stem") or "",
        "tags": " " + " ".join(t.strip().lower() for t in data.get("tags", [])) + " ",
    }


def _rebuild_bank_quizzes(article: Article) -> int:
    """Make the article's bank quizzes list its published questions in bank order."""
    questions = db.session.scalars(
        sa.select(Question)
        .filter_by(article_id=article.id, status="published")
        .order_by(Question.id)
    ).all()
    built = 0
    for position, (suffix, kind, title) in enumerate(BANK_QUIZZES):
        chosen = [q for q in questions if kind is None or q.fact_kind == kind]
        slug = article.slug + suffix
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
        if not chosen:
            if quiz is not None and quiz.origin == "bank":
                quiz.is_published = False
            continue
        if quiz is None:
            quiz = Quiz(slug=slug, origin="bank")
            db.session.add(quiz)
        quiz.title = title
        quiz.description = f"{len(chosen)} questions on “{article.title}”"
        quiz.article = article
        quiz.fact_kind = kind
        quiz.position = position
        quiz.is_published = True
        _set_entries(quiz, [q.id for q in chosen])
        built += 1
    return built


def _set_entries(quiz: Quiz, question_ids: list[int]) -> None:
    existing = {entry.question_id: entry for entry in quiz.entries}
    for entry in list(quiz.entries):
        if entry.question_id not in question_ids:
            quiz.entries.remove(entry)
    for position, qid in enumerate(question_ids):
        entry = existing.get(qid)
        if entry is None:
            quiz.entries.append(QuizQuestion(question_id=qid, position=position))
        else:
            entry.position = position


# --- import: any bank file into the database ---------------------------------

@dataclass
class _Step:
    """What importing one question does; ``question`` is None for a new one."""

    data: dict
    question: Question | None
    kind: str  # "new", "changed", "unchanged"
    content_changed: bool
    article: Article | None
    #: the images the question brings, by SHA-256 (its ``data`` holds references to them)
    blobs: question_files.Blobs = field(default_factory=dict)


def preview_import(questions: list[dict], fmt: str | None = None,
                   parsed: formats.ParseReport | None = None, *, source: str | None = None,
                   update: bool = False) -> ImportReport:
    """Tell what :func:`import_questions` would do, writing nothing.

    :param questions: canonical questions (as a format's ``parse`` returns).
    :param fmt: the format they were read from; fields it cannot carry
        (:data:`UNCARRIED_FIELDS`) are kept from the bank's questions.
    :param parsed: the lenient parse's report: its skipped questions and
        warnings are carried into the import report.
    :param source: the file's name. A question of a GIFT or Moodle XML file
        replaces the bank's question with its id only when it is that
        question coming back: the id was written in the file (not made from
        its text), the type is the same, and the bank's question was made
        in quizapp or imported from a file of this name. Otherwise it comes
        in as a new question under a free id (:attr:`ImportReport.renamed`),
        as Moodle imports every question as new.
    :param update: an explicit update: ids written in the file replace the
        bank's questions with those ids whatever file they came from.
    :raises InvalidInput: a question that breaks the canonical rules, or
        an id used twice.
    """
    report, _ = _plan(questions, fmt, parsed, source, update)
    return report


def import_questions(questions: list[dict], author_id: int | None = None, fmt: str | None = None,
                     *, upload_id: int | None = None, parsed: formats.ParseReport | None = None,
                     source: str | None = None, update: bool = False, staging: str | None = None,
                     before_chunk: Callable[[int, int], None] | None = None,
                     on_live: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Add new questions, make a new version of changed ones; all or nothing.

    A question is matched to the bank by its ``id``. A change of content
    makes a new version; a change of status alone is made in place, and a
    retired question leaves every quiz. ``source.article`` links the
    question to the article with that path (or slug); an article not in
    the database leaves the source as it is, unlinked, with a note. The
    bank quizzes of the articles touched are rebuilt, as ``init-db`` does.

    New questions are written in chunks of :data:`IMPORT_CHUNK`, each its
    own short transaction (so SQLite's writer lock is free between them
    and learners' answers go in meanwhile), with a pending status nobody
    sees; one last short transaction makes them live together with the
    changes to questions already in the bank. A failure on the way deletes
    what was written, so an import is still all or nothing.

    :param questions: canonical questions, in file order.
    :param author_id: the teacher importing (recorded on new versions), or None.
    :param fmt: the format they were read from (see :func:`preview_import`).
    :param upload_id: a staged upload (:func:`stage_upload`) to forget in
        the last transaction, so it is gone exactly when the import is done.
    :param parsed: the lenient parse's report (see :func:`preview_import`);
        the questions it skipped are not imported, and the report lists them.
    :param source: the file's name; :param update: an explicit update (see :func:`preview_import`).
    :param staging: the token new questions are staged under (:func:`new_staging_token`; a job
        records it first, so that a run after a killed one can :func:`discard_staged` them).
    :param before_chunk: called with (new questions written so far, all new questions) before each
        chunk is written: a job's heartbeat and progress, which may stop the import.
    :param on_live: called in the last transaction, before it commits, with the report (a job marks itself done).
    :raises InvalidInput: a question that breaks the canonical rules; nothing is written.
    :raises Conflict: someone changed (or is importing) the same questions
        at the same moment; nothing is written.
    """
    _sweep_stale_imports()
    report, steps = _plan(questions, fmt, parsed, source, update)
    if any(step.question is not None and _is_pending(step.question.status) for step in steps):
        db.session.rollback()
        raise Conflict("Another import of these questions is under way; import the file again in a few minutes.")
    pending = staging or new_staging_token()
    new = [(step.data, step.article.id if step.article is not None else None)
           for step in steps if step.kind == "new"]
    origin = _import_source(fmt, source)
    _store_images([step.blobs for step in steps if step.kind != "unchanged"])
    db.session.commit()  # end the planning reads; each chunk below is its own transaction
    staged: list[int] = []
    try:
        for start in range(0, len(new), IMPORT_CHUNK):
            if before_chunk is not None:
                before_chunk(start, len(new))
            staged.extend(_stage_new(new[start:start + IMPORT_CHUNK], pending, author_id, fmt, origin))
            db.session.commit()
        _go_live(steps, staged, pending, author_id, fmt, upload_id)
        if on_live is not None:
            on_live(report)
        db.session.commit()
    except BaseException as exc:
        db.session.rollback()
        if staged or staging:
            _delete_pending(pending)
        if isinstance(exc, IntegrityError):
            raise Conflict("Someone changed the bank at the same moment; import the file again.") from None
        raise
    return report


def _store_images(blobs: list[question_files.Blobs]) -> None:
    """Write the images of an import first, in their own transaction (one kept per content:
    an import that fails later leaves at most images nothing links, never a question without its images)."""
    merged = {digest: blob for part in blobs for digest, blob in part.items()}
    if not merged:
        return
    try:
        question_files.store(merged)
        db.session.commit()
    except IntegrityError:  # another import stored the same image at the same moment: it is there now
        db.session.rollback()
        question_files.store(merged)
        db.session.commit()


def _stage_new(chunk: list[tuple[dict, int | None]], pending: str, author_id: int | None,
               fmt: str | None, origin: str | None = None) -> list[int]:
    """Insert one chunk of new questions, their first versions and audit events, all pending."""
    return insert_new_questions(
        [(data, {"status": pending, "article_id": article_id, "import_source": origin}) for data, article_id in chunk],
        author_id, "imported", f"new, {_source(fmt)}", Question.status == pending)


def insert_new_questions(chunk: list[tuple[dict, dict[str, Any]]], author_id: int | None, action: str, detail: str,
                         mine) -> list[int]:
    """Insert new questions, their first versions and an audit event each, as three multi-row statements.

    Every row is built before the first write, so with SQLite the writer lock
    is held for the inserts alone. The caller commits.

    :param chunk: each question's canonical data and its other columns (``status``, ``article_id``, …).
    :param action: the audit events' action; :param detail: their detail.
    :param mine: a clause true of the rows just inserted and of no other row with their ids (their staging
        status, their import), to read back their database ids.
    :returns: the new questions' database ids, in ``chunk``'s order.
    """
    now = utcnow()
    rows = [{**_columns(data), **columns, "uid": data["id"], "created_by_id": author_id,
             "created_at": now, "updated_at": now} for data, columns in chunk]
    versions = [{"number": 1, "data": data, "content_hash": content_hash(data), "created_by_id": author_id,
                 "created_at": now} for data, _ in chunk]
    events = [{"question_uid": data["id"], "action": action, "actor_id": author_id, "version_number": 1,
               "detail": detail, "at": now} for data, _ in chunk]
    db.session.execute(sa.insert(Question.__table__), rows)
    # one SELECT, not INSERT … RETURNING: SQLite then takes the rows one by one, several times slower
    ids = dict(db.session.execute(sa.select(Question.uid, Question.id).where(
        mine, Question.uid.in_([row["uid"] for row in rows]))).all())
    question_ids = [ids[row["uid"]] for row in rows]
    db.session.execute(sa.insert(QuestionVersion.__table__),
                       [{**version, "question_id": qid} for qid, version in zip(question_ids, versions)])
    db.session.execute(sa.insert(AuditEvent.__table__),
                       [{**event, "question_id": qid} for qid, event in zip(question_ids, events)])
    return question_ids


def _go_live(steps: list[_Step], staged: list[int], pending: str, author_id: int | None, fmt: str | None,
             upload_id: int | None) -> None:
    """The last transaction: apply the changes, make the pending questions live, rebuild quizzes."""
    if upload_id is not None:
        if not db.session.execute(sa.delete(BankUpload).where(BankUpload.id == upload_id)).rowcount:
            raise NotFound("This upload was imported (or cleared away) meanwhile; nothing more was imported.")
    touched: dict[int, Article] = {}
    for step in steps:
        if step.kind == "changed":
            _apply(step, author_id, fmt)
        if step.kind != "unchanged":
            for article in (step.article, step.question.article if step.question else None):
                if article is not None and article.id is not None:
                    touched[article.id] = article
    if staged:
        # one statement, however many questions: each gets its staged version and that version's status
        version = sa.select(QuestionVersion.id).where(QuestionVersion.question_id == Question.id).scalar_subquery()
        status = (sa.select(QuestionVersion.data["status"].as_string())
                  .where(QuestionVersion.question_id == Question.id).scalar_subquery())
        live = db.session.execute(
            sa.update(Question).where(Question.status == pending).values(current_version_id=version, status=status)
            .execution_options(synchronize_session=False)
        ).rowcount
        if live != len(staged):  # another import's sweep took them: nothing of this one may stay
            raise Conflict("The import was interrupted; import the file again.")
    db.session.flush()
    for article in touched.values():
        if _has_bank_quizzes(article):
            _rebuild_bank_quizzes(article)


def new_staging_token() -> str:
    """The status an import's new questions have until they go live (``pending:`` and 8 hex digits)."""
    return PENDING_PREFIX + secrets.token_hex(4)


def discard_staged(token: str) -> None:
    """Delete what an import that died on the way staged under ``token`` (its job runs again)."""
    if _is_pending(token):
        _delete_pending(token)


def _is_pending(status: str | None) -> bool:
    return (status or "").startswith(PENDING_PREFIX)


def _delete_pending(pending: str) -> None:
    """Delete the questions an import left pending (with their versions and events), chunk by chunk."""
    while True:
        ids = db.session.scalars(sa.select(Question.id).where(Question.status == pending).limit(IMPORT_CHUNK)).all()
        if not ids:
            return
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.question_id.in_(ids)))
        db.session.execute(sa.delete(QuestionVersion).where(QuestionVersion.question_id.in_(ids)))
        db.session.execute(sa.delete(Question).where(Question.id.in_(ids)))
        db.session.commit()


def _sweep_stale_imports() -> None:
    """Delete what imports that died on the way (a killed worker) left pending.

    An import writes a chunk every second or so; one whose newest pending
    question is older than :data:`STALE_IMPORT` is not running any more.
    """
    stale = db.session.scalars(
        sa.select(Question.status).where(Question.status.startswith(PENDING_PREFIX, autoescape=True))
        .group_by(Question.status).having(sa.func.max(Question.created_at) < utcnow() - STALE_IMPORT)
    ).all()
    for pending in stale:
        _delete_pending(pending)


def _import_source(fmt: str | None, source: str | None) -> str | None:
    """The file name recorded on questions new to the bank: GIFT and Moodle XML files only."""
    if fmt is None or source is None or formats.get_format(fmt).NAME not in UNCARRIED_FIELDS:
        return None
    return PurePath(source).name[:255] or None


def _free_id(base: str, taken: set[str]) -> str:
    """``base-2``, ``base-3``... : the first id neither the file nor the bank uses."""
    stem = base[:110].rstrip("-")
    number = 2
    while True:
        candidates = [f"{stem}-{n}" for n in range(number, number + 20)]
        used = taken | set(db.session.scalars(sa.select(Question.uid).where(Question.uid.in_(candidates))))
        for candidate in candidates:
            if candidate not in used:
                return candidate
        number += 20


def _same_text(questions: list[dict]) -> dict[tuple[str, str], str]:
    """(type, stem) -> the id of a question of the bank with that type and stem."""
    stems = sorted({q.get("stem") or "" for q in questions} - {""})
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(stems), 500):
        rows = db.session.execute(sa.select(Question.type, Question.stem, Question.uid)
                                  .where(Question.stem.in_(stems[start:start + 500])).order_by(Question.id))
        for qtype, stem, uid in rows:
            found.setdefault((qtype, stem), uid)
    return found


def _plan(questions: list[dict], fmt: str | None,
          parsed: formats.ParseReport | None = None, source: str | None = None,
          update: bool = False) -> tuple[ImportReport, list[_Step]]:
    """Compare each question with the bank: the report and the steps, nothing written."""
    fmt_name = formats.get_format(fmt).NAME if fmt else None
    uncarried = UNCARRIED_FIELDS.get(fmt_name, ()) + (("files",) if fmt_name in IMAGELESS_FORMATS else ())
    seen: set[str] = set()
    for position, incoming in enumerate(questions, start=1):
        problems = canonical.validate(incoming)
        if problems:
            where = f"question {incoming.get('id')!r}" if isinstance(incoming, dict) else f"question {position}"
            raise InvalidInput("; ".join(str(p) for p in problems), where=where)
        if incoming["id"] in seen:
            raise InvalidInput(f"question id {incoming['id']!r} is used twice")
        seen.add(incoming["id"])
    report, steps = ImportReport(), []
    if parsed is not None:
        report.skipped = [str(error) for error in parsed.skipped]
        report.warnings = [str(warning) for warning in parsed.warnings]
    existing = _existing([q["id"] for q in questions])
    articles = _articles({(q.get("source") or {}).get("article") for q in questions})
    missing_articles: dict[str, int] = {}
    kept = 0
    foreign = fmt is not None and formats.get_format(fmt).NAME in UNCARRIED_FIELDS
    derived = parsed.derived_ids if parsed is not None else set()
    file_name = _import_source(fmt, source)
    taken = {q["id"] for q in questions}
    same_text = _same_text(questions) if foreign else {}
    for incoming in questions:
        qid = incoming["id"]
        question = existing.get(qid)
        if question is not None and foreign:
            reason = None
            if question.type != incoming["type"]:
                reason = f"the id {qid!r} belongs to a {question.type.replace('_', ' ')} question of the bank"
            elif update:
                pass
            elif qid in derived:
                reason = f"the id {qid!r}, made from its text (the file gives none), is taken in the bank"
            elif question.import_source is not None and question.import_source != file_name:
                reason = f"the id {qid!r} belongs to a question imported from {question.import_source}"
            if reason is not None:
                new_id = _free_id(qid, taken)
                taken.add(new_id)
                report.renamed[new_id] = f"{reason}: imported as a new question, {new_id!r}"
                incoming, qid, question = {**incoming, "id": new_id}, new_id, None
        if question is None and foreign:
            twin = same_text.get((incoming["type"], incoming.get("stem") or ""))
            if twin is not None:
                report.duplicates[qid] = twin
        data = ordered(incoming)
        current = ordered(question.current.data) if question is not None and question.current else None
        if current is not None:
            carried_over = [key for key in uncarried if key not in data and key in current]
            if carried_over:
                kept += 1
                data = ordered({**data, **{key: current[key] for key in carried_over}})
            if question.type != data["type"]:
                raise InvalidInput(
                    f"is a {question.type.replace('_', ' ')} question in the bank; a question keeps its type "
                    "(give the new one another id)", where=f"question {qid!r}")
        data.setdefault("status", "draft")
        blobs: question_files.Blobs = {}
        data = question_files.split(data, blobs)  # images compare (and hash) by their SHA-256
        article_path = (data.get("source") or {}).get("article")
        article = _find_article(articles, article_path) if article_path else None
        if article_path and article is None:
            missing_articles[article_path] = missing_articles.get(article_path, 0) + 1
        report.stems[qid] = data.get("stem") or data.get("title") or ""
        if current is None:
            kind, content_changed = "new", True
            report.new.append(qid)
        else:
            changes = diff(current, data)
            content_changed = any(c.field != "status" for c in changes)
            kind = "changed" if changes else "unchanged"
            getattr(report, kind).append(qid)
            if changes:
                report.changes[qid] = changes
        steps.append(_Step(data, question, kind, content_changed, article, blobs))
    for path, number in missing_articles.items():
        report.notes.append(
            f"{number} question(s) cite {path}, which is not in the database: "
            "they keep their source but are not linked to an article (to load the article, put a bank file "
            "citing it in question_bank/ and run quizapp init-db)."
        )
    if kept:
        report.notes.append(
            f"{fmt_name.upper()} cannot carry {', '.join(uncarried)}: {kept} question(s) already in the bank "
            "keep theirs" + ("; new questions come in as drafts." if "status" in uncarried else ".")
        )
    return report, steps


def _apply(step: _Step, author_id: int | None, fmt: str | None = None) -> None:
    from quizapp.services import audit

    data, question = step.data, step.question
    new = question is None
    if question is None:
        question = Question(uid=data["id"], created_by_id=author_id)
        db.session.add(question)
        number = 0
    else:
        number = db.session.scalar(
            sa.select(sa.func.max(QuestionVersion.number)).where(QuestionVersion.question_id == question.id)
        ) or 0
    if step.content_changed:
        version = QuestionVersion(
            question=question, number=number + 1, data=data, content_hash=content_hash(data), created_by_id=author_id
        )
        db.session.add(version)
        question.current = version
    else:  # the status alone: not content, so the current version stays
        question.current.data = {**question.current.data, "status": data["status"]}
        question.current.content_hash = content_hash(question.current.data)
    if step.article is not None or not (data.get("source") or {}).get("article"):
        question.article = step.article
    sync_columns(question, data)
    if question.status == "retired" and question.id is not None:
        db.session.execute(sa.delete(QuizQuestion).where(QuizQuestion.question_id == question.id))
    audit.record(question, "imported", author_id, version_number=question.current.number,
                 detail=f"{'new' if new else 'changed' if step.content_changed else 'status ' + data['status']}, "
                        f"{_source(fmt)}")


def _source(fmt: str | None) -> str:
    return f"from a {formats.get_format(fmt).NAME.upper()} file" if fmt else "from a bank file"


def _existing(ids: list[str]) -> dict[str, Question]:
    found: dict[str, Question] = {}
    for start in range(0, len(ids), 500):  # keep the IN list within every database's limits
        for question in db.session.scalars(sa.select(Question).where(Question.uid.in_(ids[start:start + 500]))):
            found[question.uid] = question
    return found


def _articles(paths: set[Any]) -> dict[str, Article]:
    """The articles that ``paths`` (``seeds/<slug>.txt``) name, by path and by slug."""
    paths = {p for p in paths if isinstance(p, str) and p}
    if not paths:
        return {}
    slugs = {PurePath(p).stem for p in paths}
    found: dict[str, Article] = {}
    for article in db.session.scalars(sa.select(Article).where(sa.or_(Article.path.in_(paths), Article.slug.in_(slugs)))):
        found.setdefault(article.slug, article)
        found[article.path] = article
    return found


def _find_article(articles: dict[str, Article], path: str) -> Article | None:
    return articles.get(path) or articles.get(PurePath(path).stem)


def _has_bank_quizzes(article: Article) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Quiz).filter_by(article_id=article.id, origin="bank")
    ) > 0


def diff(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """The field-level differences between two canonical questions (or parts of one).

    Paths read like the format errors: ``stem``, ``choices[2].weight``,
    ``tags``. A list of different length, or of plain values, is one change.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in (*old, *(k for k in new if k not in old)):
            sub = f"{path}.{key}" if path else key
            if key not in new:
                changes.append(FieldChange(sub, old[key], None))
            elif key not in old:
                changes.append(FieldChange(sub, None, new[key]))
            else:
                changes.extend(diff(old[key], new[key], sub))
        return changes
    if (isinstance(old, list) and isinstance(new, list) and len(old) == len(new)
            and all(isinstance(item, dict) for item in (*old, *new))):
        return [c for i, (a, b) in enumerate(zip(old, new), start=1) for c in diff(a, b, f"{path}[{i}]")]
    return [] if old == new else [FieldChange(path, old, new)]


# --- export --------------------------------------------------------------

def export_bank(status: str | None = None, teacher_id: int | None = None) -> list[dict]:
    """The current version of every question, in bank order (oldest first), canonical key order.

    :param status: only questions with this status (draft, published, retired).
    :param teacher_id: only the questions this teacher may see (the web page's
        export): another teacher's drafts are left out. None: all (the command line).
    :raises InvalidInput: an unknown status.
    """
    query = (sa.select(Question).where(Question.current_version_id.is_not(None), Question.rejected_at.is_(None))
             .order_by(Question.id))  # a rejected draft stays only to be restored on its review page
    if teacher_id is not None:
        query = query.where(ownership.visible_questions_clause(teacher_id))
    if status is not None:
        if status not in canonical.STATUSES:
            raise InvalidInput(f"unknown status {status!r} (choose {', '.join(canonical.STATUSES)})", where="status")
        query = query.where(Question.status == status)
    return question_files.with_bytes([ordered(question.current.data) for question in db.session.scalars(query)])


def quiz_for_export(slug: str) -> tuple[str, list[dict]]:
    """A quiz's title and the current version of its questions, in quiz order.

    :raises NotFound: no quiz has this slug.
    """
    quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
    if quiz is None:
        raise NotFound(f"no quiz is called {slug!r}", where="quiz")
    questions = [entry.question.current.data for entry in quiz.entries
                 if entry.question is not None and entry.question.current is not None]
    return quiz.title, question_files.with_bytes([ordered(q) for q in questions])


# --- uploads: kept between the preview and the confirmation -----------------

@dataclass
class UploadPreview:
    upload: BankUpload
    report: ImportReport


def stage_upload(teacher_id: int, filename: str, data: bytes) -> BankUpload:
    """Keep an uploaded bank file until the teacher confirms its import.

    The file is parsed first, so a bad file is refused here and nothing is
    kept. Uploads older than :data:`UPLOAD_LIFETIME` are cleared away.

    :raises InvalidInput: an unknown extension, a file that is too large,
        empty, not UTF-8 or not a valid bank (the message names the file,
        line and column).
    """
    name = PurePath(filename or "").name or "upload"
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"the file is {_size(len(data))}; the limit is {_size(MAX_UPLOAD_BYTES)}", where=name)
    try:
        fmt = formats.format_for(name)
        text = formats.decode(data, name)
        parsed = formats.ParseReport()
        questions = formats.parse(text, fmt, name, report=parsed)
        if not questions:
            raise InvalidInput(nothing_importable(parsed))
        _plan(questions, fmt, parsed, name)
    except FormatError as exc:
        raise InvalidInput(str(exc)) from None
    except InvalidInput as exc:
        raise InvalidInput(exc.message, where=f"{name}: {exc.where}" if exc.where else name) from None
    db.session.execute(sa.delete(BankUpload).where(BankUpload.created_at < utcnow() - UPLOAD_LIFETIME))
    upload = BankUpload(teacher_id=teacher_id, filename=name[:255], fmt=fmt, content=text,
                        content_hash=content_hash({"text": text}), questions=len(questions))
    db.session.add(upload)
    db.session.commit()
    return upload


def nothing_importable(parsed: formats.ParseReport, shown: int = 5) -> str:
    """The message for a file none of whose questions can be imported, naming the first few."""
    reasons = "; ".join(str(error) for error in parsed.skipped[:shown])
    more = f" (and {len(parsed.skipped) - shown} more)" if len(parsed.skipped) > shown else ""
    return f"none of the {len(parsed.skipped)} question(s) can be imported: {reasons}{more}"


def _size(nbytes: int) -> str:
    return f"{nbytes / 1048576:.1f} MB" if nbytes >= 1048576 else f"{nbytes / 1024:.0f} KB"


def upload_preview(upload_id: int, teacher_id: int) -> UploadPreview:
    """What confirming a staged upload would do, against the bank as it is now.

    :raises NotFound: no such upload of this teacher (confirmed already, or expired).
    :raises InvalidInput: the file no longer fits the bank (a type changed meanwhile).
    """
    upload = own_upload(upload_id, teacher_id)
    questions, parsed = _parse_upload(upload)
    return UploadPreview(upload, preview_import(questions, upload.fmt, parsed, source=upload.filename))


def confirm_upload(upload_id: int, teacher_id: int, **hooks) -> ImportReport:
    """Import a staged upload, all or nothing, and forget the upload.

    ``hooks`` (``staging``, ``before_chunk``, ``on_live``) go to
    :func:`import_questions`: a job running the import passes them.

    :raises NotFound: no such upload of this teacher.
    :raises InvalidInput: the file no longer fits the bank; nothing is written.
    """
    upload = own_upload(upload_id, teacher_id)
    questions, parsed = _parse_upload(upload)
    # deleted in the import's last transaction: gone only if the import is done
    return import_questions(questions, author_id=teacher_id, fmt=upload.fmt, upload_id=upload.id, parsed=parsed,
                            source=upload.filename, **hooks)


def own_upload(upload_id: int, teacher_id: int) -> BankUpload:
    upload = db.session.get(BankUpload, upload_id)
    if upload is None or upload.teacher_id != teacher_id:
        raise NotFound("This upload is not waiting for confirmation any more; upload the file again.")
    return upload


def _parse_upload(upload: BankUpload) -> tuple[list[dict], formats.ParseReport]:
    if content_hash({"text": upload.content}) != upload.content_hash:
        raise InvalidInput("the stored file does not match what was uploaded; upload it again", where=upload.filename)
    parsed = formats.ParseReport()
    try:
        questions = formats.parse(upload.content, upload.fmt, upload.filename, report=parsed)
    except FormatError as exc:
        raise InvalidInput(str(exc)) from None
    if not questions:
        raise InvalidInput(nothing_importable(parsed))
    return questions, parsed


# --- files to download or write -------------------------------------------

#: Export format -> (extension, media type).
EXPORT_FILES = {
    "yaml": (".yaml", "application/yaml; charset=utf-8"),
    "json": (".json", "application/json; charset=utf-8"),
    "gift": (".gift", "text/plain; charset=utf-8"),
    "xml": (".xml", "application/xml; charset=utf-8"),
    "csv": (".csv", "text/csv; charset=utf-8"),
    "apkg": (".apkg", "application/octet-stream"),
}


@dataclass
class BankExport:
    """An exported bank or quiz: the file's bytes and what the format left out."""

    fmt: str
    data: bytes
    count: int
    warnings: list[str]
    name: str  # "question-bank" or the quiz's slug, for file names

    @property
    def extension(self) -> str:
        return EXPORT_FILES[self.fmt][0]

    @property
    def media_type(self) -> str:
        return EXPORT_FILES[self.fmt][1]


def export_as(fmt: str, status: str | None = None, quiz: str | None = None,
              teacher_id: int | None = None) -> BankExport:
    """The bank (or one quiz's questions) as a file in a format.

    An Anki deck (``apkg``) holds the published questions unless ``status``
    says otherwise; its deck is named after the quiz, or "quizapp question bank".

    :param fmt: a format name (``yaml``, ``json``, ``gift``, ``xml``, ``csv``, ``apkg``).
    :param status: only questions with this status.
    :param quiz: a quiz slug: its questions in quiz order instead of the bank.
    :param teacher_id: the bank as this teacher may see it (:func:`export_bank`).
    :raises FormatError: an unknown format.
    :raises NotFound: no such quiz.
    :raises InvalidInput: an unknown status.
    """
    name = export_format(fmt)
    if name == "apkg" and status is None and quiz is None:
        status = "published"
    if quiz is not None:
        title, questions = quiz_for_export(quiz)
        if status is not None:
            questions = [q for q in questions if q.get("status", "draft") == status]
    else:
        title, questions = "quizapp question bank", export_bank(status, teacher_id)
    if not questions:
        raise InvalidInput("there are no questions to export" + (f" with status {status}" if status else ""))
    if name == "apkg":
        import io

        from quizapp.formats import anki

        buffer = io.BytesIO()
        warnings = anki.write_apkg(questions, title, buffer)
        data = buffer.getvalue()
    else:
        text, warnings = formats.serialize_with_warnings(questions, name)
        data = text.encode("utf-8")
    return BankExport(name, data, formats.written_count(questions, name), warnings, quiz or "question-bank")


def export_format(name: str | None, path: str | None = None) -> str:
    """The export format named ``name``, or else the one of ``path``'s extension.

    :raises FormatError: an unknown format or extension.
    """
    return formats.output_format(name, path)
