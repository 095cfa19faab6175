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

from ._base import DataLossWarning, FormatError, decode, ordered

__all__ = [
    "DataLossWarning",
    "EXTENSIONS",
    "FORMATS",
    "FormatError",
    "decode",
    "format_for",
    "get_format",
    "ordered",
    "parse",
    "read_bank",
    "serialize",
    "serialize_with_warnings",
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

#: File extension (lowercase, with the dot) -> format name.
EXTENSIONS: dict[str, str] = {
    ext: name for name, module in FORMATS.items() for ext in module.EXTENSIONS
}


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
        known = ", ".join(sorted(FORMATS))
        raise FormatError(f"unknown bank format {name!r} (known: {known})")
    return FORMATS[key]


def format_for(path: str | os.PathLike[str]) -> str:
    """Return the format name for a file from its extension.

    :raises FormatError: an extension no format claims.
    """
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in EXTENSIONS:
        known = " ".join(sorted(EXTENSIONS))
        raise FormatError(
            f"cannot tell the bank format from the extension {ext or '(none)'!r} (known: {known})",
            os.fspath(path),
        )
    return EXTENSIONS[ext]


def parse(text: str, fmt: str, source: str = "<string>") -> list[dict]:
    """Parse bank text in a format and validate every question.

    :param text: the bank's text.
    :param fmt: format name, alias or extension (see :func:`get_format`).
    :param source: file name used in error messages.
    :raises FormatError: the first problem, with source, line and column.
    """
    return get_format(fmt).parse(text, source=source)


def serialize(questions: list[dict], fmt: str) -> str:
    """Write canonical questions in a format.

    Fields the format cannot carry are issued as :class:`DataLossWarning`;
    use :func:`serialize_with_warnings` to collect them instead.
    """
    return get_format(fmt).serialize(questions)


def serialize_with_warnings(questions: list[dict], fmt: str) -> tuple[str, list[str]]:
    """Write canonical questions in a format; return the text and what was left out."""
    return get_format(fmt).serialize_with_warnings(questions)


def read_bank(path: str | os.PathLike[str], fmt: str | None = None) -> list[dict]:
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
    return module.parse(decode(data, source), source=source)
