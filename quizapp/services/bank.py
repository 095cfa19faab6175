"""Loading the curated bank files into the database, all or nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.formats import FormatError, read_bank
from quizapp.generator.article import ArticleError, read_article
from quizapp.models import Article, Question, QuestionVersion, Quiz, QuizQuestion
from quizapp.services.errors import InvalidInput

#: The quizzes built for every article: (slug suffix, fact kind, title).
BANK_QUIZZES = (
    ("", None, "The whole article"),
    ("-quotes", "quote", "Who said what"),
    ("-people", "person", "Who is who"),
    ("-organizations", "organization", "Which organization"),
    ("-dates", "date", "When"),
    ("-places", "place", "Where"),
)


@dataclass
class LoadReport:
    files: int = 0
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    quizzes: int = 0

    def summary(self) -> str:
        return (
            f"{self.files} bank file(s): {len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged question(s); {self.quizzes} quiz(zes)"
        )


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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


def _upsert_question(data: dict, article: Article | None, report: LoadReport) -> Question:
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
    question.type = data["type"]
    question.fact_kind = (data.get("fact") or {}).get("kind")
    question.status = data.get("status", "draft")
    question.stem = data.get("stem") or ""
    question.tags = " " + " ".join(t.strip().lower() for t in data.get("tags", [])) + " "


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
