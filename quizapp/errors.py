"""App-wide error pages: HTML for pages, JSON under /api; rollback on failure."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quizapp.api.errors import ApiError, from_api_error, json_error
from quizapp.extensions import db
from quizapp.services.errors import QuizappError


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, message: str, where: str | None = None, **extra):
    if _wants_json():  # one shape for every status (quizapp.api.errors)
        return json_error(status, message or title, where=where, **extra)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(QuizappError)
    def domain_error(exc: QuizappError):
        db.session.rollback()
        titles = {400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "Already done"}
        if _wants_json():
            problems = getattr(exc, "problems", None)
            extra = {"problems": [{"field": p.field, "message": p.message} for p in problems]} if problems else {}
            return json_error(exc.status, exc.message, where=exc.where, **extra)
        return _render(exc.status, titles.get(exc.status, "Error"), str(exc))

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        db.session.rollback()
        return from_api_error(exc)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(400, "Form expired", "The form was stale or not sent from this site. Go back, reload the page and try again.")

    @app.errorhandler(413)
    def too_large(exc):
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) / 1048576
        return _render(413, "File too large",
                       f"What you sent is larger than the {limit:.0f} MB this site accepts; nothing was saved. "
                       "Go back and upload a smaller file, or paste the text.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _wants_json():
            headers = {k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")}  # 405, 429
            return json_error(exc.code or 500, exc.description or exc.name, headers=headers)
        return _render(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _render(500, "Something went wrong", "The error has been logged. Nothing was saved.")
