"""The API's one error shape, for every status under ``/api/``.

``{"error": {"status": 404, "code": "not_found", "message": "...", "where": null}}``;
an invalid question adds ``problems`` (``[{"field": ..., "message": ...}]``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

#: status -> the stable machine-readable code
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """An error a view raises with its own status, code and headers."""

    def __init__(self, status: int, message: str, *, code: str | None = None, where: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.code, self.where = status, message, code, where
        self.headers = headers or {}
        self.extra = extra


def json_error(status: int, message: str, *, code: str | None = None, where: str | None = None,
               headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The JSON error response for ``status``."""
    body: dict[str, Any] = {"status": status, "code": code or CODES.get(status, "error"), "message": message,
                            "where": where}
    body.update(extra)
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="quizapp"')
    return response


def from_api_error(exc: ApiError) -> Response:
    return json_error(exc.status, exc.message, code=exc.code, where=exc.where, headers=exc.headers, **exc.extra)
