"""The application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from importlib import import_module
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup
from werkzeug.routing import IntegerConverter

from quizapp import broadcast, config, jobs, writer_lock
from quizapp.extensions import csrf, db, login_manager, migrate


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure an app; ``test_config`` overrides everything else."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder=str(config.PROJECT_ROOT / "static"),
    )
    app.config.from_object(config.Config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = config.database_url(app.instance_path)
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)
    config.iframe_cookies(app.config)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    writer_lock.configure(app.config, app.instance_path)
    jobs.configure(app)
    broadcast.configure(app)  # after the job queue: Redis there is Redis for the live screens
    # addresses the link fetcher may reach though not public (an intranet news site; the tests' 127.0.0.1)
    app.config.setdefault("FETCH_ALLOWED_ADDRESSES", tuple(
        a.strip() for a in os.environ.get("FETCH_ALLOWED_ADDRESSES", "").split(",") if a.strip()))
    app.url_map.converters["int"] = DatabaseIntConverter  # before any route is added
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    from quizapp import errors, security

    errors.init_app(app)
    security.init_app(app)
    from quizapp.auth import throttle

    throttle.init_app(app)
    register_commands(app)
    return app


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` limited to what a database id column holds: a larger number is a 404, not a 500.

    SQLite and PostgreSQL keep integers in 64 bits; werkzeug's converter
    takes any length of digits, and 2**63 in a query then fails in the driver
    (issue 14).
    """

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


class CommandsByName(AppGroup):
    """``app.cli`` (``flask --app quizapp.app``, test runners): quizapp's commands, loaded by name.

    The command line depends on the app, never the other way round: this
    module does not import :mod:`quizapp.cli`, and neither does
    :func:`create_app` (a web worker never loads it). The commands are
    imported from :data:`COMMANDS` when one is first looked up.
    """

    #: ``module:attribute`` of the tuple of click commands to offer
    COMMANDS = "quizapp.cli.group:APP_COMMANDS"

    _loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            module, attribute = self.COMMANDS.split(":")
            for command in getattr(import_module(module), attribute):
                self.add_command(command)

    def get_command(self, ctx, cmd_name):
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        self._load()
        return super().list_commands(ctx)


def register_commands(app: Flask) -> None:
    """Offer quizapp's commands on ``app.cli`` (loaded on first use, see :class:`CommandsByName`)."""
    group = CommandsByName(app.cli.name)
    for command in app.cli.commands.values():  # anything a blueprint registered
        group.add_command(command)
    app.cli = group


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"

    from quizapp.models import User

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        from quizapp.auth.sessions import load_user

        return load_user(user_id)  # checks the session's version: logout ends every copy

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers run beside the writer; NORMAL sync is durable across
    application crashes (not power loss) and much faster than FULL."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from quizapp.api import bp as api_bp
    from quizapp.auth import bp as auth_bp
    from quizapp.quiz import bp as quiz_bp
    from quizapp import lti
    from quizapp.live import bp as live_bp
    from quizapp.teach import bp as teach_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(teach_bp)
    # the API authenticates with a bearer token only, never the session cookie, so a
    # cross-site form cannot act through it: it alone needs no CSRF token
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(lti.bp)
    lti.init_app(app)
    app.register_blueprint(live_bp)

    @app.get("/healthz")
    def healthz():
        """Health probe: ok once the database answers and has its schema (else 503 saying why)."""
        from quizapp.config import describe_database_error, schema_problem

        try:
            problem = schema_problem(db.session.connection())
        except Exception as exc:  # noqa: BLE001 (any failure to reach the database is "unhealthy")
            db.session.rollback()
            problem = describe_database_error(exc, app.config.get("SQLALCHEMY_DATABASE_URI")) or "database error"
        if problem:
            return {"status": "unavailable", "message": problem}, 503
        return {"status": "ok"}


def register_template_helpers(app: Flask) -> None:
    from quizapp import cloze, presentation
    from quizapp.services import scoring

    app.jinja_env.filters["highlight"] = presentation.highlight
    app.jinja_env.filters["percent"] = presentation.percent
    app.jinja_env.filters["cloze_blanks"] = cloze.blanked
    app.jinja_env.filters["duration"] = presentation.duration
    app.jinja_env.globals.update(
        fact_kind_label=presentation.fact_kind_label,
        describe_response=presentation.describe_response,
        stem_text=presentation.stem_text,
        cloze_pieces=cloze.split_stem,
        question_html=presentation.question_html,
        match_options=scoring.match_options,
        local_time=presentation.local_time,
        nav_url=presentation.nav_url,
        plural=presentation.plural,
        and_list=presentation.and_list,
        source_caption=presentation.source_caption,
    )


def project_path(*parts: str) -> Path:
    return config.PROJECT_ROOT.joinpath(*parts)
