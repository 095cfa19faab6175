"""Score tables (and question images) as downloads: the Flask wrappers the teach and quiz pages share.

CSV and JSON lines stream while the database is read (``stream_with_context``
keeps the app context open until the last row); XLSX is a zip file that
must be complete before it is sent, so it is written to an anonymous
temporary file (gone when the response closes it) and sent with ``send_file``.
"""

from __future__ import annotations

import datetime as dt
import tempfile

from flask import Response, request, send_file, stream_with_context
from werkzeug.utils import secure_filename

from quizapp.formats import tables
from quizapp.services import exports
from quizapp.services.errors import InvalidInput


def send_image(image) -> Response:
    """A question's image (:class:`quizapp.services.question_files.Image`): its own type, never
    sniffed, cached by the browser only (it is served to who may see its question)."""
    response = Response(image.data, mimetype=image.mime_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.set_etag(image.sha256)
    return response.make_conditional(request)


def filters_from_args(**scope) -> exports.ExportFilters:
    """Export filters from the query string (``quiz``, ``since``, ``until``) plus ``scope``."""
    args = request.args
    return exports.ExportFilters(
        quiz=args.get("quiz") or None,
        since=exports.parse_date(args.get("since"), "since"),
        until=exports.parse_date(args.get("until"), "until"),
        **scope,
    )


def requested_format() -> str:
    fmt = request.args.get("format", "csv")
    if fmt not in tables.FORMATS:
        raise InvalidInput(f"Unknown format “{fmt}”; choose csv, xlsx or json.", where="format")
    return fmt


def send_table(table: exports.Table, fmt: str, stem: str) -> Response:
    """``table`` as a download named ``<stem>-<date>.<ext>``; ``?excel=1`` adds Excel's BOM and CRLF to CSV
    and ``-excel`` to the name, so the teacher can tell the two CSV files apart."""
    excel = fmt == "csv" and request.args.get("excel", "").lower() in ("1", "true", "yes", "on")
    flavour = "-excel" if excel else ""
    name = secure_filename(f"{stem}-{dt.date.today().isoformat()}{flavour}{tables.FORMATS[fmt]}") or "scores"
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile()
        try:
            tables.write_xlsx(handle, table.headers, table.rows)
            handle.seek(0)
        except BaseException:
            handle.close()
            raise
        return send_file(handle, mimetype=tables.MEDIA_TYPES[fmt], as_attachment=True, download_name=name, max_age=0)
    if fmt == "csv":
        chunks = tables.iter_csv(table.headers, table.rows, excel=excel)
    else:
        chunks = tables.iter_jsonl(table.headers, table.rows)
    response = Response(stream_with_context(chunks), mimetype=tables.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
