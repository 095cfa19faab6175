"""From a teacher's article to reviewed questions.

A teacher pastes or uploads an article (:func:`~quizapp.services.article_files.read_upload`,
:func:`start_import`); the generator turns it into draft questions
(:func:`run_import`), a few paragraphs at a time, committing its progress
after each chunk so that any app process can show "paragraph X of Y"; the
teacher then approves or rejects the drafts (:func:`approve`,
:func:`reject`), seeing which ones likely duplicate the bank
(:func:`find_duplicates`).

Imports run as jobs on the queue of :mod:`quizapp.jobs` (:func:`launch`,
:func:`run_queued`), each in its own app context. Progress lives in the
:class:`ArticleImport` row, never in process memory: a worker that dies
leaves its import "running" with an old ``updated_at``; a worker queues it
again (:func:`requeue_stalled`) and the next run resumes from the last
committed chunk. Should no worker run at all, the page shows the import as
stalled after :data:`STALL_AFTER`, with a retry (:func:`retry_import`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from quizapp import canonical, jobs
from quizapp.canonical import normalize_answer, slugify
from quizapp.extensions import db
from quizapp.generator import generate_questions, parse_article, plain_article
from quizapp.generator.article import ArticleError
from quizapp.generator.distractors import shares_subject
from quizapp.generator.questions import answer_slots
from quizapp.models import Answer, Article, ArticleImport, Question, QuestionVersion
from quizapp.models._common import utcnow
from quizapp.services.bank import content_hash, insert_new_questions, sync_columns
from quizapp.services import audit, ownership
from quizapp.services.errors import Conflict, InvalidInput, NotFound

log = logging.getLogger(__name__)

#: Upload extensions we can read, and the largest upload / pasted text.
MAX_TEXT_CHARS = 5 * 1024 * 1024
#: Paragraphs generated per step. Each chunk also sees the paragraphs just
#: before it, so that "he" or "the ministry" still finds its speaker; an
#: article of up to CHUNK_PARAGRAPHS paragraphs (most news) is one chunk,
#: with distractors drawn from the whole article.
CHUNK_PARAGRAPHS = 20
CONTEXT_PARAGRAPHS = 2
#: A pending or running import not updated for this long is shown as stopped, with a retry:
#: the job queue's workers queue it again sooner (``JOB_STALL_SECONDS``), so no worker is running.
STALL_AFTER = dt.timedelta(minutes=10)
#: Runs of one import before a stalled one is failed rather than queued again.
MAX_ATTEMPTS = 4


# --- starting an import -------------------------------------------------

def start_import(teacher_id: int, title: str, published: dt.date | None, text: str) -> ArticleImport:
    """Store the article and a pending import of it; nothing is generated yet.

    :param title: the article's title; front matter in ``text`` may give it instead.
    :param published: the publication date relative dates resolve against;
        front matter may give it instead.
    :param text: the article as pasted or read by :func:`~quizapp.services.article_files.read_upload`.
    :raises InvalidInput: for an empty or oversized article or a missing title
        (``where`` names the form field: ``title`` or ``text``).
    """
    parsed = _parsed(text, title, published)

    def build() -> ArticleImport:
        article = Article(body="")
        _fill(article, parsed)
        return ArticleImport(teacher_id=teacher_id, article=article, state="pending",
                             done_steps=0, total_steps=len(parsed.paragraphs))

    return _insert(build)


def start_link_import(teacher_id: int, url: str, title: str, published: dt.date | None) -> ArticleImport:
    """A pending import of the page at ``url``: the job fetches it (:func:`_fetch_article`), not the request.

    Until then the article is a placeholder named after the link, with no
    text; it is listed nowhere but on the teacher's imports.

    :raises InvalidInput: for a link that is not an http(s) address (``where="url"``).
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise InvalidInput("Give the page's address, starting with http:// or https://.", where="url")
    title = (title or "").strip()
    if len(title) > 300:
        raise InvalidInput("Keep the title under 300 characters.", where="title")

    def build() -> ArticleImport:
        slug = _free_slug(slugify(f"link {parts.hostname}{parts.path}", 80))
        # the title the teacher gave, if any, until the page gives its own
        article = Article(slug=slug, path=f"imports/{slug}.txt", title=title, url=url[:500], published=published,
                          body="")
        return ArticleImport(teacher_id=teacher_id, article=article, state="pending", done_steps=0, total_steps=0,
                             source_url=url)

    return _insert(build)


def _insert(build) -> ArticleImport:
    """Store the import ``build()`` makes, with its article; a slug another import took at the
    same moment makes ``build`` run again, for a free one (five tries)."""
    for _ in range(5):
        job = build()
        db.session.add_all([job.article, job])
        try:
            db.session.commit()
            return job
        except IntegrityError:
            db.session.rollback()
    raise Conflict("Could not name the article; try again.")


def _parsed(text: str, title: str | None, published: dt.date | None):
    """The article in ``text``, checked: not empty, not too long, with a title and a body."""
    if not text or not text.strip():
        raise InvalidInput("Paste the article's text or upload a file.", where="text")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(f"The article is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}.", where="text")
    try:
        parsed = parse_article(text, published=published, title=(title or "").strip() or None)
    except ArticleError as exc:
        raise InvalidInput(str(exc), where="text") from None
    title = (parsed.title or "").strip()
    if not title:
        raise InvalidInput("Give the article a title.", where="title")
    if len(title) > 300:
        raise InvalidInput("Keep the title under 300 characters.", where="title")
    if not parsed.body.strip():
        raise InvalidInput("No article text is left once page furniture is removed.", where="text")
    return parsed


def _fill(article: Article, parsed) -> None:
    """Give ``article`` the parsed article's text, title, metadata and a free slug named after the title."""
    title = parsed.title.strip()
    article.slug = _free_slug(slugify(title, 80))
    article.path = f"imports/{article.slug}.txt"
    article.title = title
    article.source = _short(parsed.source, 120)
    article.author = _short(parsed.author, 120)
    article.published = parsed.published
    article.url = _short(parsed.url, 500) or article.url
    article.body = parsed.body


def _fetch_article(job: ArticleImport) -> None:
    """Fetch the import's link and make its page the article (the job's first step).

    :raises InvalidInput: when the link cannot be fetched or holds no article.
    """
    from quizapp.services import article_files, fetch  # the network and trafilatura: in the job only

    allow = current_app.config.get("FETCH_ALLOWED_ADDRESSES", ())
    data, found_at = fetch.fetch_page(job.source_url, allow=allow)
    parsed = _parsed(article_files.fetched_page(data, found_at), job.article.title, job.article.published)
    _fill(job.article, parsed)
    job.total_steps = len(parsed.paragraphs)
    job.updated_at = utcnow()


def _short(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value else None


def _free_slug(base: str) -> str:
    return _first_free(base, _used(Article.slug, {base}))


def _used(column, bases: set[str]) -> set[str]:
    """The values of ``column`` that are one of ``bases`` or a numbered form of one ("base-2"), in one query."""
    return set(db.session.scalars(sa.select(column).where(sa.or_(
        column.in_(bases), *(column.like(f"{base}-%") for base in bases)))))


def _first_free(base: str, taken: set[str]) -> str:
    """``base``, else ``base-2``, ``base-3``…: the first not in ``taken``."""
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


# --- running an import --------------------------------------------------

def launch(app, import_id: int, *, inline: bool | None = None) -> None:
    """Put an import on the job queue (:mod:`quizapp.jobs`), or run it at once with ``DRAFTS_RUN_INLINE``.

    :param app: the real application object (``current_app._get_current_object()``);
        the job pushes its own app context, so it never shares the
        request's database session.
    :param inline: run in the calling thread; defaults to the app's
        ``DRAFTS_RUN_INLINE`` setting (False).
    """
    if inline is None:
        inline = bool(app.config.get("DRAFTS_RUN_INLINE", False))
    if inline:
        run_in_app(app, import_id)
        return
    try:
        jobs.enqueue(app, "article_import", import_id)
    except jobs.QueueError as exc:
        db.session.rollback()
        db.session.execute(
            sa.update(ArticleImport).where(ArticleImport.id == import_id, ArticleImport.state == "pending")
            .values(state="failed", updated_at=utcnow(),
                    message=f"The article is saved, but {exc}, so no drafts are being made. Try again in a "
                            "minute; if it happens again, tell whoever runs quizapp.")
        )
        db.session.commit()


def run_in_app(app, import_id: int) -> None:
    """Run an import in a fresh app context; never raises (failures are recorded)."""
    with app.app_context():
        try:
            run_import(import_id)
        except Exception as exc:  # the import is marked failed, the caller goes on
            log.exception("article import %s failed", import_id)
            db.session.rollback()
            try:
                _mark_failed(import_id, exc)
            except Exception:
                db.session.rollback()
                log.exception("could not record the failure of article import %s", import_id)


def run_queued(app, import_id: int, retries_left: int, next_delay: float) -> None:
    """The job queue's run of an import: a failure is tried again later while tries are left.

    A fault in the article itself is final at once (trying again cannot
    help); any other error puts the import back to "pending", says when it
    is tried again, and re-raises so that the queue retries it with backoff.
    The last try records the failure in words a teacher can act on.
    """
    with app.app_context():
        try:
            run_import(import_id)
        except NotFound:
            db.session.rollback()  # the import went with its article: nothing to do
        except (ArticleError, InvalidInput) as exc:
            db.session.rollback()
            _mark_failed(import_id, exc)
        except Exception as exc:
            log.exception("article import %s failed (%s tries left)", import_id, retries_left)
            db.session.rollback()
            if not retries_left:
                _mark_failed(import_id, exc)
                return
            db.session.execute(
                sa.update(ArticleImport)
                .where(ArticleImport.id == import_id, ArticleImport.state == "running",
                       ArticleImport.attempt == getattr(exc, "import_attempt", ArticleImport.attempt))
                .values(state="pending", updated_at=utcnow(),
                        message=f"Something went wrong; trying again in {next_delay:.0f} seconds.")
            )
            db.session.commit()
            raise


def requeue_stalled(app) -> int:
    """Queue again the imports whose run stopped without a word (a killed or restarted worker).

    A pending or running import whose heartbeat (``updated_at``) is older
    than ``JOB_STALL_SECONDS`` goes back to "pending" and on the queue; its
    next run resumes after the last committed chunk. After
    :data:`MAX_ATTEMPTS` runs it is failed instead: an article that stops
    its worker every time is not tried for ever. Returns how many were queued.
    """
    return jobs.requeue_rows(
        app, ArticleImport, "article_import", MAX_ATTEMPTS,
        f"The generator stopped {MAX_ATTEMPTS} times on this article without finishing (its worker was stopped "
        "each time). Try again; it resumes where it stopped.")


def _mark_failed(import_id: int, exc: Exception) -> None:
    job = db.session.get(ArticleImport, import_id)
    if job is None or job.state in ("done", "failed"):
        return
    if getattr(exc, "import_attempt", job.attempt) != job.attempt:
        return  # a later run took the import over: its progress is not this run's failure
    where = f" at paragraph {min(job.done_steps + 1, job.total_steps)} of {job.total_steps}" if job.total_steps else ""
    detail = str(exc) if isinstance(exc, (ArticleError, InvalidInput)) else "an unexpected error (it was logged)"
    job.state = "failed"
    if job.awaits_page:
        job.message = (f"The page at the link could not be used: {detail.rstrip('.')}. Check that it opens in a "
                       "browser and try again, or paste the article's text instead.")
    else:
        job.message = f"The generator stopped{where}: {detail.rstrip('.')}. Try again; it resumes where it stopped."
    job.updated_at = utcnow()
    db.session.commit()


def run_import(import_id: int) -> ArticleImport | None:
    """Generate the drafts of a pending import, chunk by chunk.

    Each chunk's drafts and the new ``done_steps`` are committed together, so
    a resumed import starts after the last committed chunk and never stores a
    chunk twice. Returns None when another runner owns the import.

    :raises NotFound: when there is no such import.
    """
    claimed = db.session.execute(
        sa.update(ArticleImport)
        .where(ArticleImport.id == import_id, ArticleImport.state == "pending")
        .values(state="running", message=None, attempt=ArticleImport.attempt + 1, updated_at=utcnow())
    ).rowcount
    db.session.commit()
    job = db.session.get(ArticleImport, import_id)
    if job is None:
        raise NotFound("There is no such import.")
    if not claimed:
        return None
    mine = job.attempt  # a later run of this import takes the next number: this one then stops
    try:
        with jobs.Heartbeat(ArticleImport, import_id, mine):
            return _run_claimed(job, mine)
    except Exception as exc:
        exc.import_attempt = mine  # the run that failed: a failure may end only its own run (_mark_failed)
        raise


def _run_claimed(job: ArticleImport, mine: int) -> ArticleImport | None:
    """The generating part of :func:`run_import`, for the run holding attempt ``mine``."""
    import_id = job.id
    if job.awaits_page:
        _fetch_article(job)
        db.session.commit()
    article = job.article
    whole = plain_article(article.body, slug=article.slug, published=article.published, title=article.title)
    whole = dataclasses.replace(whole, source=article.source, author=article.author, url=article.url,
                                path=article.path)  # drafts cite the article as the bank knows it
    paragraphs = whole.paragraphs
    if job.total_steps != len(paragraphs):
        job.total_steps = len(paragraphs)
        db.session.commit()

    store = _DraftStore(job)
    pool = bank_pool(article)
    done = job.done_steps
    while done < len(paragraphs):
        upto = min(done + CHUNK_PARAGRAPHS, len(paragraphs))
        store.add(_chunk_drafts(whole, done, upto, pool))
        moved = db.session.execute(
            sa.update(ArticleImport)
            .where(ArticleImport.id == import_id, ArticleImport.state == "running",
                   ArticleImport.attempt == mine, ArticleImport.done_steps == done)
            .values(done_steps=upto, updated_at=utcnow())
        ).rowcount
        if not moved:  # a retry took over this import: leave it to that runner
            db.session.rollback()
            return None
        db.session.commit()
        done = upto

    db.session.refresh(job)
    if job.attempt != mine or job.state != "running":
        return None  # a later run took over between the last chunk and here
    total = store.count
    job.state = "done"
    job.updated_at = utcnow()
    if total:
        job.message = f"{total} draft question{'s' if total != 1 else ''} from {len(paragraphs)} paragraph" \
                      f"{'s' if len(paragraphs) != 1 else ''}."
    else:
        job.message = ("No questions could be made from this article: it names no quotations, people, "
                       "organizations, places or dates the generator recognizes.")
    if store.invalid:
        job.message += f" {store.invalid} proposal(s) broke the question rules and were left out."
    db.session.commit()
    return job


def _chunk_drafts(whole, start: int, stop: int, pool: list[dict] | None = None) -> list[dict]:
    """The generator's drafts for paragraphs ``start:stop``, offsets into the whole body."""
    paragraphs = whole.paragraphs
    chunk = dataclasses.replace(whole, paragraphs=paragraphs[max(0, start - CONTEXT_PARAGRAPHS):stop])
    lo, hi = paragraphs[start][0], paragraphs[stop - 1][1]
    kept = []
    # other forms are stored too, shown on request
    for draft in generate_questions(chunk, all_forms=True, pool=pool or None):
        begin = (draft.get("source") or {}).get("start")
        if isinstance(begin, int) and start > 0 and not lo <= begin <= hi:
            continue  # it belongs to the context paragraphs, stored with the chunk before
        kept.append(draft)
    return kept


#: Bank questions read for distractors of a new article (the newest first).
BANK_POOL_QUESTIONS = 5000
_ENTITY_KINDS = ("person", "organization", "place")


def bank_pool(article: Article) -> list[dict]:
    """People, organizations and places of the bank's other articles that share a person or an
    organization with ``article``: distractors for it when it names too few of its own.

    They come from the facts of those articles' questions (drafts a teacher rejected left out),
    each entity once. An article shares when this one names, in so many words, one of its people
    or organizations (see :func:`~quizapp.generator.distractors.shares_subject`: a place, a news
    agency or a one-word name such as "Congress" does not count). The generator still offers
    only candidates of the answer's kind and role.
    """
    rows = db.session.execute(
        sa.select(Question.article_id, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.article_id.is_not(None), Question.article_id != article.id,
               Question.rejected_at.is_(None), Question.status != "retired",
               Question.fact_kind.in_([*_ENTITY_KINDS, "quote"]))
        .order_by(Question.id.desc())
        .limit(BANK_POOL_QUESTIONS)
    ).all()
    by_article: dict[int, dict[tuple[str, str], dict]] = {}
    for article_id, data in rows:
        for entity in _entities_of((data or {}).get("fact")):
            _merge(by_article.setdefault(article_id, {}), (entity["kind"], normalize_answer(entity["name"])), entity)
    pool: dict[tuple[str, str], dict] = {}
    for entities in by_article.values():
        if shares_subject(article.body, list(entities.values())):
            for key, entity in entities.items():
                _merge(pool, key, entity)
    return list(pool.values())


def _merge(table: dict, key: tuple[str, str], entity: dict) -> None:
    """Keep ``entity`` once under ``key``, with a role or type another fact of it gave
    (a quoted speaker is also a person with a role elsewhere)."""
    known = table.setdefault(key, entity)
    for field_ in ("role", "type"):
        if field_ in entity and field_ not in known:
            known[field_] = entity[field_]


def _entities_of(fact: Any) -> list[dict]:
    """The people, organizations and places a question's fact names, shaped as generator facts."""
    if not isinstance(fact, dict):
        return []
    kind = fact.get("kind")
    if kind in _ENTITY_KINDS and isinstance(fact.get("name"), str) and fact["name"].strip():
        aliases = fact.get("aliases")
        entity = {"kind": kind, "name": fact["name"].strip(),
                  "aliases": [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []}
        for field_ in ("role", "type"):
            if isinstance(fact.get(field_), str):
                entity[field_] = fact[field_]
        return [entity]
    speaker = fact.get("speaker")
    if kind == "quote" and isinstance(speaker, str) and speaker.strip() \
            and fact.get("speaker_kind") in ("person", "organization"):
        return [{"kind": fact["speaker_kind"], "name": speaker.strip(), "aliases": []}]
    return []


class _DraftStore:
    """Adds generated drafts of one import as Question rows, without repeats."""

    def __init__(self, job: ArticleImport) -> None:
        self.job = job
        self.article = job.article
        rows = db.session.execute(
            sa.select(Question.type, Question.stem).where(Question.import_id == job.id)
        ).all()
        self.seen = {(qtype, normalize_answer(stem)) for qtype, stem in rows}
        self.count = len(rows)
        self.invalid = 0

    def add(self, drafts: list[dict]) -> None:
        """Store the new drafts of a chunk, in the session's transaction (no commit).

        Everything that takes CPU (checking, naming, hashing, the rows
        themselves) is done before the first write, and the rows go in as a few
        multi-row statements: with SQLite the import holds the database's one
        writer lock for a few milliseconds, not for the whole chunk, so
        learners' answers do not wait behind it (the worker runs at the lowest
        priority: whatever it does holding the lock, a busy machine slows).
        """
        prepared: list[tuple[dict, str]] = []
        for draft in drafts:
            key = (draft.get("type"), normalize_answer(draft.get("stem") or ""))
            if key in self.seen:
                continue
            base = slugify(str(draft.get("id") or f"{self.article.slug}-{draft.get('stem', '')}"), 100)
            data = dict(draft)
            data["id"] = base
            data["status"] = "draft"
            source = dict(data.get("source") or {})
            source["article"] = self.article.path
            data["source"] = source
            problems = canonical.validate(data)
            if problems:
                self.invalid += 1
                log.warning("import %s: generated question %s left out: %s",
                            self.job.id, base, "; ".join(map(str, problems)))
                continue
            self.seen.add(key)
            prepared.append((data, base))
        if not prepared:
            return
        taken = _used(Question.uid, {base for _, base in prepared})
        for data, base in prepared:
            data["id"] = _first_free(base, taken)
            taken.add(data["id"])
        columns = {"status": "draft", "article_id": self.article.id, "import_id": self.job.id}
        insert_new_questions([(data, columns) for data, _ in prepared], self.job.teacher_id, "created",
                             f"draft generated from article import {self.job.id}",  # audit (issue 9)
                             Question.import_id == self.job.id)
        version = (sa.select(QuestionVersion.id).where(QuestionVersion.question_id == Question.id)
                   .scalar_subquery())
        db.session.execute(sa.update(Question).where(Question.import_id == self.job.id,
                                                     Question.current_version_id.is_(None))
                           .values(current_version_id=version).execution_options(synchronize_session=False))
        self.count += len(prepared)


def retry_import(import_id: int, teacher_id: int) -> bool:
    """Queue a failed or stalled import again; it resumes after its last chunk.

    Returns False (and changes nothing) when the import is still making
    progress or already done, so a second click does no harm; the caller
    launches the import when this returns True.

    :raises NotFound: when the import is not this teacher's.
    """
    job = get_own_import(import_id, teacher_id)
    if not (job.state == "failed" or is_stalled(job)):
        return False
    job.state = "pending"
    job.message = None
    job.updated_at = utcnow()
    db.session.commit()
    return True


def is_stalled(job: ArticleImport, now: dt.datetime | None = None) -> bool:
    """Whether a pending or running import has not moved for :data:`STALL_AFTER`."""
    now = now or utcnow()
    return job.state in ("pending", "running") and job.updated_at < now - STALL_AFTER


def fail_stalled(teacher_id: int, import_id: int | None = None) -> None:
    """Record imports whose runner died (a killed worker, a restart) as failed, not "running" forever.

    A runner that is merely slow and comes back finds its import no longer
    "running" and stops (its progress update matches no row); a retry
    resumes after the last committed chunk (issue 14).
    """
    now = utcnow()
    stalled = [ArticleImport.id.in_(ownership.taught_import_ids(teacher_id)), ArticleImport.state.in_(("pending", "running")),
               ArticleImport.updated_at < now - STALL_AFTER]
    if import_id is not None:
        stalled.append(ArticleImport.id == import_id)
    if db.session.scalar(sa.select(ArticleImport.id).where(*stalled).limit(1)) is None:
        return
    db.session.execute(
        sa.update(ArticleImport).where(*stalled)
        .values(state="failed", message="No worker has made progress on this article for ten minutes: the "
                                        "server's job worker may be stopped. Try again; it resumes where it "
                                        "stopped. If it stalls again, ask whoever runs quizapp to start "
                                        "`quizapp worker`.")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- reviewing ----------------------------------------------------------

@dataclass(frozen=True)
class Duplicate:
    """An existing question a draft likely repeats, and why."""

    question_id: int
    uid: str
    stem: str
    status: str
    reason: str  # "same question" or "same fact"


@dataclass
class Draft:
    """One draft on the review page, with the other forms of its fact."""

    question: Question
    data: dict
    answers: list[str]
    distractors: list[str]
    duplicates: list[Duplicate] = field(default_factory=list)
    alternatives: list["Draft"] = field(default_factory=list)
    shown: bool = False  # the alternatives are revealed

    @property
    def form_key(self) -> str | None:
        """The generator's name for the fact this draft asks (shared by its forms)."""
        key = (self.data.get("fact") or {}).get("key")
        return str(key) if key else None


#: what the review page's quality filter offers: likely duplicates of the bank only, or none of them
QUALITY_FILTERS = ("duplicates", "fresh")


@dataclass(frozen=True)
class DraftFilters:
    """Which drafts the review page lists; a value it does not know is no filter."""

    fact_kind: str = ""
    qtype: str = ""
    quality: str = ""  # one of QUALITY_FILTERS
    rejected: bool = False  # list the rejected drafts (to restore them) instead of the pending ones

    def keeps(self, question: Question, duplicates: dict[int, list]) -> bool:
        if self.fact_kind and (question.fact_kind or "none") != self.fact_kind:
            return False
        if self.qtype and question.type != self.qtype:
            return False
        if self.quality == "duplicates":
            return question.id in duplicates
        if self.quality == "fresh":
            return question.id not in duplicates
        return True

    @property
    def active(self) -> bool:
        return bool(self.fact_kind or self.qtype or self.quality)

    def args(self) -> dict[str, str]:
        """The page's query arguments for these filters (to come back to the same list)."""
        values = {"kind": self.fact_kind, "type": self.qtype, "quality": self.quality,
                  "show": "rejected" if self.rejected else ""}
        return {key: value for key, value in values.items() if value}


@dataclass
class ImportPage:
    """An import as its review page shows it."""

    job: ArticleImport
    article: Article
    stalled: bool
    drafts: list[Draft]
    approved: int
    more: list[Draft] = field(default_factory=list)  # facts ranked lower, shown folded
    pending: int = 0  # drafts still to review, whatever the filters
    rejected: int = 0  # drafts rejected (restorable)
    kinds: list[str] = field(default_factory=list)  # fact kinds and types among the pending drafts,
    types: list[str] = field(default_factory=list)  # for the filters
    filters: DraftFilters = field(default_factory=DraftFilters)

    @property
    def working(self) -> bool:
        return self.job.state in ("pending", "running") and not self.stalled

    @property
    def reading(self) -> int:
        """The paragraph being read, counted from 1."""
        return min(self.job.done_steps + 1, max(self.job.total_steps, 1))

    @property
    def shown(self) -> int:
        """How many drafts the list shows (every form of every fact)."""
        return sum(1 + len(d.alternatives) for d in self.drafts) + len(self.more)

    def after(self, question_id: int) -> int | None:
        """The draft the teacher meets next once ``question_id`` is reviewed: where the page should land.

        A fact's hidden other forms come first (the first takes the reviewed
        draft's place), then the next card of the list.
        """
        order: list[int] = []
        for draft in self.drafts:
            order.append(draft.question.id)
            order += [alt.question.id for alt in draft.alternatives]
        order += [d.question.id for d in self.more]
        if question_id not in order:
            return None
        rest = order[order.index(question_id) + 1:]
        return rest[0] if rest else None


def get_own_import(import_id: int, teacher_id: int) -> ArticleImport:
    """An import this teacher brought or co-teaches; anyone else's is reported as missing.

    :raises NotFound: when there is no such import of this teacher.
    """
    job = db.session.get(ArticleImport, import_id)
    if job is None or not ownership.teaches_import(job, teacher_id):
        raise NotFound("There is no such article import.")
    return job


ALTERNATIVE_TAG = "alternative"
MORE_TAG = "more"


def import_page(import_id: int, teacher_id: int, show_forms: str | None = None,
                filters: DraftFilters | None = None) -> ImportPage:
    """The import's progress and, once generated, its drafts with duplicate flags.

    Each fact is listed once, by its best form; the generator's other forms
    of it (tagged ``alternative``, same ``fact.key``) hang under it, revealed
    for the fact ``show_forms`` names. When every best form of a fact has
    been approved or rejected, its first remaining form takes its place.

    :param filters: which drafts to list (by fact kind, type, duplicates;
        or the rejected ones); the counts ignore them.
    :raises NotFound: when the import is not this teacher's.
    """
    filters = filters or DraftFilters()
    job = get_own_import(import_id, teacher_id)
    stalled = is_stalled(job)
    if stalled:
        fail_stalled(teacher_id, job.id)
        db.session.refresh(job)
    questions = list(db.session.scalars(
        sa.select(Question).where(Question.import_id == job.id, Question.status == "draft").order_by(Question.id)
    ))
    pending = [q for q in questions if q.rejected_at is None]
    listed = [q for q in questions if (q.rejected_at is not None) == filters.rejected]
    duplicates = find_duplicates(listed)
    listed = [q for q in listed if filters.keeps(q, duplicates)]
    drafts, more = group_forms([
        Draft(question, question.data, *answer_summary(question.data), duplicates.get(question.id, []))
        for question in listed
    ])
    for draft in drafts:
        draft.shown = bool(show_forms) and draft.form_key == show_forms
    approved = db.session.scalar(
        sa.select(sa.func.count()).select_from(Question)
        .where(Question.import_id == job.id, Question.status != "draft")
    )
    return ImportPage(job=job, article=job.article, stalled=stalled, drafts=drafts, approved=approved or 0,
                      more=more, pending=len(pending), rejected=len(questions) - len(pending),
                      kinds=sorted({q.fact_kind or "none" for q in pending}),
                      types=sorted({q.type for q in pending}), filters=filters)


def group_forms(drafts: list[Draft]) -> tuple[list[Draft], list[Draft]]:
    """One draft per fact, each answer as often as the generator allows; returns the drafts and the "more" list.

    A fact's other forms (tagged ``alternative``) hang under its best form.
    A fact whose answer is asked as often as
    :func:`~quizapp.generator.questions.answer_slots` allows already (a
    speaker quoted a third time, asked in another chunk of a long article)
    hangs under the first draft asking it, as do the facts the generator
    tags ``more``; a "more" fact whose answer no listed draft asks, such as
    a relative date, goes to the second list, shown folded at the end of
    the page.
    """
    main: dict[str, Draft] = {}
    out: list[Draft] = []
    alternatives: list[Draft] = []
    further: list[Draft] = []
    for draft in drafts:
        key = draft.form_key
        tags = draft.data.get("tags") or []
        if MORE_TAG in tags:
            further.append(draft)
        elif key is None:
            out.append(draft)
        elif ALTERNATIVE_TAG in tags:
            alternatives.append(draft)
        elif key in main:
            main[key].alternatives.append(draft)
        else:
            main[key] = draft
            out.append(draft)
    for draft in alternatives:
        key = draft.form_key
        if key in main:
            main[key].alternatives.append(draft)
        else:  # its best form was reviewed already: this one stands for the fact now
            main[key] = draft
            out.append(draft)
    position = {id(d): n for n, d in enumerate(drafts)}
    out.sort(key=lambda d: position[id(d)])
    named = people_named([d.data for d in drafts])
    holders: dict[str, Draft] = {}
    asked: dict[str, int] = {}
    listed: list[Draft] = []
    for draft in out:
        slots = answer_slots(draft.data, named)
        full = next((slot for slot, limit in slots if asked.get(slot, 0) >= limit), None)
        if full is None:
            for slot, _ in slots:
                asked[slot] = asked.get(slot, 0) + 1
                holders.setdefault(slot, draft)
            listed.append(draft)
        else:
            holders[full].alternatives += [draft, *draft.alternatives]
            draft.alternatives = []
    more: list[Draft] = []
    for draft in further:
        first = next((holders[slot] for slot, _ in answer_slots(draft.data, named) if slot in holders), None)
        if first is not None:
            first.alternatives.append(draft)
        else:
            more.append(draft)
    return listed, more


def people_named(drafts: list[dict]) -> int:
    """How many people the article of an import's drafts names: what makes a second typed "who said"
    a giveaway or not. The generator keeps its count in each fact (``people_named``); drafts stored
    before it did are counted by the people they name (a person fact, a person quoted, a person offered)."""
    kept = [(d.get("fact") or {}).get("people_named") for d in drafts]
    kept = [n for n in kept if isinstance(n, int) and not isinstance(n, bool)]
    if kept:
        return max(kept)
    names: set[str] = set()
    for data in drafts:
        fact = data.get("fact") or {}
        if fact.get("kind") == "person" and fact.get("name"):
            names.add(normalize_answer(str(fact["name"])))
        if fact.get("kind") == "quote" and fact.get("speaker_kind") == "person" and fact.get("speaker"):
            names.add(normalize_answer(str(fact["speaker"])))
        if fact.get("kind") in ("person", "quote") and fact.get("speaker_kind", "person") == "person":
            names.update(normalize_answer(str(c.get("text") or "")) for c in data.get("choices") or [])
    names.discard("")
    return len(names)


def list_imports(teacher_id: int) -> list[tuple[ArticleImport, int, int]]:
    """The imports a teacher brought or co-teaches, newest first, with their draft and approved counts."""
    fail_stalled(teacher_id)
    drafts = sa.func.sum(sa.case((sa.and_(Question.status == "draft", Question.rejected_at.is_(None)), 1), else_=0))
    approved = sa.func.sum(sa.case((Question.status != "draft", 1), else_=0))
    rows = db.session.execute(
        sa.select(ArticleImport, sa.func.coalesce(drafts, 0), sa.func.coalesce(approved, 0))
        .outerjoin(Question, Question.import_id == ArticleImport.id)
        .where(ArticleImport.id.in_(ownership.taught_import_ids(teacher_id)))
        .group_by(ArticleImport.id)
        .order_by(ArticleImport.created_at.desc(), ArticleImport.id.desc())
    ).all()
    return [(job, int(d), int(a)) for job, d, a in rows]


def fact_key(fact: Any) -> tuple[str, frozenset[str]] | None:
    """What a fact is about: its kind and its normalized answer(s).

    A quote is its quoted text, a date its resolved value (or its words), a
    person, organization or place its name; facts that gather several
    (matching quotes, ordering events) are the set of them.
    """
    if not isinstance(fact, dict) or not fact.get("kind"):
        return None
    kind = fact["kind"]

    def one(item: dict) -> str | None:
        if kind == "quote":
            return item.get("text")
        if kind == "date":
            return item.get("value") or item.get("text")
        return item.get("name")

    items = [fact]
    for key in ("texts", "quotes", "events", "organizations", "people", "places"):
        if isinstance(fact.get(key), list):
            items = [i if isinstance(i, dict) else {"text": i, "name": i} for i in fact[key]]
            break
    answers = frozenset(filter(None, (normalize_answer(str(v)) for v in map(one, items) if v)))
    return (kind, answers) if answers else None


def find_duplicates(drafts: list[Question]) -> dict[int, list[Duplicate]]:
    """Existing non-draft questions each draft likely repeats, by draft id.

    A draft is flagged when a published or retired question has the same
    normalized stem, or a fact of the same kind with the same answer.
    """
    if not drafts:
        return {}
    kinds = {d.fact_kind for d in drafts if d.fact_kind}
    stems = {normalize_answer(d.stem) for d in drafts}
    existing = db.session.scalars(
        sa.select(Question).options(joinedload(Question.current)).where(Question.status != "draft", Question.current_version_id.is_not(None))
        .where(sa.or_(Question.fact_kind.in_(kinds), Question.fact_kind.is_(None)) if kinds else sa.true())
    ).all()
    by_stem: dict[str, list[Question]] = {}
    by_fact: dict[tuple, list[Question]] = {}
    for question in existing:
        stem = normalize_answer(question.stem)
        if stem in stems:
            by_stem.setdefault(stem, []).append(question)
        key = fact_key(question.data.get("fact"))
        if key:
            by_fact.setdefault(key, []).append(question)
    found: dict[int, list[Duplicate]] = {}
    for draft in drafts:
        matches: dict[int, Duplicate] = {}
        for question in by_stem.get(normalize_answer(draft.stem), []):
            matches[question.id] = Duplicate(question.id, question.uid, question.stem, question.status,
                                             "same question")
        key = fact_key(draft.data.get("fact"))
        for question in by_fact.get(key, []) if key else []:
            matches.setdefault(question.id, Duplicate(question.id, question.uid, question.stem, question.status,
                                                      "same fact"))
        if matches:
            found[draft.id] = list(matches.values())
    return found


def answer_summary(data: dict) -> tuple[list[str], list[str]]:
    """A question's right answer(s) and its distractors, as readable lines."""
    qtype = data.get("type")
    if qtype in ("multiple_choice", "multiple_response"):
        choices = data.get("choices") or []
        return ([c["text"] for c in choices if (c.get("weight") or 0) > 0],
                [c["text"] for c in choices if (c.get("weight") or 0) <= 0])
    if qtype == "true_false":
        return (["True" if data.get("answer") else "False"], [])
    if qtype == "short_answer":
        return ([a["text"] for a in data.get("accepted") or [] if (a.get("weight") or 0) > 0], [])
    if qtype == "numerical":
        return ([f"{n['value']:g} ± {n.get('tolerance') or 0:g}" for n in data.get("numeric") or []
                 if n.get("value") is not None and (n.get("weight") or 0) > 0], [])
    if qtype == "matching":
        pairs = data.get("pairs") or []
        return ([f"{p['prompt']} → {p['match']}" for p in pairs if p.get("prompt")],
                [p["match"] for p in pairs if not p.get("prompt")])
    if qtype == "ordering":
        return ([f"{n}. {item}" for n, item in enumerate(data.get("items") or [], 1)], [])
    return ([], [])


def approve(import_id: int, question_ids: list[int], teacher_id: int) -> int:
    """Publish drafts of an import; returns how many were published.

    The status is not content: a draft's current version is published as it
    is (a new version is made only if learners already answered it, which a
    draft never is). Questions already reviewed are skipped.

    :raises NotFound: when the import is not this teacher's or an id is not
        one of its questions.
    :raises InvalidInput: when a draft (edited since) breaks a rule; nothing
        is published then.
    """
    questions = _own_questions(import_id, question_ids, teacher_id)
    published = 0
    for question in questions:
        if question.status != "draft" or question.rejected_at is not None:  # restore a rejected one first
            continue
        data = {**question.current.data, "status": "published"}
        if ALTERNATIVE_TAG in (data.get("tags") or []):  # in the bank it is a question like any other
            data["tags"] = [t for t in data["tags"] if t != ALTERNATIVE_TAG]
        problems = canonical.validate(data)
        if problems:
            raise InvalidInput(f"“{question.stem}” cannot be published: {problems[0]}. Edit it first.")
        version = question.current
        answered = db.session.scalar(sa.select(sa.func.count()).select_from(Answer)
                                     .where(Answer.version_id == version.id))
        if answered:
            version = QuestionVersion(question=question, number=version.number + 1, data=data,
                                      content_hash=content_hash(data), created_by_id=teacher_id)
            db.session.add(version)
            question.current = version
        else:
            version.data = data  # a new dict, so the JSON column is saved
            version.content_hash = content_hash(data)
        sync_columns(question, data)
        audit.record(question, "approved", teacher_id, version_number=version.number)  # audit (issue 9)
        published += 1
    db.session.commit()
    return published


def reject(import_id: int, question_ids: list[int], teacher_id: int) -> list[int]:
    """Set drafts of an import aside; returns the ids of those rejected now.

    A rejected draft is kept, still a draft, out of the review list and the
    bank, so that :func:`restore` can bring it back. Questions already
    approved or rejected are skipped (retire approved ones from the bank page).

    :raises NotFound: when the import is not this teacher's or an id is not
        one of its questions.
    """
    questions = [q for q in _own_questions(import_id, question_ids, teacher_id)
                 if q.status == "draft" and q.rejected_at is None]
    now = utcnow()
    for question in questions:
        question.rejected_at = now
        audit.record(question, "rejected", teacher_id, version_number=question.current.number)
    db.session.commit()
    return [q.id for q in questions]


def restore(import_id: int, question_ids: list[int], teacher_id: int) -> list[int]:
    """Bring rejected drafts of an import back to the review list; returns the ids restored.

    :raises NotFound: when the import is not this teacher's or an id is not
        one of its questions.
    """
    questions = [q for q in _own_questions(import_id, question_ids, teacher_id)
                 if q.status == "draft" and q.rejected_at is not None]
    for question in questions:
        question.rejected_at = None
        audit.record(question, "restored", teacher_id, version_number=question.current.number)
    db.session.commit()
    return [q.id for q in questions]


def _own_questions(import_id: int, question_ids: list[int], teacher_id: int) -> list[Question]:
    job = get_own_import(import_id, teacher_id)
    wanted = set(question_ids)
    if not wanted:
        raise InvalidInput("Select at least one draft.", where="question_ids")
    questions = list(db.session.scalars(
        sa.select(Question).where(Question.id.in_(wanted), Question.import_id == job.id).order_by(Question.id)
    ))
    if len(questions) != len(wanted):
        raise NotFound("Some of these questions are not drafts of this article.")
    return questions
