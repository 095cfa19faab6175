"""Anki decks (.apkg) for self-study: export only.

A deck is for remembering, not a bank: its cards cannot carry weights,
partial credit or per-answer feedback in a form we could read back, so
there is no ``parse`` and the format is not in :data:`quizapp.formats.FORMATS`
(``quizapp bank import`` refuses .apkg files). One note per question:

- front: the stem, and for choice questions the choices (A, B, C...); for
  matching the prompts and the matches to pair; for ordering the items in
  alphabetical order;
- back: the correct answer, the explanation (general feedback, or the
  feedback of the correct choice) and the article sentence the question
  comes from.

Every text of an ``html`` question is sanitised HTML (an allow-list of tags
without attributes; the question's images and embedded ``data:`` images
become files of the deck);
every other text is HTML-escaped, so nothing from a bank runs as script in Anki. Deck and note type ids are
derived from their names and each note's GUID from the question id, so
importing a newer export of the same deck updates its cards instead of
duplicating them. Description questions (no answer) are left out, and so
are essays without general feedback; :func:`write_apkg` says which.

Pure: no Flask, no database (genanki writes the collection).
"""

from __future__ import annotations

import base64
import contextvars
import functools
import hashlib
import itertools
import json
import time
import html
import os
import re
import sqlite3
import tempfile
import zipfile
from typing import IO

import genanki

from quizapp import cloze
from . import media
from .safe_html import Sanitizer

NAME = "apkg"
EXTENSIONS = (".apkg",)
MODEL_NAME = "quizapp question"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: #111; background: #fff; }
.choices { margin: .5em 0 0 1.5em; padding: 0; }
.answer { font-weight: bold; }
.explanation { margin-top: .8em; }
.source { margin-top: .8em; padding-left: .8em; border-left: 3px solid #999; color: #444; font-size: 16px; }
"""


def stable_id(name: str) -> int:
    """An Anki deck or note type id derived from ``name`` (same name, same id).

    Anki ids are positive 64-bit numbers; genanki recommends the range
    [2**30, 2**31), which we keep to.
    """
    digest = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


def model() -> genanki.Model:
    """The note type: Front, Back and the question Id (not shown)."""
    return genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
        templates=[{
            "name": "Question",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }],
        css=_CSS,
        sort_field_index=2,
    )


_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,([A-Za-z0-9+/=\s]+)$")


class _Sanitizer(Sanitizer):
    """The allow-list of :mod:`~quizapp.formats.safe_html`; an image keeps its source when it is
    embedded data, which becomes a file of the deck (with its alt text)."""

    def __init__(self, media: dict[str, bytes] | None) -> None:
        super().__init__()
        self.media = media

    def image(self, attrs: dict) -> None:
        alt = html.escape(attrs.get("alt") or "", quote=True)
        match = _DATA_IMAGE.match((attrs.get("src") or "").strip())
        if match is None or self.media is None:
            if alt:
                self.parts.append(f"[{alt}]")  # an image the deck cannot hold: its description
            return
        try:
            data = base64.b64decode("".join(match.group(2).split()), validate=True)
        except ValueError:
            return
        ext = "jpg" if match.group(1) == "jpeg" else match.group(1)
        name = f"quizapp-{hashlib.sha256(data).hexdigest()[:20]}.{ext}"
        self.media[name] = data
        self.parts.append(f'<img src="{name}" alt="{alt}">')


def _text_in(value: str | None, fmt: str = "plain") -> str:
    return _text(value, fmt)


#: Images found while a deck is built: file name -> bytes (None: not collecting).
_MEDIA: contextvars.ContextVar[dict[str, bytes] | None] = contextvars.ContextVar("anki_media", default=None)


def _text(value: str | None, fmt: str = "plain") -> str:
    """A text of the bank as card HTML: an ``html`` text keeps its allowed markup (sanitised),
    any other is escaped with its line breaks kept."""
    if not value:
        return ""
    if fmt == "html":
        parser = _Sanitizer(_MEDIA.get())
        parser.feed(value)
        return parser.result().strip()
    value = re.sub(r"\n{3,}", "\n\n", value.strip())
    return html.escape(value).replace("\n", "<br>")


def _number(value: float) -> str:
    return f"{value:g}"


def front(question: dict) -> str:
    """The front of a question's card (escaped or sanitised HTML)."""
    fmt = question.get("stem_format", "plain")
    _text = functools.partial(_text_in, fmt=fmt)
    qtype = question["type"]
    stem = cloze.blanked(question.get("stem") or "") if qtype == "cloze" else question.get("stem")
    parts = [f'<div class="stem">{_text(stem)}</div>']
    if qtype == "cloze":  # the choices of each choice gap, so the card can be answered
        rows = "".join(
            f"<li>[{n}]: {' / '.join(_text(c['text']) for c in gap['choices'])}</li>"
            for n, gap in enumerate(question.get("gaps", []), start=1) if "choices" in gap
        )
        if rows:
            parts.append(f'<ul class="choices">{rows}</ul>')
    elif qtype in ("multiple_choice", "multiple_response"):
        items = "".join(f"<li>{_text(c['text'])}</li>" for c in question.get("choices", []))
        parts.append(f'<ol class="choices" type="A">{items}</ol>')
        if qtype == "multiple_response":
            parts.append("<p><em>Choose every correct answer.</em></p>")
    elif qtype == "true_false":
        parts.append("<p><em>True or false?</em></p>")
    elif qtype == "matching":
        prompts = "".join(f"<li>{_text(p['prompt'])}</li>" for p in question.get("pairs", []) if p.get("prompt"))
        matches = ", ".join(sorted(_text(p["match"]) for p in question.get("pairs", [])))
        parts.append(f'<ol class="choices">{prompts}</ol><p>Match with: {matches}</p>')
    elif qtype == "ordering":
        items = "".join(f"<li>{_text(item)}</li>" for item in sorted(question.get("items", []), key=str.casefold))
        parts.append(f'<p><em>Put in order:</em></p><ul class="choices">{items}</ul>')
    return "".join(parts)


def back(question: dict) -> str:
    """The back of a question's card: answer, explanation, source sentence (escaped or sanitised HTML)."""
    fmt = question.get("stem_format", "plain")
    answer, explanation = _answer(question)
    parts = [f'<div class="answer">{answer}</div>'] if answer else []
    explanation = question.get("general_feedback") or explanation
    if explanation:
        parts.append(f'<div class="explanation">{_text_in(explanation, fmt)}</div>')
    sentence = (question.get("source") or {}).get("sentence")
    if sentence:
        parts.append(f'<blockquote class="source">{_text(sentence)}</blockquote>')
    return "".join(parts)


def _answer(question: dict) -> tuple[str, str | None]:
    """The correct answer as card HTML, and the feedback that explains it.

    Answers, prompts and feedback share the question's text format, as Moodle's
    importers give them the question text's format.
    """
    qtype = question["type"]
    _text = functools.partial(_text_in, fmt=question.get("stem_format", "plain"))
    if qtype in ("multiple_choice", "multiple_response"):
        choices = question.get("choices", [])
        if qtype == "multiple_choice":
            best = max((c.get("weight", 0) for c in choices), default=0)
            right = [(i, c) for i, c in enumerate(choices) if c.get("weight", 0) == best and best > 0]
        else:
            right = [(i, c) for i, c in enumerate(choices) if c.get("weight", 0) > 0]
        text = "<br>".join(f"{_LETTERS[i % 26]}. {_text(c['text'])}" for i, c in right)
        feedback = next((c.get("feedback") for _, c in right if c.get("feedback")), None)
        return text, feedback
    if qtype == "true_false":
        truth = bool(question.get("answer"))
        return ("True" if truth else "False"), question.get("feedback_true" if truth else "feedback_false")
    if qtype == "short_answer":
        accepted = sorted(question.get("accepted", []), key=lambda a: -a.get("weight", 1))
        full = [a for a in accepted if a.get("weight", 1) >= 1] or accepted[:1]
        text = _text(full[0]["text"]) if full else ""
        others = [_text(a["text"]) for a in full[1:]]
        if others:
            text += f"<br><small>also accepted: {', '.join(others)}</small>"
        return text, next((a.get("feedback") for a in full if a.get("feedback")), None)
    if qtype == "numerical":
        rows = [n for n in question.get("numeric", []) if n.get("value") is not None]
        full = [n for n in rows if n.get("weight", 1) >= 1] or rows[:1]
        text = " or ".join(
            _number(n["value"]) + (f" (± {_number(n['tolerance'])})" if n.get("tolerance") else "") for n in full
        )
        return text, next((n.get("feedback") for n in full if n.get("feedback")), None)
    if qtype == "matching":
        rows = "".join(
            f"<li>{_text(p['prompt'])} → {_text(p['match'])}</li>" for p in question.get("pairs", []) if p.get("prompt")
        )
        return f"<ul>{rows}</ul>", None
    if qtype == "ordering":
        return "<ol>" + "".join(f"<li>{_text(item)}</li>" for item in question.get("items", [])) + "</ol>", None
    if qtype == "cloze":
        fmt = question.get("stem_format", "plain")
        rows = "".join(f"<li>[{n}]: {_answer({**gap, 'stem_format': fmt})[0]}</li>"
                       for n, gap in enumerate(question.get("gaps", []), start=1))
        return f"<ul>{rows}</ul>", None
    return "", None  # essay: the general feedback is the back


def build_deck(questions: list[dict], deck_name: str) -> tuple[genanki.Deck, list[str]]:
    """A deck of one note per question; the warnings name the questions left out."""
    deck, warnings, _ = build_deck_with_media(questions, deck_name)
    return deck, warnings


def build_deck_with_media(questions: list[dict], deck_name: str) -> tuple[genanki.Deck, list[str], dict[str, bytes]]:
    """:func:`build_deck`, plus the images embedded in HTML texts (file name -> bytes) for the package."""
    media: dict[str, bytes] = {}
    token = _MEDIA.set(media)
    try:
        deck, warnings = _build_deck(questions, deck_name)
    finally:
        _MEDIA.reset(token)
    return deck, warnings, media


def _build_deck(questions: list[dict], deck_name: str) -> tuple[genanki.Deck, list[str]]:
    deck = genanki.Deck(stable_id(f"quizapp deck: {deck_name}"), deck_name)
    note_model = model()
    warnings: list[str] = []
    for question in questions:
        qid = question["id"]
        if question["type"] == "description":
            warnings.append(f"{qid}: a description has no answer; left out of the deck")
            continue
        if question["type"] == "essay" and not question.get("general_feedback"):
            warnings.append(f"{qid}: an essay without general feedback has nothing for the back; left out")
            continue
        tags = [re.sub(r"\s+", "_", t.strip()) for t in question.get("tags", []) if t.strip()]
        question = media.inline_files(question)  # its images become files of the deck, like data: images
        deck.add_note(genanki.Note(
            model=note_model,
            fields=[front(question), back(question), html.escape(qid)],
            guid=genanki.guid_for("quizapp", qid),
            tags=tags,
        ))
    return deck, warnings


def write_apkg(questions: list[dict], deck_name: str, out: IO[bytes], timestamp: float | None = None) -> list[str]:
    """Write questions as an .apkg deck to a binary file object.

    :param questions: valid canonical questions.
    :param deck_name: the deck's name in Anki (its id derives from it).
    :param out: a writable binary file (seekable: it becomes a zip file).
    :param timestamp: seconds since the epoch for the cards' creation (default: now).
    :returns: what was left out, one message per question.
    """
    deck, warnings, media = build_deck_with_media(questions, deck_name)
    package = genanki.Package(deck)
    # genanki's write_to_file leaves its temporary database behind; write the
    # collection ourselves and remove it.
    fd, db_path = tempfile.mkstemp(prefix="quizapp-anki-", suffix=".anki2")
    os.close(fd)
    try:
        connection = sqlite3.connect(db_path)
        try:
            stamp = time.time() if timestamp is None else timestamp
            package.write_to_db(connection.cursor(), stamp, itertools.count(int(stamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            # Anki's media map: numbered files in the zip -> the names cards use
            names = sorted(media)
            archive.writestr("media", json.dumps({str(i): name for i, name in enumerate(names)}))
            for i, name in enumerate(names):
                archive.writestr(str(i), media[name])
    finally:
        os.unlink(db_path)
    return warnings
