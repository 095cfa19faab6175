"""Images that travel with a question: checks, links and texts.

A canonical question may carry ``files``: the images its texts show, as
Moodle keeps them. A text links a file as Moodle does, ``@@PLUGINFILE@@/``
and the file's name (URL-encoded), so Moodle XML reads and writes them
unchanged::

    "stem": "<p>Who is this? <img src=\"@@PLUGINFILE@@/face.png\" alt=\"a face\"></p>",
    "files": [{"name": "face.png", "mime": "image/png", "data": "<base64>"}]

In a bank file a file carries its bytes (``data``, base64); in the database
the bytes are kept once per content (``sha256``, ``size``) and the question
keeps the reference (services/bank.py).

Only raster images are kept: PNG, JPEG, GIF and WebP, told by their first
bytes (never by the name a file gives itself). SVG is refused: it can carry
script. Pure: no Flask, no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import urllib.parse
from typing import Callable, Iterator

from quizapp import canonical

#: Largest image a question may carry, and the most image bytes one import takes.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_IMPORT_BYTES = 16 * 1024 * 1024

#: Image types kept, and the extension each is written with.
IMAGE_TYPES = dict(zip(canonical.IMAGE_TYPES, ("png", "jpg", "gif", "webp")))

#: How a text links one of its question's files.
PLUGINFILE = "@@PLUGINFILE@@/"
_LINK = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>?#)]+)")
#: A file name as a question keeps it: no path, no control characters.
_NAME = re.compile(r"^[^/\\\x00-\x1f\x7f]{1,200}$")


def sniff_image(data: bytes) -> str | None:
    """The image type ``data`` starts as (``image/png`` ...), or None when it is no image quizapp keeps."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _size(nbytes: int) -> str:
    return f"{nbytes / 1024 / 1024:.1f} MB" if nbytes >= 1024 * 1024 else f"{max(1, round(nbytes / 1024))} KB"


def check_image(name: str, data: bytes) -> str:
    """The image type of a question's file, checked.

    :returns: its MIME type.
    :raises ValueError: a name with a path in it, a file larger than
        :data:`MAX_FILE_BYTES`, an SVG drawing, or bytes that are no PNG,
        JPEG, GIF or WebP image; the message names the file.
    """
    if not _NAME.match(name or ""):
        raise ValueError(f"file name {name!r} is not a plain file name")
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"image {name!r} is {_size(len(data))}; a question's image may be at most "
                         f"{_size(MAX_FILE_BYTES)}")
    mime = sniff_image(data)
    if mime is None:
        head = data[:512].lstrip().lower()
        if name.lower().endswith((".svg", ".svgz")) or head.startswith((b"<svg", b"<?xml")) or b"<svg" in head:
            raise ValueError(f"file {name!r} is an SVG drawing, which quizapp refuses (it can carry script); "
                             "save it as PNG")
        raise ValueError(f"file {name!r} is not a PNG, JPEG, GIF or WebP image")
    return mime


def check_file(file: dict) -> int:
    """Check one of a question's ``files`` as a bank file carries it; return its size in bytes.

    :raises ValueError: no ``data``, data that is not base64, or bytes that
        :func:`check_image` refuses or whose type is not the ``mime`` given.
    """
    name = file.get("name") or "?"
    if not isinstance(file.get("data"), str):
        raise ValueError(f"file {name!r} carries no data (its bytes in base64)")
    data = decode_base64(name, file["data"])
    mime = check_image(name, data)
    if file.get("mime") != mime:
        raise ValueError(f"file {name!r} is a {mime} image, not {file.get('mime')}")
    return len(data)


def decode_base64(name: str, text: str) -> bytes:
    """The bytes of a file written in base64.

    :raises ValueError: text that is not base64, naming the file.
    """
    compact = "".join((text or "").split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"file {name!r} is not valid base64") from None


def encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def linked_names(text: str | None) -> list[str]:
    """The file names a text links with ``@@PLUGINFILE@@/name``, in order, once each."""
    seen: dict[str, None] = {}
    for match in _LINK.finditer(text or ""):
        seen.setdefault(urllib.parse.unquote(match.group(1)), None)
    return list(seen)


def rewrite_links(text: str, url: Callable[[str], str | None]) -> str:
    """``text`` with each ``@@PLUGINFILE@@/name`` link replaced by ``url(name)`` (left as is when None)."""
    def swap(match: re.Match) -> str:
        new = url(urllib.parse.unquote(match.group(1)))
        return match.group(0) if new is None else new

    return _LINK.sub(swap, text)


#: Texts that tell the answer: a learner sees them (and their images) with the feedback only.
_FEEDBACK_KEYS = ("general_feedback", "feedback_true", "feedback_false")


def texts(question: dict, feedback: bool | None = None) -> Iterator[str]:
    """Every text of a question that may link a file.

    :param feedback: None: all; False: what a learner sees while answering
        (stem, choices, prompts, matches, items); True: the feedback texts
        only, which tell the answer.
    """
    if feedback is not True:
        if isinstance(question.get("stem"), str):
            yield question["stem"]
        for item in question.get("choices") or []:
            yield item.get("text") or ""
        for pair in question.get("pairs") or []:
            yield pair.get("prompt") or ""
            yield pair.get("match") or ""
        for item in question.get("items") or []:
            yield item if isinstance(item, str) else ""
    if feedback is not False:
        for key in _FEEDBACK_KEYS:
            if isinstance(question.get(key), str):
                yield question[key]
        for key in ("choices", "accepted", "numeric"):
            for item in question.get(key) or []:
                yield item.get("feedback") or ""
        # a short answer's accepted texts are the answer itself
        for item in question.get("accepted") or []:
            yield item.get("text") or ""


def names_in(question: dict, feedback: bool | None = None) -> set[str]:
    """The file names the question's texts link (see :func:`texts` for ``feedback``)."""
    return {name for text in texts(question, feedback) for name in linked_names(text)}


def inline_files(question: dict) -> dict:
    """The question with each link to one of its files (carrying ``data``) made a
    ``data:`` URI, for writers that embed images (Anki decks)."""
    files = {f["name"]: f for f in question.get("files") or [] if f.get("data")}
    if not files:
        return question

    def url(name: str) -> str | None:
        file = files.get(name)
        return None if file is None else f"data:{file['mime']};base64,{file['data']}"

    def walk(value):
        if isinstance(value, str):
            return rewrite_links(value, url) if PLUGINFILE in value else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return {key: (value if key in ("files", "fact", "source") else walk(value)) for key, value in question.items()}


def left_out(question: dict, fmt: str) -> str | None:
    """The warning for a question whose images a format (``"GIFT"``, ``"CSV"``) cannot carry, or None."""
    names = [file.get("name", "?") for file in question.get("files") or []]
    if not names:
        return None
    return f"{question.get('id', '?')}: {fmt} cannot carry images; {len(names)} image(s) left out ({', '.join(names)})"
