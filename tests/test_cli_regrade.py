"""Issue 15, point 4: re-grading answers given under the old, looser short-answer rules is the
teacher's choice: ``quizapp scores regrade`` shows what would change and changes it only on --apply."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionVersion, Quiz, QuizQuestion
from quizapp.services import regrade

MINUS_FIVE = {"id": "regrade-minus-five", "type": "short_answer", "stem": "What is 3 - 8?",
              "accepted": [{"text": "-5", "weight": 1.0}], "status": "published"}
TRUE_FALSE = {"id": "regrade-tf", "type": "true_false", "stem": "Is 5 odd?", "answer": True, "status": "published"}


@pytest.fixture
def old_answers(app, make_user):
    """One attempt with answers scored by the old rules: "5" earned the marks of "-5"; "-5" and True were right."""
    learner = make_user("lena", "learner")
    with app.app_context():
        quiz = Quiz(slug="regrade-quiz", title="Signs")
        db.session.add(quiz)
        versions = []
        for data in (MINUS_FIVE, TRUE_FALSE):
            question = Question(uid=data["id"], type=data["type"], status="published", stem=data["stem"])
            version = QuestionVersion(question=question, number=1, data=data, content_hash=data["id"])
            db.session.add_all([question, version])
            db.session.flush()
            question.current_version_id = version.id
            quiz.entries.append(QuizQuestion(question_id=question.id, position=len(versions)))
            versions.append(version)
        db.session.flush()
        attempts = []
        for typed in ("5", "-5"):
            attempt = Attempt(user_id=learner, quiz_id=quiz.id, layout=[], score=2.0, max_score=2.0)
            db.session.add(attempt)
            db.session.flush()
            db.session.add_all([
                Answer(attempt_id=attempt.id, question_id=versions[0].question_id, version_id=versions[0].id,
                       position=0, response=typed, score=1.0, correct=True),
                Answer(attempt_id=attempt.id, question_id=versions[1].question_id, version_id=versions[1].id,
                       position=1, response=True, score=1.0, correct=True),
            ])
            attempts.append(attempt.id)
        db.session.commit()
        return attempts


def scores(app) -> list[tuple[float, float]]:
    with app.app_context():
        return [(a.score, a.max_score) for a in db.session.scalars(
            sa.select(Attempt).join(Quiz).where(Quiz.slug == "regrade-quiz").order_by(Attempt.id))]


def test_the_report_shows_each_answer_that_would_change_and_changes_nothing(app, runner, old_answers):
    result = runner.invoke(args=["scores", "regrade", "--quiz", "regrade-quiz"])
    assert result.exit_code == 0, result.output
    assert "1 of 4 graded response(s) would change score, in 1 attempt(s)." in result.output
    assert f"attempt {old_answers[0]}, question regrade-minus-five: '5' scored 1, would score 0" in result.output
    assert "run again with --apply" in result.output
    assert scores(app) == [(2.0, 2.0), (2.0, 2.0)]


def test_declining_the_confirmation_changes_nothing(app, runner, old_answers):
    result = runner.invoke(args=["scores", "regrade", "--apply"], input="n\n")
    assert result.exit_code == 0 and "Nothing was changed." in result.output
    assert scores(app) == [(2.0, 2.0), (2.0, 2.0)]


def test_confirming_regrades_the_answer_and_the_attempt_total(app, runner, old_answers):
    result = runner.invoke(args=["scores", "regrade", "--apply"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Re-graded 1 answer(s) in 1 attempt(s)." in result.output
    assert scores(app) == [(1.0, 2.0), (2.0, 2.0)]
    again = runner.invoke(args=["scores", "regrade"])
    assert "0 of 4 graded response(s) would change score" in again.output


def test_an_unknown_quiz_is_a_clear_error(runner):
    result = runner.invoke(args=["scores", "regrade", "--quiz", "no-such-quiz"])
    assert result.exit_code == 1 and "no quiz is called 'no-such-quiz'" in result.output


def test_the_service_plan_writes_nothing(app, old_answers):
    with app.app_context():
        plan = regrade.plan_regrade()
        assert [(c.question, c.old, c.new) for c in plan.changes] == [("regrade-minus-five", 1.0, 0.0)]
    assert scores(app) == [(2.0, 2.0), (2.0, 2.0)]
