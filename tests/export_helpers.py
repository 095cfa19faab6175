"""A small school for the score-export tests, written straight to the database.

- tina teaches Alpha (ann, bob) and Beta (cat); otto teaches Omega (dan, and ann too).
- ``belarus-trainers`` (seed bank) is open to everyone; ``alpha-quiz``
  (average) is assigned to Alpha; ``omega-quiz`` (latest) to Omega.
- ann: alpha-quiz 50 % then 100 % (average 75), belarus-trainers 33.33 %
  then 50 % (highest 50; a -0.5 penalty on the second), omega-quiz 100 % (otto's class: tina never sees it).
- bob: alpha-quiz in progress (no grade). cat: nothing. dan: omega-quiz
  100 % then 0 % (latest 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from quizapp.extensions import db
from werkzeug.security import generate_password_hash

from quizapp.models import Answer, Attempt, Classroom, Enrollment, Question, Quiz, QuizQuestion, User
from tests.conftest import TEST_PASSWORD_HASH_METHOD

MC = "belarus-trainers-who-likely-use"  # multiple_choice
TF = "belarus-trainers-tf-prominently-publicize"  # true_false
SA = "belarus-trainers-sa-rough-spots"  # short_answer

PASSWORD = "correct horse"
INJECTION = "=HYPERLINK(\"http://evil.example\",\"x\")"


@dataclass
class School:
    users: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    quizzes: dict[str, int] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2024, 3, day, hour, 0, 0)


def build_school(app) -> School:
    """Every account's password is "correct horse" (hashed cheaply: tests only)."""
    school = School()
    with app.app_context():
        for name, role in [("tina", "teacher"), ("otto", "teacher"), ("ann", "learner"), ("bob", "learner"),
                           ("cat", "learner"), ("dan", "learner")]:
            user = User(username=name, role=role,
                        password_hash=generate_password_hash(PASSWORD, TEST_PASSWORD_HASH_METHOD))
            db.session.add(user)
            db.session.flush()
            school.users[name] = user.id
        u = school.users
        questions = {q.uid: q for q in db.session.scalars(sa.select(Question).where(Question.uid.in_([MC, TF, SA])))}
        for name, teacher, code, learners in [("Alpha", "tina", "ALPHA23", ["ann", "bob"]),
                                              ("Beta", "tina", "BETA234", ["cat"]),
                                              ("Omega", "otto", "OMEGA23", ["dan", "ann"])]:
            classroom = Classroom(name=name, code=code, teacher_id=u[teacher])
            classroom.enrollments = [Enrollment(user_id=u[x]) for x in learners]
            db.session.add(classroom)
            db.session.flush()
            school.classes[name] = classroom.id
            school.codes[name] = code
        alpha, omega = db.session.get(Classroom, school.classes["Alpha"]), db.session.get(Classroom, school.classes["Omega"])
        for slug, method, teacher, classroom in [("alpha-quiz", "average", "tina", alpha),
                                                 ("omega-quiz", "latest", "otto", omega)]:
            quiz = Quiz(slug=slug, title=slug.replace("-", " ").title(), grading_method=method,
                        created_by_id=u[teacher], classrooms=[classroom],
                        entries=[QuizQuestion(question_id=questions[uid].id, position=n)
                                 for n, uid in enumerate([MC, TF, SA], 1)])
            db.session.add(quiz)
        db.session.flush()
        for quiz in db.session.scalars(sa.select(Quiz)):
            school.quizzes[quiz.slug] = quiz.id

        def attempt(key, user, slug, day, answers, finished=True):
            """answers: (uid, response, score, correct, time_taken_ms)"""
            row = Attempt(user_id=u[user], quiz_id=school.quizzes[slug], layout=[], started_at=at(day, 9),
                          finished_at=at(day, 11) if finished else None,
                          score=sum(a[2] or 0 for a in answers), max_score=len(answers))
            for position, (uid, response, score, correct, ms) in enumerate(answers, 1):
                q = questions[uid]
                row.answers.append(Answer(question_id=q.id, version_id=q.current_version_id, position=position,
                                          response=response, score=score, correct=correct, time_taken_ms=ms,
                                          submitted_at=at(day, 10)))
            db.session.add(row)
            db.session.flush()
            school.attempts[key] = row.id

        attempt("ann-alpha-1", "ann", "alpha-quiz", 1, [(MC, 0, 1.0, True, 1500), (TF, False, 0.0, False, 2000)])
        attempt("ann-alpha-2", "ann", "alpha-quiz", 5, [(MC, 0, 1.0, True, 1200), (TF, True, 1.0, True, 900)])
        attempt("ann-open-1", "ann", "belarus-trainers", 2,
                [(MC, 0, 1.0, True, 800), (TF, False, 0.0, False, None), (SA, INJECTION, 0.0, False, 3000)])
        # a penalty (negative score) must stay a number
        attempt("ann-open-2", "ann", "belarus-trainers", 8,
                [(MC, 0, 1.0, True, 800), (TF, True, 1.0, True, 700), (SA, "-5 rough spots", -0.5, False, 3000)])
        attempt("ann-omega", "ann", "omega-quiz", 3, [(MC, 0, 1.0, True, 1000)])
        attempt("bob-alpha", "bob", "alpha-quiz", 4, [(MC, 1, 0.0, False, 4000)], finished=False)
        attempt("dan-omega-1", "dan", "omega-quiz", 2, [(MC, 0, 1.0, True, 1000)])
        attempt("dan-omega-2", "dan", "omega-quiz", 6, [(MC, 1, 0.0, False, 1000)])
        db.session.commit()
    return school
