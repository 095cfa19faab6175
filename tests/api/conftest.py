"""The API's world: tests/security_world.py's school, a co-teacher, and a read and a write token per person.

Teacher C (``co_teacher``) co-teaches class A, quiz QA and teacher A's
article import. ``ids["tokens"][(role, scope)]`` is the secret of that
person's ``read`` or ``write`` token.
"""

from __future__ import annotations

import pytest

from quizapp.app import create_app
from quizapp.extensions import db
from tests.conftest import make_config
from tests.security_world import PASSWORD, build_world, clone_database

#: roles that hold tokens (everyone but the anonymous visitor)
TOKEN_ROLES = ("learner", "other_learner", "teacher", "other_teacher", "co_teacher")


@pytest.fixture(scope="module")
def api_world(tmp_path_factory, seeded_db):
    """(template path, ids), built once per test module."""
    from quizapp.services import accounts, api_tokens, co_teachers

    path = tmp_path_factory.mktemp("api-world") / "world.sqlite"
    clone_database(seeded_db, path)
    app = create_app(make_config(path))
    with app.app_context():
        ids = build_world()
        ids["users"]["co_teacher"] = accounts.create_user("teacher-c", PASSWORD, "teacher").id
        for kind, thing in (("class", ids["class_a"]), ("quiz", ids["quiz_a"]), ("import", ids["import"])):
            co_teachers.add_co_teacher(kind, thing, ids["users"]["teacher"], "teacher-c")
        ids["tokens"] = {(role, scope): api_tokens.create_token(ids["users"][role], f"{role} {scope}", scope, 30)[1]
                         for role in TOKEN_ROLES for scope in ("read", "write")}
        db.session.remove()
        db.engine.dispose()
    return path, ids


@pytest.fixture
def db_path(tmp_path, api_world):
    """Each test gets its own copy of the API world."""
    path = tmp_path / "quizapp.sqlite"
    clone_database(api_world[0], path)
    return path


@pytest.fixture
def ids(api_world) -> dict:
    return api_world[1]


class Api:
    """Requests with a role's token: ``api.get("/quizzes", as_="learner", scope="read")``."""

    def __init__(self, client, ids):
        self.client, self.ids = client, ids

    def headers(self, as_: str | None, scope: str = "write") -> dict:
        return {} if as_ is None else {"Authorization": f"Bearer {self.ids['tokens'][(as_, scope)]}"}

    def open(self, method: str, path: str, as_: str | None = "teacher", scope: str = "write", **kwargs):
        headers = {**self.headers(as_, scope), **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.open("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.open("PUT", path, **kwargs)


@pytest.fixture
def api(client, ids) -> Api:
    return Api(client, ids)


def error_of(response, status: int) -> dict:
    """The error body of ``response``, checked to be the API's one shape with ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"status", "code", "message", "where"} <= set(error)
    assert error["status"] == status and isinstance(error["code"], str) and error["message"]
    return error
