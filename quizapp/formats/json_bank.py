"""JSON bank files: the same layout as YAML banks, as JSON.

Either a top-level array of canonical questions or an object
``{"article": "seeds/<slug>.txt", "questions": [...]}`` (``article``
optional, filling ``source.article`` where it is missing). JSON carries every
canonical field. The writer emits the object form, two-space indented, with
unicode as is.

Errors are located: syntax errors at the decoder's line and column, schema
problems at the line of the question's opening ``{``.
"""

from __future__ import annotations

import json
from typing import Any

from ._base import FormatError, ParseReport, check_questions, line_col, ordered

NAME = "json"
EXTENSIONS = (".json",)

_LAYOUT = "a bank file is an array of questions or an object with a 'questions' array"


class _DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"duplicate key {key!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_no_constant)
_SPACE = " \t\n\r"


class _Reader:
    """Walk the top level by hand so every question keeps its position."""

    def __init__(self, text: str, source: str | None) -> None:
        self.text = text
        self.source = source

    def error(self, message: str, pos: int) -> FormatError:
        return FormatError(message, self.source, *line_col(self.text, pos))

    def skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in _SPACE:
            pos += 1
        return pos

    def value(self, pos: int) -> tuple[Any, int]:
        try:
            return _DECODER.raw_decode(self.text, pos)
        except json.JSONDecodeError as err:
            raise FormatError(
                f"invalid JSON: {err.msg}", self.source, err.lineno, err.colno
            ) from None
        except ValueError as err:  # duplicate key or NaN inside this value
            raise self.error(f"invalid JSON: {err}", pos) from None
        except RecursionError:  # the decoder recurses once per nested array or object
            raise self.error("invalid JSON: nested too deeply", pos) from None

    def expect(self, pos: int, char: str, what: str) -> int:
        pos = self.skip(pos)
        if self.text[pos : pos + 1] != char:
            found = repr(self.text[pos]) if pos < len(self.text) else "end of file"
            raise self.error(f"invalid JSON: expected {what}, found {found}", pos)
        return pos + 1

    def array(self, pos: int) -> tuple[list[tuple[Any, int]], int]:
        """Parse an array at ``pos``; return (item, start offset) pairs."""
        pos = self.expect(pos, "[", "'['")
        items: list[tuple[Any, int]] = []
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "]":
            return items, pos + 1
        while True:
            start = self.skip(pos)
            item, pos = self.value(start)
            items.append((item, start))
            pos = self.skip(pos)
            if self.text[pos : pos + 1] == "]":
                return items, pos + 1
            pos = self.expect(pos, ",", "',' or ']'")

    def document(self) -> tuple[list[tuple[Any, int]], str | None]:
        pos = self.skip(0)
        if pos == len(self.text):
            raise FormatError("no questions", self.source)
        if self.text[pos] == "[":
            items, pos = self.array(pos)
            article = None
        elif self.text[pos] == "{":
            items, article, pos = self.object(pos)
        else:
            raise self.error(_LAYOUT, pos)
        pos = self.skip(pos)
        if pos != len(self.text):
            raise self.error("invalid JSON: extra data after the bank", pos)
        return items, article

    def object(self, pos: int) -> tuple[list[tuple[Any, int]], str | None, int]:
        opening = pos
        pos = self.expect(pos, "{", "'{'")
        seen: dict[str, Any] = {}
        items = None
        pos = self.skip(pos)
        if self.text[pos : pos + 1] != "}":
            while True:
                key_at = self.skip(pos)
                if self.text[key_at : key_at + 1] != '"':
                    raise self.error("invalid JSON: expected a key in double quotes", key_at)
                key, pos = self.value(key_at)
                if key in seen:
                    raise self.error(f"duplicate key {key!r}", key_at)
                if key not in ("questions", "article"):
                    raise self.error(
                        f"unknown top-level key {key!r} (expected 'questions' and optional 'article')",
                        key_at,
                    )
                pos = self.expect(pos, ":", "':'")
                value_at = self.skip(pos)
                if key == "questions":
                    if self.text[value_at : value_at + 1] != "[":
                        raise self.error(_LAYOUT, value_at)
                    items, pos = self.array(value_at)
                    seen[key] = True
                else:
                    seen[key], pos = self.value(value_at)
                    if not isinstance(seen[key], str):
                        raise self.error("'article' must be a path like seeds/<slug>.txt", value_at)
                pos = self.skip(pos)
                if self.text[pos : pos + 1] == "}":
                    pos += 1
                    break
                pos = self.expect(pos, ",", "',' or '}'")
        else:
            pos += 1
        if items is None:
            raise self.error(_LAYOUT, opening)
        return items, seen.get("article"), pos


def parse(text: str, source: str = "<json>", report: ParseReport | None = None) -> list[dict]:
    """Parse a JSON bank and validate every question.

    :param text: the file's text.
    :param source: file name used in error messages.
    :returns: canonical questions, in file order.
    :raises FormatError: invalid JSON, a wrong layout, a duplicate key, an
        invalid question or a duplicate id, with the line and column.
    """
    reader = _Reader(text, source)
    items, article = reader.document()
    located = []
    for question, start in items:
        if article is not None and isinstance(question, dict):
            src = question.get("source")
            if src is None:
                question["source"] = {"article": article}
            elif isinstance(src, dict) and src.get("article") is None:
                question["source"] = {"article": article, **src}
        located.append((question, *line_col(text, start)))
    return check_questions(located, source, report)


def serialize_with_warnings(questions: list[dict]) -> tuple[str, list[str]]:
    """Write questions as a JSON bank; JSON carries everything, so no warnings."""
    body = {"questions": [ordered(q) for q in questions]}
    return json.dumps(body, ensure_ascii=False, indent=2, allow_nan=False) + "\n", []


def serialize(questions: list[dict]) -> str:
    """Write questions as a JSON bank (see :func:`serialize_with_warnings`)."""
    return serialize_with_warnings(questions)[0]
