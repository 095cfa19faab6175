"""Migrations on a database in use: a school upgrades with its answers, attempts and accounts in it.

A test database built from empty by ``init-db`` has no rows for a foreign key
to refuse; the world of tests/security_world.py has them all (attempts and
answers, tokens, a live session, an import, a job). Batch rebuilds of a
referenced table ("user", "attempt") on SQLite drop a table that rows refer
to, which the foreign keys refuse: these tests catch such a migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quizapp.extensions import db
from tests.security_world import db_path, world  # noqa: F401  (fixtures)

#: the revision before the newest migrations (0016 API tokens, 0017 LTI, 0018 live sessions, 0019 live scores)
BEFORE = "0015"
COUNTED = ("user", "attempt", "answer", "quiz", "question", "question_version", "classroom", "enrollment")


def _counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {table: connection.scalar(sa.text(f'SELECT count(*) FROM "{table}"')) for table in COUNTED}


def _schema_differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_the_newest_migrations_go_down_and_up_on_a_database_in_use(app, runner):
    with app.app_context():
        before = _counts()
    assert before["answer"] and before["attempt"]  # the world has answers that refer to attempts and users

    down = runner.invoke(args=["db", "downgrade", BEFORE])
    assert down.exit_code == 0, down.output
    with app.app_context(), db.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        assert not {"api_token", "lti_platform", "live_session"} & set(tables)
        assert "live_session_id" not in {c["name"] for c in sa.inspect(connection).get_columns("attempt")}
    with app.app_context():
        assert _counts() == before  # nothing a school had is lost on the way down

    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with app.app_context():
        assert _counts() == before
        assert _schema_differences() == []
