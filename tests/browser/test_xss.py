"""Teacher-written HTML and script are shown as text, in a real browser.

A teacher's question (stem, choices, feedback, explanation) and quiz (title,
description) carry script and event-handler payloads; a learner takes the
quiz and the teacher previews the question. No script runs
(``window.pwned`` stays undefined), no element is injected, and the payloads
are visible as the literal text the teacher typed. Two layers make this so:
Jinja's autoescaping and the Content-Security-Policy (no inline script); the
visible-text checks fail if the first is removed, the ``pwned`` checks if both are.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.extensions import db
from tests.browser.conftest import axe_violations

SCRIPT = "<script>window.pwned=1</script>"
IMG = '<img src=x onerror="window.pwned=2">'
SVG = "<svg onload=window.pwned=3>"
LINK = '<a href="javascript:window.pwned=4">click</a>'


def hostile_question(app, teacher_id: int) -> tuple[int, str]:
    """A published multiple-choice question full of payloads in a quiz for everyone."""
    from quizapp.services import authoring, quizzes

    data = {
        "type": "multiple_choice",
        "stem": f"Stem {SCRIPT} and {IMG}",
        "stem_format": "plain",
        "choices": [
            {"text": f"Right {SVG}", "weight": 1.0, "feedback": f"Choice feedback {SCRIPT}"},
            {"text": f"Wrong {IMG}", "weight": 0.0, "feedback": f"Wrong feedback {LINK}"},
        ],
        "general_feedback": f"Explanation {IMG} {SCRIPT}",
        "tags": [],
        "status": "published",
    }
    with app.app_context():
        question = authoring.create_question(data, teacher_id)
        if question.status != "published":
            authoring.publish_question(question.id, teacher_id)
        quiz = quizzes.save_quiz(
            teacher_id,
            quizzes.QuizSettings(title=f"Quiz {SCRIPT}", description=f"About {IMG}", shuffle_choices=False),
            [question.id], [],
        )
        return question.id, quiz.slug


def assert_inert(page, *payloads: str) -> None:
    """No payload ran or made an element; each shows as text; and the page passes axe."""
    assert page.evaluate("typeof window.pwned") == "undefined", "teacher-written script ran"
    assert page.locator("img[src='x'], main script, svg[onload], a[href^='javascript']").count() == 0
    text = page.locator("main").inner_text()
    for payload in payloads:
        assert payload in text, f"{payload!r} is not shown as text"
    assert axe_violations(page) == [], page.url


def log_in(page, username: str, password: str = "correct horse") -> None:
    page.goto(page.base + "/auth/login")
    assert axe_violations(page) == [], "log in"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert axe_violations(page) == [], f"home of {username}"


def test_teacher_html_is_inert_for_learners(page, app, make_user):
    teacher = make_user("author", role="teacher")
    make_user("reader")
    question_id, slug = hostile_question(app, teacher)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    log_in(page, "reader")

    page.goto(page.base + "/")
    assert_inert(page, f"Quiz {SCRIPT}")
    page.goto(page.base + f"/quizzes/{slug}")
    assert_inert(page, f"Quiz {SCRIPT}", f"About {IMG}")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))
    assert_inert(page, f"Stem {SCRIPT} and {IMG}", f"Right {SVG}", f"Wrong {IMG}")

    page.locator("label.choice").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Check my answer").click()
    assert page.locator("section.feedback").is_visible()
    assert_inert(page, f"Choice feedback {SCRIPT}", f"Explanation {IMG} {SCRIPT}")

    page.get_by_role("link", name="Finish attempt…").click()
    page.wait_for_url(re.compile(r"/summary$"))
    assert_inert(page, f"Quiz {SCRIPT}")
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert_inert(page, f"Stem {SCRIPT} and {IMG}")
    page.goto(page.base + "/progress")
    assert_inert(page)
    assert not [m for m in messages if "pwned" in m]


def test_teacher_html_is_inert_for_teachers(page, app, make_user):
    teacher = make_user("author", role="teacher")
    make_user("colleague", role="teacher")
    question_id, _ = hostile_question(app, teacher)
    log_in(page, "colleague")
    for path in (f"/teach/questions/{question_id}/preview", f"/teach/questions/{question_id}/edit",
                 f"/teach/questions/{question_id}/history", "/teach/questions"):
        response = page.goto(page.base + path)
        assert response.status == 200, path
        assert page.evaluate("typeof window.pwned") == "undefined", path
        assert page.locator("img[src='x'], main script, svg[onload]").count() == 0, path
        assert axe_violations(page) == [], path
    page.goto(page.base + f"/teach/questions/{question_id}/preview")
    assert f"Stem {SCRIPT} and {IMG}" in page.locator("main").inner_text()
    with app.app_context():
        from quizapp.models import Question

        assert db.session.scalar(sa.select(Question.stem).filter_by(id=question_id)).startswith("Stem <script>")
