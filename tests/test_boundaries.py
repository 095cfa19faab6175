"""The pure libraries import without Flask or SQLAlchemy (STYLE.md principle 1)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["quizapp.generator", "quizapp.cli_generator"])
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
