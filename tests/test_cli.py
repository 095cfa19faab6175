"""The command line: init-db (twice, edited bank, bad bank) and user create."""

from pathlib import Path

import sqlalchemy as sa
import yaml

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion, Quiz, QuizQuestion, User
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parent.parent


def counts(app):
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Question, QuestionVersion, Quiz, QuizQuestion)
        }


def fresh_app(tmp_path, bank_dir):
    return create_app(make_config(tmp_path / "fresh.sqlite", QUESTION_BANK_DIR=str(bank_dir)))


def copy_bank(tmp_path) -> Path:
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (bank_dir / "belarus-trainers.yaml").write_text(
        (ROOT / "question_bank" / "belarus-trainers.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return bank_dir


def test_init_db_twice_adds_no_duplicates(tmp_path):
    app = fresh_app(tmp_path, ROOT / "question_bank")
    first = app.test_cli_runner().invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "new" in first.output
    before = counts(app)
    assert before["Question"] >= 30 and before["Quiz"] >= 5
    second = app.test_cli_runner().invoke(args=["init-db"])
    assert second.exit_code == 0 and "0 new, 0 changed" in second.output
    assert counts(app) == before


def test_edited_bank_file_updates_its_question_as_a_new_version(tmp_path):
    bank_dir = copy_bank(tmp_path)
    app = fresh_app(tmp_path, bank_dir)
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    path = bank_dir / "belarus-trainers.yaml"
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    edited = bank["questions"][0]
    edited["stem"] = edited["stem"] + " (edited)"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "1 changed" in result.output
    with app.app_context():
        question = db.session.scalar(sa.select(Question).filter_by(uid=edited["id"]))
        assert question.data["stem"].endswith("(edited)")
        assert question.current.number == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question).filter_by(uid=edited["id"])) == 1


def test_bad_bank_file_names_file_and_line_and_loads_nothing(tmp_path):
    bank_dir = copy_bank(tmp_path)
    # a second, broken file: a choice question with no correct choice at line 4
    (bank_dir / "zz-broken.yaml").write_text(
        "questions:\n"
        "  - id: broken-one\n"
        "    type: multiple_choice\n"
        "    stem: Which?\n"
        "    choices:\n"
        "      - {text: A, weight: 0}\n"
        "      - {text: B, weight: 0}\n", encoding="utf-8")
    app = fresh_app(tmp_path, bank_dir)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1
    assert "zz-broken.yaml:2" in result.output and "fully correct" in result.output
    assert "Traceback" not in result.output
    assert counts(app)["Question"] == 0


def test_bank_file_with_yaml_syntax_error(tmp_path):
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (bank_dir / "bad.yaml").write_text("questions:\n  - id: x\n    stem: [unclosed\n", encoding="utf-8")
    app = fresh_app(tmp_path, bank_dir)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 1 and "bad.yaml:" in result.output
    assert "nothing was loaded" in result.output


def test_user_create_teacher_from_stdin(runner, app):
    result = runner.invoke(args=["user", "create", "tess", "--role", "teacher", "--password-stdin"],
                           input="a long secret\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username="tess"))
        assert user.role == "teacher" and user.check_password("a long secret")
    again = runner.invoke(args=["user", "create", "tess", "--password-stdin"], input="a long secret\n")
    assert again.exit_code == 1 and "taken" in again.output


def test_console_script_lists_flask_commands():
    from click.testing import CliRunner

    from quizapp.cli import cli

    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "routes", "shell", "init-db", "user"):
        assert command in result.output
