"""Shared fixtures: a real SQLite file per test, built by the real migrations.

The schema and the seed bank are built once per session with ``init-db``
into a template file, then copied for every test, so each test gets a fresh
database without paying for the migrations again.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.app import create_app
from quizapp.extensions import db


def make_config(db_path: Path, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        **extra,
    }


@pytest.fixture(autouse=True)
def _push_request_context():
    """Override pytest-flask's per-test request context.

    A context pushed for the whole test makes every client request share one
    ``g`` (so a CSRF token cached on ``g`` outlives the session that issued
    it). "Only push a context exactly where and for how long it's needed."
    """
    yield


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """A SQLite file holding the migrated schema and the seed bank."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite"
    app = create_app(make_config(path))
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path, seeded_db) -> Path:
    path = tmp_path / "quizapp.sqlite"
    shutil.copy(seeded_db, path)
    return path


@pytest.fixture
def app(db_path):
    app = create_app(make_config(db_path))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Register and log in through the real forms (CSRF included)."""

    def __init__(self, client):
        self.client = client

    def register(self, username="ann", password="correct horse"):
        page = self.client.get("/auth/register")
        return self.client.post(
            "/auth/register",
            data={"username": username, "password": password, "confirm": password,
                  "csrf_token": csrf_token(page.text)},
        )

    def login(self, username="ann", password="correct horse"):
        page = self.client.get("/auth/login")
        return self.client.post(
            "/auth/login",
            data={"username": username, "password": password, "csrf_token": csrf_token(page.text)},
        )

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def query(app):
    """Run a query in a fresh app context (never reuse a request's session)."""

    def _query(statement):
        with app.app_context():
            return db.session.execute(statement).all()

    return _query


@pytest.fixture
def scalar(app):
    def _scalar(statement):
        with app.app_context():
            return db.session.scalar(statement)

    return _scalar


def count(model):
    return sa.select(sa.func.count()).select_from(model)


@pytest.fixture
def make_user(app):
    """Create an account directly (the CLI's way); returns its id."""

    def _make_user(username: str, role: str = "learner", password: str = "correct horse") -> int:
        from quizapp.services import accounts

        with app.app_context():
            return accounts.create_user(username, password, role).id

    return _make_user
