"""Shared fixtures: a real SQLite file per test, built by the real migrations.

The schema and the seed bank are built once per session with ``init-db``
into a template file, then copied for every test, so each test gets a fresh
database without paying for the migrations again.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp import jobs
from quizapp.app import create_app
from quizapp.extensions import db


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_JOB_QUEUE = os.environ.get("TEST_JOB_QUEUE", "memory")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: New password hashes in tests: PBKDF2 with 1,000 rounds, not the app's scrypt (~100 ms of CPU
#: for each hash and each check, thousands of times a run), as Django advises for its tests.
#: Tests marked ``production_password_hash`` get the app's own default (tests/auth/test_password_hashing.py).
TEST_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class PostgresDatabases:
    """Throwaway PostgreSQL databases, one per test, cloned from a template."""

    def __init__(self, admin_url: str):
        self.admin_url = sa.make_url(admin_url)
        self.engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.created: list[str] = []
        self.by_key: dict[str, str] = {}

    def create(self, template: str | None = None) -> str:
        name = f"quizapp_test_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as connection:
            clause = f" TEMPLATE {template}" if template else ""
            if template and connection.dialect.server_version_info >= (15,):
                # copy the template's files: PostgreSQL 15's default (WAL_LOG) writes every page of a
                # 10 MB database through the WAL, for each of some 1,600 tests
                clause += " STRATEGY FILE_COPY"
            connection.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return name

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def for_key(self, key: str, template: str | None = None) -> str:
        """The database standing for ``key`` (a test's SQLite path), made on first use."""
        if key not in self.by_key:
            self.by_key[key] = self.create(template)
        return self.url(self.by_key[key])

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


POSTGRES = PostgresDatabases(TEST_DATABASE_URL) if TEST_DATABASE_URL else None
#: Where background jobs keep their files (exports) for a database given as a URL.
JOB_FILES = tempfile.mkdtemp(prefix="quizapp-test-job-files-")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(JOB_FILES, ignore_errors=True)
    if POSTGRES is not None:
        POSTGRES.drop_all()


def url_for_database(db: Path | str) -> str:
    """A database URL: SQLite file paths become PostgreSQL databases under TEST_DATABASE_URL."""
    if isinstance(db, str):
        return db
    if POSTGRES is not None:
        return POSTGRES.for_key(str(db))
    return f"sqlite:///{db}"


def make_config(db: Path | str, **extra) -> dict:
    """Test configuration for a database given as a SQLite path or a URL."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url_for_database(db),
        # jobs run in a thread of the test process, on a queue of this app's own
        # (TEST_JOB_QUEUE=redis://… runs them through a real broker, as CI does)
        "JOB_QUEUE": TEST_JOB_QUEUE,
        "JOB_QUEUE_NAME": f"quizapp-test-{uuid.uuid4().hex[:12]}",
        "JOBS_IN_PROCESS": True,
        "JOB_RETRY_DELAY": 0.2,
        # an export's file beside the test's database, so a copy of the database can have its own
        "JOB_FILES": str(Path(db).parent / "job-files") if isinstance(db, Path) else JOB_FILES,
        "PASSWORD_HASH_METHOD": TEST_PASSWORD_HASH_METHOD,
    }
    if POSTGRES is not None:
        # No pooled connections outlive a request: an app dropped by a test
        # cannot leave an open connection for the garbage collector to find.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": sa.pool.NullPool}
    return {**config, **extra}


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close every pooled connection an app of this test opened.

    Tests build extra apps (a restart, a fresh database); their pools would
    otherwise be closed by the garbage collector, which psycopg reports as a
    ResourceWarning (an error here). Flask-SQLAlchemy keeps each app's
    engines in ``db._app_engines``.
    """
    yield
    for engines in list(getattr(db, "_app_engines", {}).values()):
        for engine in engines.values():
            engine.dispose()


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
    """A database holding the migrated schema and the seed bank (the template)."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite"
    app = create_app(make_config(path))
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path, seeded_db) -> Path:
    """This test's own copy of the seeded database (a file, or a PostgreSQL clone)."""
    path = tmp_path / "quizapp.sqlite"
    if POSTGRES is not None:
        POSTGRES.for_key(str(path), template=POSTGRES.by_key[str(seeded_db)])
    else:
        shutil.copy(seeded_db, path)
    return path


@pytest.fixture
def database_url(db_path) -> str:
    """The URL of this test's database, for servers started in a subprocess."""
    return url_for_database(db_path)


@pytest.fixture
def app(db_path, request):
    config = make_config(db_path)
    if request.node.get_closest_marker("production_password_hash"):
        del config["PASSWORD_HASH_METHOD"]  # the app's own default
    app = create_app(config)
    yield app
    jobs.shutdown(app)
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


def redis_url() -> str:
    """The test Redis server's URL; a missing server fails the test in CI and skips it elsewhere."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        message = "TEST_REDIS_URL is not set (apt-get install redis-server; .ci/run starts one)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url
