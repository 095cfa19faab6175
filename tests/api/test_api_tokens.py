"""Personal access tokens through the account page: made (shown once), listed by prefix, revoked; and what
the API makes of a missing, malformed, unknown, expired or revoked token, or of a session cookie."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import sqlalchemy as sa
import time_machine

from quizapp.models import ApiToken
from tests.api.conftest import error_of
from tests.conftest import count, csrf_token
from tests.security_world import log_in


def _signed_in(app, ids, role="learner"):
    client = app.test_client()
    log_in(client, app, ids["users"][role])
    return client


def _make(client, name="my script", scope="read", days="30"):
    page = client.get("/auth/tokens")
    assert page.status_code == 200
    return client.post("/auth/tokens", data={"name": name, "scope": scope, "days": days,
                                             "csrf_token": csrf_token(page.text)})


def _secret(html: str) -> str:
    match = re.search(r'<code id="new-token">(qz_[A-Za-z0-9_-]+)</code>', html)
    assert match, "the page shows no new token"
    return match.group(1)


def test_a_token_is_shown_once_listed_by_prefix_and_works_until_revoked(app, ids, query):
    client = _signed_in(app, ids)
    made = _make(client, "grade sync")
    assert made.status_code == 200
    secret = _secret(made.text)
    assert "shown only this once" in made.text
    assert "no-store" in made.headers["Cache-Control"]
    # kept as a hash only; the list shows the prefix, never the secret again
    (stored,) = query(sa.select(ApiToken.token_hash, ApiToken.prefix, ApiToken.scope, ApiToken.id)
                      .where(ApiToken.name == "grade sync"))
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix) and len(stored.prefix) < len(secret) // 4
    listing = client.get("/auth/tokens").text
    assert secret not in listing and "new-token" not in listing
    assert f"<code>{stored.prefix}…</code>" in listing and "grade sync" in listing

    bearer = {"Authorization": f"Bearer {secret}"}
    me = app.test_client().get("/api/v1/me", headers=bearer)
    assert me.status_code == 200
    assert me.headers["Cache-Control"] == "no-store"
    assert me.get_json()["user"]["username"] == "learner-one"
    assert me.get_json()["token"] == {**me.get_json()["token"], "prefix": stored.prefix, "scope": "read",
                                      "state": "active", "name": "grade sync"}

    page = client.get("/auth/tokens")
    revoked = client.post(f"/auth/tokens/{stored.id}/revoke", data={"csrf_token": csrf_token(page.text)})
    assert revoked.status_code == 303
    assert "revoked" in client.get("/auth/tokens").text
    assert error_of(app.test_client().get("/api/v1/me", headers=bearer), 401)["code"] == "unauthorized"


def test_the_token_forms_need_their_csrf_token_and_valid_fields(app, ids, scalar):
    client = _signed_in(app, ids)
    before = scalar(count(ApiToken))
    client.get("/auth/tokens")
    assert client.post("/auth/tokens", data={"name": "x", "scope": "read", "days": "30"}).status_code == 400
    refused = _make(client, name="", scope="admin", days="9")
    assert refused.status_code == 422
    assert "new-token" not in refused.text
    assert scalar(count(ApiToken)) == before
    token_id = ids["token"]  # L1's token from the world
    assert client.post(f"/auth/tokens/{token_id}/revoke", data={}).status_code == 400  # no CSRF token: nothing
    assert scalar(sa.select(ApiToken.revoked_at).where(ApiToken.id == token_id)) is None


def test_nobody_revokes_someone_elses_token(app, ids, scalar):
    client = _signed_in(app, ids, "other_learner")
    page = client.get("/auth/tokens")
    assert "L1&#39;s script" not in page.text and "L1's script" not in page.text
    response = client.post(f"/auth/tokens/{ids['token']}/revoke", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404
    assert scalar(sa.select(ApiToken.revoked_at).where(ApiToken.id == ids["token"])) is None


def test_a_teachers_write_token_from_the_page_can_write(app, ids):
    client = _signed_in(app, ids, "teacher")
    secret = _secret(_make(client, "bank sync", scope="write", days="7").text)
    created = app.test_client().post("/api/v1/questions", headers={"Authorization": f"Bearer {secret}"},
                                     json={"type": "true_false", "stem": "Made with a page's token.", "answer": True})
    assert created.status_code == 201


def test_missing_malformed_unknown_and_other_schemes_are_401(client, ids):
    good = ids["tokens"][("learner", "read")]
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Bearer nonsense"},
                    {"Authorization": f"Basic {good}"}, {"Authorization": f"Bearer {good[:-1]}"},
                    {"Authorization": f"Bearer {good[:-1]}{'A' if good[-1] != 'A' else 'B'}"},
                    {"Authorization": f"Bearer {good} extra"}):
        error = error_of(client.get("/api/v1/me", headers=headers), 401)
        assert error["code"] == "unauthorized", headers
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {good}"})
    assert response.status_code == 200
    assert client.get("/api/v1/me").headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401(app, client, ids):
    secret = ids["tokens"][("learner", "read")]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=31), tick=False):
        error = error_of(client.get("/api/v1/me", headers=headers), 401)
    assert "expired" in error["message"]


def test_a_session_cookie_alone_does_not_authenticate_the_api(app, ids):
    client = _signed_in(app, ids, "teacher")
    assert client.get("/teach/").status_code == 200  # the cookie works on pages
    for method, path in (("GET", "/api/v1/me"), ("GET", f"/api/v1/classes/{ids['class_a']}"),
                         ("POST", "/api/v1/questions")):
        response = client.open(path, method=method, json={"type": "true_false", "stem": "x", "answer": True})
        assert error_of(response, 401)["code"] == "unauthorized"
