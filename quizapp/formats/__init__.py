"""Question bank formats: one module per format over the canonical question.

Every format module has ``parse(text, source) -> list[dict]`` (validated
canonical questions, errors as :class:`FormatError` with file, line and
column) and ``serialize(questions) -> str``; formats that cannot carry every
field also report what they leave out through
``serialize_with_warnings(questions) -> (text, warnings)``, and ``serialize``
issues those as :class:`DataLossWarning`. See docs/formats.md.

Pure: no Flask, no database.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

from ._base import DataLossWarning, FormatError, ParseReport, decode, ordered

__all__ = [
    "DataLossWarning",
    "EXTENSIONS",
    "FORMATS",
    "FormatError",
    "OUTPUT_FORMATS",
    "ParseReport",
    "WRITE_ONLY",
    "decode",
    "extension_list",
    "format_for",
    "get_format",
    "ordered",
    "output_format",
    "parse",
    "read_bank",
    "serialize",
    "serialize_bytes",
    "serialize_with_warnings",
    "written_count",
]

#: Format name -> module (quizapp.formats.<module>).
_MODULES = {
    "yaml": "yaml_bank",
    "json": "json_bank",
    "gift": "gift",
    "xml": "moodle_xml",
    "csv": "csv_bank",
}
#: Other names people use for a format.
_ALIASES = {"yml": "yaml", "moodle": "xml", "moodle_xml": "xml", "moodlexml": "xml", "txt": "gift"}

FORMATS: dict[str, ModuleType] = {
    _name: importlib.import_module(f"{__name__}.{_module}") for _name, _module in _MODULES.items()
}

#: File extension (lowercase, with the dot) -> format name, for the formats quizapp reads and writes.
EXTENSIONS: dict[str, str] = {
    ext: name for name, module in FORMATS.items() for ext in module.EXTENSIONS
}

#: Formats quizapp writes but never reads -> their extensions: an Anki deck
#: (formats/anki.py) is for self-study, not a bank to import.
WRITE_ONLY: dict[str, tuple[str, ...]] = {"apkg": (".apkg",)}
_WRITE_ONLY_ALIASES = {"anki": "apkg"}
_WRITE_ONLY_EXTENSIONS = {ext: name for name, exts in WRITE_ONLY.items() for ext in exts}

#: Every format name quizapp writes (bank export, convert, generate), in the order messages list them.
OUTPUT_FORMATS: tuple[str, ...] = (*FORMATS, *WRITE_ONLY)


def extension_list(writing: bool = False) -> str:
    """The extensions quizapp reads (or, ``writing``, writes), as messages show them: ``.csv .gift …``."""
    return " ".join(sorted([*EXTENSIONS, *(_WRITE_ONLY_EXTENSIONS if writing else ())]))


def _write_only_error(name: str, source: str | None = None) -> FormatError:
    return FormatError(f"{name} is an Anki deck: quizapp writes decks (quizapp bank export) but cannot read them "
                       f"(it reads {extension_list()})", source)


def get_format(name: str) -> ModuleType:
    """Return the module for a format name, alias or extension.

    :param name: ``"yaml"``, ``"json"``, ``"gift"``, ``"xml"``, ``"csv"``, an
        alias (``"yml"``, ``"moodle"``) or an extension (``".gift"``).
    :raises FormatError: an unknown format.
    """
    key = name.strip().lower()
    if key.startswith("."):
        key = EXTENSIONS.get(key, key[1:])
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        if _WRITE_ONLY_ALIASES.get(key, key) in WRITE_ONLY:
            raise _write_only_error(repr(name))
        known = ", ".join(sorted(FORMATS))
        raise FormatError(f"unknown bank format {name!r} (known: {known})")
    return FORMATS[key]


def format_for(path: str | os.PathLike[str], writing: bool = False) -> str:
    """Return the format name for a file from its extension.

    :param writing: the file is to be written: write-only formats (``apkg``) count.
    :raises FormatError: an extension no format claims (the message lists
        :func:`extension_list`), or a write-only one when reading.
    """
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext in _WRITE_ONLY_EXTENSIONS:
        if writing:
            return _WRITE_ONLY_EXTENSIONS[ext]
        raise _write_only_error(f"an {ext} file", os.fspath(path))
    if ext not in EXTENSIONS:
        raise FormatError(
            f"cannot tell the bank format from the extension {ext or '(none)'!r} (known: {extension_list(writing)})",
            os.fspath(path),
        )
    return EXTENSIONS[ext]


def output_format(name: str | None, path: str | os.PathLike[str] | None = None) -> str:
    """The format to write: ``name`` (a name, alias or extension), else ``path``'s extension.

    :raises FormatError: an unknown name or extension, listing every format quizapp writes.
    """
    if name is None:
        return format_for(path or "", writing=True)
    key = name.strip().lower().lstrip(".")
    key = _WRITE_ONLY_ALIASES.get(key, key)
    if key in WRITE_ONLY:
        return key
    try:
        return get_format(name).NAME
    except FormatError:
        raise FormatError(f"unknown bank format {name!r} (known: {', '.join(sorted(OUTPUT_FORMATS))})") from None


def serialize_bytes(questions: list[dict], fmt: str, title: str = "quizapp question bank") -> tuple[bytes, list[str]]:
    """Write canonical questions in any output format; return the file's bytes and what was left out.

    :param fmt: a name from :data:`OUTPUT_FORMATS`; text formats are UTF-8,
        ``apkg`` an Anki deck named ``title``.
    """
    if fmt == "apkg":
        import io

        from quizapp.formats import anki

        buffer = io.BytesIO()
        warnings = anki.write_apkg(questions, title, buffer)
        return buffer.getvalue(), warnings
    text, warnings = serialize_with_warnings(questions, fmt)
    return text.encode("utf-8"), warnings


def written_count(questions: list[dict], fmt: str) -> int:
    """How many of ``questions`` a file in ``fmt`` holds: GIFT leaves out ordering and cloze questions, an
    Anki deck descriptions and essays without general feedback (each with a warning)."""
    if fmt == "apkg":
        return sum(1 for q in questions if q["type"] != "description"
                   and not (q["type"] == "essay" and not q.get("general_feedback")))
    if get_format(fmt).NAME == "gift":
        return sum(1 for q in questions if q["type"] not in ("ordering", "cloze"))
    return len(questions)


def parse(text: str, fmt: str, source: str = "<string>", report: ParseReport | None = None) -> list[dict]:
    """Parse bank text in a format and validate every question.

    :param text: the bank's text.
    :param fmt: format name, alias or extension (see :func:`get_format`).
    :param source: file name used in error messages.
    :param report: lenient mode: questions that cannot be imported are
        listed in ``report.skipped`` (with line and reason) and left out,
        notes on the others go to ``report.warnings``; see :class:`ParseReport`.
    :raises FormatError: the first problem, with source, line and column
        (with ``report``: only problems of the file as a whole).
    """
    return get_format(fmt).parse(text, source=source, report=report)


def serialize(questions: list[dict], fmt: str) -> str:
    """Write canonical questions in a format.

    Fields the format cannot carry are issued as :class:`DataLossWarning`;
    use :func:`serialize_with_warnings` to collect them instead.
    """
    return get_format(fmt).serialize(questions)


def serialize_with_warnings(questions: list[dict], fmt: str) -> tuple[str, list[str]]:
    """Write canonical questions in a format; return the text and what was left out."""
    return get_format(fmt).serialize_with_warnings(questions)


def read_bank(path: str | os.PathLike[str], fmt: str | None = None,
              report: ParseReport | None = None) -> list[dict]:
    """Read a bank file: format from the extension, UTF-8, validated questions.

    :param path: the file; its name is the ``source`` of any error.
    :param fmt: a format name overriding the extension.
    :returns: canonical questions in file order.
    :raises FormatError: unknown extension, not UTF-8 or binary, syntax
        errors, invalid questions, duplicate ids or no questions, naming the
        file and line.
    :raises OSError: the file cannot be read.
    """
    source = os.fspath(path)
    module = get_format(fmt) if fmt else get_format(format_for(source))
    with open(source, "rb") as handle:
        data = handle.read()
    return module.parse(decode(data, source), source=source, report=report)
