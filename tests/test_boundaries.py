"""The pure libraries import without Flask or SQLAlchemy (STYLE.md principle 1)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["quizapp.generator", "quizapp.cli.generator"])
def test_generator_imports_no_flask_or_database(module):
    code = (
        "import sys, importlib\n"
        f"importlib.import_module({module!r})\n"
        "import quizapp.generator as g\n"
        "g.generate_questions(g.plain_article('\"Hi,\" Ann Bell said on Monday in Lisbon.', published='2023-01-02'))\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def _fresh_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_app_never_imports_the_command_line():
    """Issue 14, point 21: imports flow CLI -> app, never back (a web worker loads no command code)."""
    code = (
        "import sys\n"
        "cli_modules = lambda: sorted(m for m in sys.modules if m == 'quizapp.cli' or m.startswith('quizapp.cli.'))\n"
        "import quizapp.app\n"
        "print(cli_modules())\n"
        "app = quizapp.app.create_app({'TESTING': True, 'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "print(cli_modules())\n"
        "print(sorted(app.cli.list_commands(None)))\n"
    )
    imported, created, commands = _fresh_python(code).splitlines()
    assert imported == "[]"
    assert created == "[]"
    for command in ("backup", "bank", "extract", "generate", "init-db", "scores", "serve", "user"):
        assert repr(command) in commands


def _command_modules() -> list[str]:
    import pkgutil

    import quizapp.cli

    return ["quizapp.cli"] + [f"quizapp.cli.{m.name}" for m in pkgutil.iter_modules(quizapp.cli.__path__)]


@pytest.mark.parametrize("module", _command_modules())
def test_each_command_module_imports_on_its_own(module):
    """Any module of the command line imports first in a fresh interpreter (no import circle)."""
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "from quizapp.cli import cli\n"
        "print(' '.join(sorted(cli.commands)))\n"
    )
    commands = _fresh_python(code).split()
    for command in ("backup", "bank", "extract", "generate", "init-db", "run", "scores", "serve", "shell", "user"):
        assert command in commands
