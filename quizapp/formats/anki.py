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

Every text is HTML-escaped (an ``html`` stem loses its markup first), so
nothing from a bank runs as markup in Anki. Deck and note type ids are
derived from their names and each note's GUID from the question id, so
importing a newer export of the same deck updates its cards instead of
duplicating them. Description questions (no answer) are left out, and so
are essays without general feedback; :func:`write_apkg` says which.

Pure: no Flask, no database (genanki writes the collection).
"""

from __future__ import annotations

import hashlib
import itertools
import time
import html
import os
import re
import sqlite3
import tempfile
import zipfile
from html.parser import HTMLParser
from typing import IO

import genanki

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


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append("\n")


def _text(value: str | None, fmt: str = "plain") -> str:
    """Escaped HTML for a text of the bank; line breaks kept."""
    if not value:
        return ""
    if fmt == "html":
        parser = _TextOnly()
        parser.feed(value)
        parser.close()
        value = "".join(parser.parts)
    value = re.sub(r"\n{3,}", "\n\n", value.strip())
    return html.escape(value).replace("\n", "<br>")


def _number(value: float) -> str:
    return f"{value:g}"


def front(question: dict) -> str:
    """The front of a question's card (escaped HTML)."""
    parts = [f'<div class="stem">{_text(question.get("stem"), question.get("stem_format", "plain"))}</div>']
    qtype = question["type"]
    if qtype in ("multiple_choice", "multiple_response"):
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
    """The back of a question's card: answer, explanation, source sentence (escaped HTML)."""
    answer, explanation = _answer(question)
    parts = [f'<div class="answer">{answer}</div>'] if answer else []
    explanation = question.get("general_feedback") or explanation
    if explanation:
        parts.append(f'<div class="explanation">{_text(explanation)}</div>')
    sentence = (question.get("source") or {}).get("sentence")
    if sentence:
        parts.append(f'<blockquote class="source">{_text(sentence)}</blockquote>')
    return "".join(parts)


def _answer(question: dict) -> tuple[str, str | None]:
    """The correct answer as escaped HTML, and the feedback that explains it."""
    qtype = question["type"]
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
    return "", None  # essay: the general feedback is the back


def build_deck(questions: list[dict], deck_name: str) -> tuple[genanki.Deck, list[str]]:
    """A deck of one note per question; the warnings name the questions left out."""
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
    deck, warnings = build_deck(questions, deck_name)
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
            archive.writestr("media", "{}")
    finally:
        os.unlink(db_path)
    return warnings
