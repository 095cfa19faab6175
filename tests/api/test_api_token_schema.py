"""Migration 0016 builds the api_token table exactly as the model describes it (and undoes it)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quizapp.extensions import db


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={
        "compare_type": True,
        "include_object": lambda obj, name, kind, reflected, compare_to: (
            (obj.name if kind == "table" else obj.table.name) == "api_token"),
    })
    return compare_metadata(context, db.metadata)


def test_the_migrated_api_token_table_matches_the_model(app):
    with app.app_context():
        with db.engine.connect() as connection:
            assert sa.inspect(connection).has_table("api_token")
            assert _differences(connection) == []


def test_migration_0016_downgrades_and_upgrades(app, runner):
    heads = runner.invoke(args=["db", "heads"])
    assert heads.exit_code == 0, heads.output
    down = runner.invoke(args=["db", "downgrade", "0015"])
    assert down.exit_code == 0, down.output
    with app.app_context(), db.engine.connect() as connection:
        assert not sa.inspect(connection).has_table("api_token")
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with app.app_context(), db.engine.connect() as connection:
        assert sa.inspect(connection).has_table("api_token")
        assert _differences(connection) == []
