"""The JSON API, ``/api/v1``: personal access tokens only, one error shape, rate limits in the database.

Every request but the OpenAPI document's carries ``Authorization: Bearer
<token>`` (:mod:`quizapp.services.api_tokens`); a session cookie is not
looked at, which is why the blueprint needs no CSRF token. The
``before_request`` hook below authenticates, applies the limits and the
token's scope (a ``read`` token may only GET) and the route's audience
(:func:`teachers_only`), so a new route cannot forget them.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, request

from quizapp.api.errors import ApiError
from quizapp.auth import throttle

bp = Blueprint("api", __name__, url_prefix="/api/v1")

#: endpoints anyone may read without a token
PUBLIC = {"api.openapi"}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def teachers_only(view):
    """Mark a view as for teachers: a learner's token gets 403."""
    view.api_teachers_only = True
    return view


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


@bp.before_request
def authenticate():
    """Token, limits, scope and audience, before any view runs."""
    from quizapp.services import api_tokens

    if request.endpoint in PUBLIC:
        return None
    window = throttle.setting("API_LIMIT_WINDOW_S")
    presented = _bearer()
    found = api_tokens.authenticate(presented) if presented else None
    if found is None:
        if presented is not None:  # a wrong token: guesses are limited per address
            limit = throttle.setting("API_FAILED_AUTH_PER_ADDRESS")
            if limit > 0:
                allowed, retry = throttle.claim_window(f"api:fail:{throttle.client_address()}", limit, window)
                if not allowed:
                    raise ApiError(429, "Too many requests with a wrong token from your address; wait and retry.",
                                   headers={"Retry-After": str(retry)})
        message = ("Send a personal access token: Authorization: Bearer <token> (make one on your account page)."
                   if presented is None else "The token is malformed, unknown, expired or revoked.")
        raise ApiError(401, message)
    user, token = found
    limit = throttle.setting("API_LIMIT_PER_TOKEN")
    if limit > 0:
        allowed, retry = throttle.claim_window(f"api:token:{token.id}", limit, window)
        if not allowed:
            raise ApiError(429, f"This token made more than {limit} requests in {window} seconds; wait and retry.",
                           headers={"Retry-After": str(retry)})
    if request.method not in READ_METHODS and token.scope != "write":
        raise ApiError(403, "This token may only read; make a token with the write scope to change things.",
                       code="insufficient_scope")
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "api_teachers_only", False) and not user.is_teacher:
        raise ApiError(403, "This is for teachers.")
    g.api_user, g.api_token = user, token
    return None


@bp.after_request
def not_cached(response):
    """What a token reads is its owner's: no shared cache keeps it (the OpenAPI document aside)."""
    if request.endpoint not in PUBLIC:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


from quizapp.api import routes  # noqa: E402,F401  (routes attach to bp)
