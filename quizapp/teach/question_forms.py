"""The question editor: one WTForms form with the rows each question type needs.

The form checks shape only (lengths, numbers, known options) and turns what
was typed into a canonical question; the rules of meaning (one fully correct
choice, weights that reach full marks, ...) are the authoring service's,
whose located problems :meth:`QuestionForm.show_problems` puts back next to
the field they concern.

Rows are added and removed without JavaScript: an "Add a ..." submit button
shows the form again with one more empty row (dropping rows ticked
"Remove"), and "Remove" ticks are honoured on save. Blank rows are ignored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from quizapp import cloze
from quizapp.canonical import ANSWER_KEY, FACT_KINDS, QUESTION_TYPES, STATUSES, Problem
from quizapp.services.errors import InvalidQuestion
from quizapp.teach.forms import options

MAX_ROWS = 60

TYPE_LABELS = {
    "multiple_choice": "Multiple choice (one answer)",
    "multiple_response": "Multiple response (several answers)",
    "true_false": "True or false",
    "short_answer": "Short answer",
    "numerical": "Numerical",
    "matching": "Matching",
    "ordering": "Ordering",
    "essay": "Essay (marked by a teacher)",
    "description": "Description (text only, not marked)",
    "cloze": "Cloze (gaps in a text, Moodle's embedded answers)",
}
assert set(TYPE_LABELS) == set(QUESTION_TYPES)


def finite(form, field) -> None:
    """Refuse "nan" and "inf", which float() accepts."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError("Enter a number.")


class ChoiceRow(Form):
    text = StringField("Choice", [Optional(), Length(max=1000)])
    weight = FloatField("Weight", [Optional(), finite])
    feedback = StringField("Feedback", [Optional(), Length(max=2000)])
    remove = BooleanField("Remove")


class AcceptedRow(Form):
    text = StringField("Accepted answer", [Optional(), Length(max=500)])
    weight = FloatField("Weight", [Optional(), finite])
    feedback = StringField("Feedback", [Optional(), Length(max=2000)])
    remove = BooleanField("Remove")


class NumericRow(Form):
    value = FloatField("Value", [Optional(), finite])
    tolerance = FloatField("Tolerance (±)", [Optional(), finite])
    weight = FloatField("Weight", [Optional(), finite])
    feedback = StringField("Feedback", [Optional(), Length(max=2000)])
    remove = BooleanField("Remove")


class PairRow(Form):
    prompt = StringField("Prompt", [Optional(), Length(max=1000)])
    match = StringField("Match", [Optional(), Length(max=500)])
    remove = BooleanField("Remove")


class ItemRow(Form):
    text = StringField("Item", [Optional(), Length(max=1000)])
    remove = BooleanField("Remove")


@dataclass(frozen=True)
class RowKind:
    """One kind of answer row: its canonical key, how it reads, how it converts."""

    key: str
    noun: str  # "choice": used in "Add a choice", "Choice 2"
    add_label: str
    blank_rows: int  # rows a new question starts with
    first_field: str  # where a problem about a whole row is shown
    hint: str


ROW_KINDS = {
    "choices": RowKind(
        "choices", "choice", "Add a choice", 4, "text",
        "Weight is the fraction of the mark a choice earns: 1 fully correct, 0 wrong, "
        "0.5 half, a negative number a penalty (from -1 to 1).",
    ),
    "accepted": RowKind(
        "accepted", "accepted answer", "Add an accepted answer", 2, "text",
        "Each accepted form is matched as Moodle matches it: ignoring case and extra spaces, "
        "nothing else (add \"U.K.\" and \"UK\" as two forms); * stands for any text. "
        "Weight 1 (the default) is full marks.",
    ),
    "numeric": RowKind(
        "numeric", "numeric answer", "Add a numeric answer", 2, "value",
        "An answer within the tolerance of a value earns its weight (1 by default). "
        "Leave the value empty for feedback on any other answer.",
    ),
    "pairs": RowKind(
        "pairs", "pair", "Add a pair", 3, "match",
        "Learners pick the match for each prompt. A match without a prompt is an extra wrong option.",
    ),
    "items": RowKind(
        "items", "item", "Add an item", 3, "text",
        "List the items in the correct order; learners see them shuffled.",
    ),
}


def _clean(text: str | None) -> str:
    """Form text as stored: browsers send CRLF from text areas."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _set_optional(data: dict, key: str, value: str) -> None:
    """Set ``key`` to the text, or clear it (keeping the key only if it was there)."""
    if value:
        data[key] = value
    elif key in data:
        data[key] = None


def _sentence(label: str, message: str) -> str:
    """A problem as a sentence a teacher reads next to the field."""
    if message.startswith(("is ", "must ", "does ", "has ")):
        return f"{label} {message}."
    return message[:1].upper() + message[1:] + "."


_PATH = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?$")


class QuestionForm(FlaskForm):
    """Every field of the editor; :meth:`build` keeps the ones a type uses."""

    title = StringField("Title (optional, shown above the question)", [Optional(), Length(max=200)])
    stem = TextAreaField("Question text", [Optional(), Length(max=5000)])
    choices = FieldList(FormField(ChoiceRow), max_entries=MAX_ROWS)
    accepted = FieldList(FormField(AcceptedRow), max_entries=MAX_ROWS)
    numeric = FieldList(FormField(NumericRow), max_entries=MAX_ROWS)
    pairs = FieldList(FormField(PairRow), max_entries=MAX_ROWS)
    items = FieldList(FormField(ItemRow), max_entries=MAX_ROWS)
    answer = RadioField("The statement is", choices=options([("true", "True"), ("false", "False")]),
                        validators=[Optional()])
    feedback_true = StringField("Feedback for a learner who answers True", [Optional(), Length(max=2000)])
    feedback_false = StringField("Feedback for a learner who answers False", [Optional(), Length(max=2000)])
    general_feedback = TextAreaField("Explanation (shown after the answer)", [Optional(), Length(max=5000)])
    tags = StringField("Tags (comma separated)", [Optional(), Length(max=490)])
    fact_kind = SelectField("Fact kind", choices=options([("", "None")] + [(k, k.capitalize()) for k in FACT_KINDS]))
    article = SelectField("Article", choices=options([("", "No article")]))
    source_sentence = TextAreaField("Source sentence (paste it from the article)", [Optional(), Length(max=5000)])
    status = SelectField("Status", choices=options([(s, s.capitalize()) for s in STATUSES]))
    add_choices = SubmitField(ROW_KINDS["choices"].add_label)
    add_accepted = SubmitField(ROW_KINDS["accepted"].add_label)
    add_numeric = SubmitField(ROW_KINDS["numeric"].add_label)
    add_pairs = SubmitField(ROW_KINDS["pairs"].add_label)
    add_items = SubmitField(ROW_KINDS["items"].add_label)
    save = SubmitField("Save question")

    qtype: str
    row_kind: RowKind | None
    problems: list[Problem]
    general_errors: list[str]
    list_errors: list[str]
    _rows_saved: list

    @classmethod
    def build(cls, qtype: str, articles, question_data: dict | None = None, article_id: int | None = None):
        """The editor for a ``qtype`` question, filled from the request when posted.

        :param question_data: the canonical question being edited (its values
            fill the form on GET); None for a new question.
        """
        submitted = request.method == "POST"
        form = cls() if submitted else cls(data=initial_values(qtype, question_data, article_id))
        form.qtype = qtype
        key = ANSWER_KEY[qtype]
        form.row_kind = ROW_KINDS.get(key) if key else None
        for name in ROW_KINDS:
            if form.row_kind is None or name != form.row_kind.key:
                del form[name]
                del form["add_" + name]
        if qtype != "true_false":
            for name in ("answer", "feedback_true", "feedback_false"):
                del form[name]
        form.article.choices = options([("", "No article")] + [(str(a.id), a.title) for a in articles])
        form.problems, form.general_errors, form.list_errors, form._rows_saved = [], [], [], []
        return form

    @property
    def rows(self) -> FieldList | None:
        return self[self.row_kind.key] if self.row_kind else None

    def rows_changed(self) -> bool:
        """Apply an "Add a ..." click: drop ticked rows, add an empty one.

        :returns: True when the form is only to be shown again.
        """
        if self.row_kind is None or not self["add_" + self.row_kind.key].data:
            return False
        rows = self.rows
        rows.entries = [entry for entry in rows.entries if not entry.form.remove.data]
        if len(rows.entries) < MAX_ROWS:
            rows.append_entry()
        return True

    def article_id(self) -> int | None:
        return int(self.article.data) if self.article.data else None

    def to_data(self, base: dict | None = None) -> dict[str, Any]:
        """The canonical question typed in, over ``base`` (keys the form has no field for stay).

        The ``source`` is left to the service, which finds the pasted
        sentence in the chosen article.
        """
        data = {k: v for k, v in (base or {}).items()
                if k not in ("choices", "accepted", "answer", "numeric", "pairs", "items", "gaps",
                             "feedback_true", "feedback_false", "source")}
        data["type"] = self.qtype
        _set_optional(data, "title", _clean(self.title.data))
        data["stem"] = _clean(self.stem.data)
        data.setdefault("stem_format", "plain")
        if self.qtype == "cloze":  # the gaps are written in the text, as in Moodle's editor
            text = data["stem"]
            try:
                data["stem"], data["gaps"] = cloze.parse_embedded(text)
            except cloze.ClozeError as exc:
                raise InvalidQuestion([Problem("stem", f"line {exc.line_in(text)}: {exc.message}")]) from None
        _set_optional(data, "general_feedback", _clean(self.general_feedback.data))
        data["tags"] = [re.sub(r"\s+", "-", t.strip()) for t in (self.tags.data or "").split(",") if t.strip()]
        kind = self.fact_kind.data
        old_fact = data.pop("fact", None) or {}
        if kind:
            data["fact"] = old_fact if old_fact.get("kind") == kind else {"kind": kind}
        data["status"] = self.status.data
        if self.qtype == "true_false":
            data["answer"] = {"true": True, "false": False}.get(self.answer.data)
            for key in ("feedback_true", "feedback_false"):
                if _clean(self[key].data):
                    data[key] = _clean(self[key].data)
        if self.row_kind is not None:
            rows, self._rows_saved = [], []
            for entry in self.rows.entries:
                row = _ROW_TO_DATA[self.row_kind.key](entry.form)
                if row is not None and not entry.form.remove.data:
                    rows.append(row)
                    self._rows_saved.append(entry)
            data[self.row_kind.key] = rows
        return data

    def show_problems(self, problems: list[Problem]) -> None:
        """Put each problem next to the field it belongs to (the rest above the form)."""
        self.problems.extend(problems)
        for problem in problems:
            gap = re.match(r"gaps\[(\d+)\]\.?(.*)", problem.field)
            if gap:  # a cloze gap is written in the question text: say which one there
                where = f" ({gap.group(2)})" if gap.group(2) else ""
                self.stem.errors = [*self.stem.errors, f"Gap {int(gap.group(1)) + 1}{where}: {problem.message}."]
                continue
            match = _PATH.match(problem.field)
            name, index, sub = match.groups() if match else ("", None, None)
            if self.row_kind is not None and name == self.row_kind.key and index is None:
                self.list_errors.append(_sentence(self.row_kind.noun.capitalize() + "s", problem.message))
                continue
            field = self._field_for(name, index, sub, problem.message)
            if field is None:
                where = f"{problem.field}: " if problem.field else ""
                self.general_errors.append(where + _sentence("It", problem.message))
            else:
                label = _LABELS.get(field.short_name, field.label.text)
                field.errors = [*field.errors, _sentence(label, problem.message)]

    def _field_for(self, name: str, index: str | None, sub: str | None, message: str):
        if self.row_kind is not None and name == self.row_kind.key:
            if int(index) >= len(self._rows_saved):
                return None
            row = self._rows_saved[int(index)].form
            if sub is None and name == "pairs" and "prompt" in message:
                sub = "prompt"
            return getattr(row, sub or self.row_kind.first_field, None)
        if name == "source":
            name = "article" if sub == "article" else "source_sentence"
        elif name == "fact":
            name = "fact_kind"
        return self._fields.get(name) if name in _TOP_FIELDS else None

    def has_problems(self) -> bool:
        return bool(self.errors or self.problems)


_TOP_FIELDS = {
    "title", "stem", "general_feedback", "tags", "answer", "status", "fact_kind", "feedback_true",
    "feedback_false", "article", "source_sentence",
}
#: how a problem's sentence names its field, where the label reads badly
_LABELS = {
    "stem": "The question text", "answer": "The answer", "source_sentence": "The source sentence",
    "general_feedback": "The explanation", "tags": "Tags", "fact_kind": "The fact kind", "title": "The title",
}


def _number(field, default: float | None) -> float | None:
    return default if field.data is None else float(field.data)


def _choice_row(row) -> dict | None:
    text, feedback = _clean(row.text.data), _clean(row.feedback.data)
    if not text and not feedback:
        return None
    out: dict[str, Any] = {"text": text, "weight": _number(row.weight, 0.0)}
    if feedback:
        out["feedback"] = feedback
    return out


def _accepted_row(row) -> dict | None:
    text, feedback = _clean(row.text.data), _clean(row.feedback.data)
    if not text and not feedback:
        return None
    out: dict[str, Any] = {"text": text, "weight": _number(row.weight, 1.0)}
    if feedback:
        out["feedback"] = feedback
    return out


def _numeric_row(row) -> dict | None:
    feedback = _clean(row.feedback.data)
    value = _number(row.value, None)
    if value is None and not feedback:
        return None
    out: dict[str, Any] = {
        "value": value,
        "tolerance": _number(row.tolerance, 0.0),
        "weight": _number(row.weight, 1.0 if value is not None else 0.0),
    }
    if feedback:
        out["feedback"] = feedback
    return out


def _pair_row(row) -> dict | None:
    prompt, match = _clean(row.prompt.data), _clean(row.match.data)
    if not prompt and not match:
        return None
    return {"prompt": prompt or None, "match": match}


def _item_row(row) -> str | None:
    return _clean(row.text.data) or None


_ROW_TO_DATA = {
    "choices": _choice_row,
    "accepted": _accepted_row,
    "numeric": _numeric_row,
    "pairs": _pair_row,
    "items": _item_row,
}


def initial_values(qtype: str, data: dict | None, article_id: int | None = None) -> dict[str, Any]:
    """What the editor shows before it is posted: the question's values, or empty rows."""
    key = ANSWER_KEY[qtype]
    if data is None:
        values: dict[str, Any] = {"status": "draft"}
        if key in ROW_KINDS:
            rows: list[Any] = [{} for _ in range(ROW_KINDS[key].blank_rows)]
            if key == "choices" and qtype == "multiple_choice":
                rows = [{"weight": 1.0}] + [{"weight": 0.0} for _ in rows[1:]]
            values[key] = rows
        return values
    source = data.get("source") or {}
    stem = data.get("stem") or ""
    if qtype == "cloze" and isinstance(data.get("gaps"), list):
        stem = cloze.embedded_text(stem, data["gaps"])
    values = {
        "title": data.get("title") or "",
        "stem": stem,
        "general_feedback": data.get("general_feedback") or "",
        "tags": ", ".join(data.get("tags") or []),
        "fact_kind": (data.get("fact") or {}).get("kind") or "",
        "article": str(article_id) if article_id else "",
        "source_sentence": source.get("sentence") or "",
        "status": data.get("status", "draft"),
    }
    if qtype == "true_false":
        values["answer"] = "true" if data.get("answer") else "false"
        values["feedback_true"] = data.get("feedback_true") or ""
        values["feedback_false"] = data.get("feedback_false") or ""
    if key == "items":
        values["items"] = [{"text": item} for item in data.get("items") or []]
    elif key in ROW_KINDS:
        values[key] = [dict(row) for row in data.get(key) or []]
    return values
