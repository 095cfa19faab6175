"""Reading an answer form into a response of the question's shape.

Answer forms are plain HTML forms (their fields depend on the question),
protected by the app-wide CSRFProtect; this module only parses them.

Field values are *shown positions*, never canonical indexes: the attempt's
``order`` maps position ``k`` to the canonical choice ``order[k]``, so the
page's HTML carries nothing that tells the correct choice apart.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from quizapp.services import scoring


class MissingAnswer(ValueError):
    """The form was sent without an answer; the learner is asked again."""


def _position(value: str | None) -> int:
    if value is None or value == "":
        raise MissingAnswer("Choose an answer first.")
    try:
        return int(value)
    except ValueError:
        return -1  # not a choice: rejected by check_response


def response_from_form(question: dict, order: list[int], form: MultiDict) -> Any:
    """Turn the posted fields into the response shape of ``question``'s type.

    :raises MissingAnswer: when nothing was answered.
    """

    def _index(value: str | None) -> int:
        position = _position(value)
        return order[position] if 0 <= position < len(order) else -1

    qtype = question["type"]
    if qtype == "multiple_choice":
        return _index(form.get("choice"))
    if qtype == "multiple_response":
        values = form.getlist("choice")
        if not values:
            raise MissingAnswer("Tick at least one answer.")
        return [_index(v) for v in values]
    if qtype == "true_false":
        value = form.get("answer")
        if value not in ("true", "false"):
            if value:
                return value  # rejected by check_response
            raise MissingAnswer("Choose true or false.")
        return value == "true"
    if qtype in ("short_answer", "essay"):
        value = (form.get("answer") or "").strip()
        if not value:
            raise MissingAnswer("Type your answer first.")
        return value
    if qtype == "numerical":
        value = (form.get("answer") or "").strip().replace(",", ".")
        if not value:
            raise MissingAnswer("Type a number first.")
        try:
            return float(value)
        except ValueError:
            raise MissingAnswer(f"“{value}” is not a number.") from None
    if qtype == "matching":
        options = scoring.match_options(question)
        prompted = [p for p in question["pairs"] if p.get("prompt")]
        chosen = []
        for number in range(len(prompted)):
            index = _index(form.get(f"match-{number}"))
            chosen.append(options[index] if 0 <= index < len(options) else None)
        return chosen
    if qtype == "cloze":
        return _cloze_response(question, order, form)
    if qtype == "ordering":
        items = question["items"]
        positions = {}
        for shown, index in enumerate(order):
            position = _position(form.get(f"position-{shown}"))
            if position in positions.values():
                raise MissingAnswer("Give every item a different position.")
            positions[items[index]] = position
        return [item for item, _ in sorted(positions.items(), key=lambda kv: kv[1])]
    return None


def _cloze_response(question: dict, order: list, form: MultiDict) -> list:
    """One entry per gap (fields ``gap-1``, ``gap-2``...); a gap left blank is None."""
    response: list[Any] = []
    for number, gap in enumerate(question["gaps"], start=1):
        name = f"gap-{number}"
        shown = order[number - 1] if number - 1 < len(order) and isinstance(order[number - 1], list) else []

        def index(value: str, shown: list = shown) -> int:
            position = _position(value)
            return shown[position] if 0 <= position < len(shown) else -1

        if gap["type"] == "multiple_response":
            values = [v for v in form.getlist(name) if v]
            response.append([index(v) for v in values] if values else None)
            continue
        value = (form.get(name) or "").strip()
        if not value:
            response.append(None)
        elif gap["type"] == "multiple_choice":
            response.append(index(value))
        elif gap["type"] == "numerical":
            try:
                response.append(float(value.replace(",", ".")))
            except ValueError:
                raise MissingAnswer(f"Gap {number}: “{value}” is not a number.") from None
        else:
            response.append(value)
    if all(item is None for item in response):
        raise MissingAnswer("Fill in at least one gap.")
    return response


def form_values(question: dict, order: list, response: Any) -> dict[str, list[str]]:
    """The fields of the answer form that would send ``response``: the inverse of
    :func:`response_from_form`, to show a saved answer in the form again (deferred feedback:
    "Change my answer" starts from the learner's answer, as Moodle's does).

    Values are shown positions, as the form's own; a choice no longer offered is left out.
    """
    if response is None:
        return {}

    def shown(index: Any, offered: list = order) -> str | None:
        return str(offered.index(index)) if index in offered else None

    qtype = question["type"]
    if qtype == "multiple_choice":
        return {"choice": [v for v in [shown(response)] if v is not None]}
    if qtype == "multiple_response":
        return {"choice": [v for v in map(shown, response) if v is not None]}
    if qtype == "true_false":
        return {"answer": ["true" if response else "false"]}
    if qtype in ("short_answer", "essay"):
        return {"answer": [str(response)]}
    if qtype == "numerical":
        return {"answer": [_number(response)]}
    if qtype == "matching":
        options = scoring.match_options(question)
        values = {}
        for number, match in enumerate(response):
            value = shown(options.index(match)) if match in options else None
            values[f"match-{number}"] = [value] if value is not None else []
        return values
    if qtype == "ordering":
        items = question["items"]
        remaining = list(response)
        values = {}
        for position, index in enumerate(order):
            item = items[index]
            if item in remaining:  # the same text twice takes two positions
                place = remaining.index(item)
                remaining[place] = None
                values[f"position-{position}"] = [str(place + 1)]
        return values
    if qtype == "cloze":
        values = {}
        for number, (gap, item) in enumerate(zip(question["gaps"], response), start=1):
            offered = order[number - 1] if number - 1 < len(order) and isinstance(order[number - 1], list) else []
            if item is None:
                continue
            if gap["type"] == "multiple_choice":
                values[f"gap-{number}"] = [v for v in [shown(item, offered)] if v is not None]
            elif gap["type"] == "multiple_response":
                values[f"gap-{number}"] = [v for v in (shown(i, offered) for i in item) if v is not None]
            elif gap["type"] == "numerical":
                values[f"gap-{number}"] = [_number(item)]
            else:
                values[f"gap-{number}"] = [str(item)]
        return values
    return {}


def _number(value: float) -> str:
    """A number as the learner would type it: 1922, not 1922.0."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class JoinForm(FlaskForm):
    code = StringField("Join code", validators=[DataRequired(), Length(max=16)])
    submit = SubmitField("Join the class")
