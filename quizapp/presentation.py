"""Small display helpers shared by templates (escaping stays Jinja's job)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import PurePosixPath

import sqlalchemy as sa
from flask import g, request, url_for
from markupsafe import Markup, escape

from quizapp import cloze
from quizapp.extensions import db
from quizapp.formats import media
from quizapp.formats.safe_html import sanitize
from quizapp.models import Article
from quizapp.services.progress import FACT_KIND_LABELS


def highlight(sentence: str, fact: dict | None) -> Markup:
    """Escape ``sentence`` and wrap the words that state ``fact`` in <mark>."""
    if not sentence:
        return Markup("")
    for phrase in fact_phrases(fact):
        match = re.search(re.escape(phrase), sentence, re.I)
        if match:
            return (
                escape(sentence[: match.start()])
                + Markup("<mark>")
                + escape(match.group(0))
                + Markup("</mark>")
                + escape(sentence[match.end():])
            )
    return escape(sentence)


def question_html(question: dict, text: str | None, endpoint: str | None = None, **values) -> Markup:
    """A text of a question as a page shows it.

    An ``html`` question's text is sanitised (an allow-list of tags, no
    attributes, no script or event handlers); its images (``@@PLUGINFILE@@``
    links to the question's files) point at ``endpoint`` (an image route
    taking ``name`` and ``values``), and any other image shows its alt text.
    Other formats are escaped.
    """
    if question.get("stem_format") != "html":
        return escape(text or "")
    names = {file.get("name") for file in question.get("files") or []}

    def image_url(src: str) -> str | None:
        linked = media.linked_names(src) if src.startswith(media.PLUGINFILE) else []
        if endpoint is None or not linked or linked[0] not in names:
            return None
        return url_for(endpoint, name=linked[0], **values)

    return Markup(sanitize(text or "", image_url))


def nav_url(endpoint: str, filename: str | None = None) -> str:
    """``url_for(endpoint)``, or a static file's URL, remembered per script root.

    For the base template's links, which every page shows: a dozen of them
    cost about 5% of a page when each was built again.
    """
    return _nav_url(request.script_root, endpoint, filename)


@functools.lru_cache(maxsize=256)  # bounded: the script root can come from a proxy's header
def _nav_url(script_root: str, endpoint: str, filename: str | None) -> str:
    return url_for(endpoint, filename=filename) if filename else url_for(endpoint)


def local_time(value: dt.datetime | None, style: str = "datetime") -> Markup:
    """A UTC time as ``<time>``: the UTC text for readers without script, which static/quizapp.js rewrites to local time.

    :param style: ``"datetime"`` (date and time) or ``"time"`` (time of day only).
    """
    if value is None:
        return Markup("")
    text = f"{value:%H:%M} UTC" if style == "time" else f"{value:%Y-%m-%d %H:%M} UTC"
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(
        f"{value:%Y-%m-%dT%H:%M:%S}Z", style, text
    )


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 question``, ``2 questions`` (``words``: an irregular plural)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def duration(seconds: int) -> str:
    """A time limit in words: ``1 minute``, ``90 minutes``, ``2 minutes 30 seconds``."""
    minutes, rest = divmod(int(seconds), 60)
    parts = [plural(minutes, "minute")] if minutes else []
    if rest or not minutes:
        parts.append(plural(rest, "second"))
    return " ".join(parts)


def and_list(items) -> str:
    """``2``, ``2 and 5``, ``2, 5 and 7``."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_ARTICLES_NAMED = sa.select(Article.slug, Article.path, Article.title, Article.source, Article.published).where(
    sa.or_(*(column == sa.bindparam(name) for column in (Article.path, Article.slug) for name in ("path", "stem")))
)


def source_caption(path: str | None) -> str:
    """How a learner is told where a sentence comes from: the article's title, outlet and date, never a file path.

    ``path`` is the article's file path or its slug (a path's stem). One
    query per article a page names, remembered for the request: a review of
    36 questions from one article asks once, and a bank of thousands of
    articles is not read to caption one sentence.
    """
    if not path:
        return "From the article"
    captions = g.setdefault("_source_captions", {})
    if path not in captions:
        stem = PurePosixPath(path).stem
        rows = db.session.execute(_ARTICLES_NAMED, {"path": path, "stem": stem}).all()
        # the article named by the whole path (its path or slug) first, then by the path's stem
        found = next((row for key in (path, stem) for row in rows if key in (row.path, row.slug)), None)
        captions[path] = _caption(found.title, found.source, found.published) if found else "From the article"
    return captions[path]


def _caption(title: str, source: str | None, published) -> str:
    details = [part for part in (source, published and f"{published.day} {published:%B %Y}") if part]
    return f"From “{title}”" + (f" ({', '.join(details)})" if details else "")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def fact_kind_label(kind: str | None) -> str:
    return FACT_KIND_LABELS.get(kind or "", kind or "Other")


def fact_phrases(fact: dict | None) -> list[str]:
    """Phrases that may state ``fact`` in its sentence, most specific first."""
    if not fact:
        return []
    found: list[str] = []

    def add(value) -> None:
        if isinstance(value, str) and value.strip(" .…"):
            found.append(value.strip(" .…"))
        elif isinstance(value, list):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            for key in ("text", "quote", "name", "aliases"):
                add(value.get(key))

    for key in ("text", "texts", "quotes", "name", "aliases", "speaker", "events", "organizations"):
        add(fact.get(key))
    # a name is often written by its last word alone ("Lukashenko")
    found.extend(p.split()[-1] for p in list(found) if len(p.split()) in (2, 3) and p[0].isupper())
    return found


def describe_response(question: dict, response) -> list[str]:
    """A learner's response as lines of readable text."""
    qtype = question["type"]
    if response is None:
        return []
    if qtype == "multiple_choice":
        return [question["choices"][response]["text"]]
    if qtype == "multiple_response":
        return [question["choices"][i]["text"] for i in response]
    if qtype == "true_false":
        return ["True" if response else "False"]
    if qtype == "numerical":
        return [f"{response:g}"]
    if qtype == "matching":
        prompted = [p for p in question["pairs"] if p.get("prompt")]
        return [f"{p['prompt']} → {m}" for p, m in zip(prompted, response)]
    if qtype == "ordering":
        return [f"{n}. {item}" for n, item in enumerate(response, 1)]
    if qtype == "cloze":
        return [f"({n}) " + ("; ".join(describe_response(gap, item)) if item is not None else "(left blank)")
                for n, (gap, item) in enumerate(zip(question["gaps"], response), start=1)]
    return [str(response)]


def stem_text(question: dict) -> str:
    """The question text to read: a cloze question's gaps as numbered blanks."""
    stem = question.get("stem") or ""
    return cloze.blanked(stem) if question.get("type") == "cloze" else stem
