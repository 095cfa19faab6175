"""The images of questions in the database: kept once per content, given back to exports.

A bank file carries each image's bytes in the question (``files``: name,
mime, ``data`` in base64); a stored question version keeps a reference
instead (name, mime, ``sha256``, size) and the bytes sit in one
:class:`~quizapp.models.QuestionFile` row per content. :func:`split` makes
the references (the import compares and hashes versions with them, so a new
picture is a new version), :func:`store` writes the bytes, :func:`with_bytes`
puts them back for an export, and :func:`image_for` finds one image of a
version for the learner's page.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.formats import media
from quizapp.models import QuestionFile
from quizapp.services.errors import InvalidInput, NotFound

#: sha256 -> (MIME type, bytes): the images an import brings.
Blobs = dict[str, tuple[str, bytes]]


def split(data: dict, blobs: Blobs) -> dict:
    """``data`` with each image that carries its bytes made a reference; the bytes go to ``blobs``.

    :raises InvalidInput: an image that is not base64, no PNG/JPEG/GIF/WebP
        image (SVG is refused) or too large, naming the question and the file.
    """
    files = data.get("files")
    if not files:
        return data
    refs = []
    for file in files:
        if "data" not in file:
            refs.append(file)
            continue
        try:
            media.check_file(file)
        except ValueError as exc:
            raise InvalidInput(str(exc), where=f"question {data.get('id')!r}") from None
        raw = media.decode_base64(file["name"], file["data"])
        digest = media.sha256(raw)
        blobs[digest] = (file["mime"], raw)
        refs.append({"name": file["name"], "mime": file["mime"], "sha256": digest, "size": len(raw)})
    return {**data, "files": refs}


def store(blobs: Blobs) -> None:
    """Write the images not yet in the database (an image already there is shared)."""
    if not blobs:
        return
    have = set()
    shas = sorted(blobs)
    for start in range(0, len(shas), 500):
        have.update(db.session.scalars(sa.select(QuestionFile.sha256).where(
            QuestionFile.sha256.in_(shas[start:start + 500]))))
    for digest in shas:
        if digest not in have:
            mime, raw = blobs[digest]
            db.session.add(QuestionFile(sha256=digest, mime_type=mime, size=len(raw), data=raw))
    db.session.flush()


def with_bytes(questions: list[dict]) -> list[dict]:
    """The questions with each image reference given its bytes again (base64), for a bank file.

    An image whose bytes are missing from the database keeps its reference
    (the format writers then say it was left out).
    """
    shas = sorted({f["sha256"] for q in questions for f in q.get("files") or [] if f.get("sha256")})
    if not shas:
        return questions
    found: dict[str, bytes] = {}
    for start in range(0, len(shas), 200):
        found.update(db.session.execute(sa.select(QuestionFile.sha256, QuestionFile.data).where(
            QuestionFile.sha256.in_(shas[start:start + 200]))).all())
    out = []
    for question in questions:
        if not question.get("files"):
            out.append(question)
            continue
        files = []
        for file in question["files"]:
            raw = found.get(file.get("sha256") or "")
            files.append({"name": file["name"], "mime": file["mime"], "data": media.encode_base64(raw)}
                         if raw is not None else file)
        out.append({**question, "files": files})
    return out


@dataclass(frozen=True)
class Image:
    name: str
    mime_type: str
    sha256: str
    data: bytes


def image_for(data: dict, name: str, feedback_due: bool) -> Image:
    """The image ``name`` of a question version, as a learner may see it.

    :param data: the version's canonical data.
    :param feedback_due: the learner may see the feedback: images that only
        the feedback (or a short answer's accepted answers) shows are
        served then and not before, since they may tell the answer.
    :raises NotFound: no such image, or one the learner may not see yet.
    """
    file = next((f for f in data.get("files") or [] if f.get("name") == name and f.get("sha256")), None)
    if file is None or name not in media.names_in(data, feedback=None if feedback_due else False):
        raise NotFound("no such image")
    row = db.session.get(QuestionFile, file["sha256"])
    if row is None:
        raise NotFound("no such image")
    return Image(name, row.mime_type, row.sha256, row.data)
