"""Issue 14, point 19: a wrong or empty database gets one clear line and exit 1, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.app import create_app
from quizapp.extensions import db
from tests.conftest import make_config
from tests.live.server import free_port

QUIZAPP = Path(sys.executable).with_name("quizapp")


def _run(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "db-error-test"}
    return subprocess.run([str(QUIZAPP), *args], env=env, input=stdin, capture_output=True, text=True, timeout=60)


def _one_clear_line(result: subprocess.CompletedProcess, *expected: str) -> str:
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("make_url,expected", [
    (lambda tmp: f"sqlite:///{tmp}/no/such/folder/quizapp.sqlite", ("folder", "does not exist")),
    (lambda tmp: "this is not a url", ("DATABASE_URL", "not a database URL")),
    (lambda tmp: "mysql://quiz@127.0.0.1/quiz", ("DATABASE_URL", "not installed")),
    (lambda tmp: "nosuchdb://quiz@127.0.0.1/quiz", ("DATABASE_URL", "nosuchdb")),
    (lambda tmp: f"postgresql://quiz@127.0.0.1:{free_port()}/quiz", ("cannot connect", "127.0.0.1")),
])
@pytest.mark.parametrize("command", [["init-db"], ["user", "create", "tess", "--password-stdin"]])
def test_a_bad_database_url_is_one_clear_line(tmp_path, make_url, expected, command):
    result = _run(make_url(tmp_path), *command, stdin="a long secret\n")
    _one_clear_line(result, *expected)


@pytest.mark.parametrize("command", [
    ["user", "create", "tess", "--password-stdin"], ["bank", "export", "out.yaml"], ["scores", "export", "out.csv"],
    ["user", "end-sessions", "tess"],
])
def test_commands_on_a_database_without_tables_say_to_run_init_db(tmp_path, command):
    url = f"sqlite:///{tmp_path}/empty.sqlite"
    result = _run(url, *command, stdin="a long secret\n")
    _one_clear_line(result, "quizapp init-db")


def test_serve_refuses_a_database_without_tables(tmp_path):
    url = f"sqlite:///{tmp_path}/empty.sqlite"
    result = _run(url, "serve", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1")
    _one_clear_line(result, "quizapp init-db")


def test_healthz_reports_a_database_without_tables(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path}/empty.sqlite"))
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert "quizapp init-db" in response.json["message"]
    finally:
        with app.app_context():
            db.engine.dispose()
