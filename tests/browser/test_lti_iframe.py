"""LTI in a real browser: the platform simulator's course page shows quizapp in an iframe; the launch
happens inside it; a learner takes a quiz there, and the grade arrives at the platform's line item
(sent by the `quizapp worker` that `quizapp serve` runs)."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Attempt, LtiContext, LtiGrade, User
from tests.browser.conftest import _axe_source
from tests.conftest import make_config
from tests.lti.platform import INSTRUCTOR, Platform
from tests.security_world import published_ids


@pytest.fixture
def lms(db_path, live_server):
    """The simulator, registered with the live quizapp (same database)."""
    with Platform() as platform:
        platform.tool = live_server.url
        app = create_app(make_config(db_path))
        with app.app_context():
            from quizapp.services import lti_tool

            lti_tool.add_platform(**platform.registration())
        platform.app = app
        yield platform
        with app.app_context():
            db.engine.dispose()


def frame_axe(frame) -> list:
    """axe-core's violations in the tool's frame (its own document)."""
    frame.wait_for_load_state("load")
    if not frame.evaluate("typeof axe !== 'undefined'"):
        frame.evaluate(_axe_source())
    result = frame.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def _course(playwright_browser, lms, live_server, user: str):
    context = playwright_browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    foreign = []
    page.on("request", lambda req: None if req.url.startswith((lms.url, live_server.url, "data:", "about:"))
            else foreign.append(req.url))
    page.goto(f"{lms.url}/course?user={user}")
    return context, page, foreign


def _tool_frame(page, live_server, path_pattern: str):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if f.url.startswith(live_server.url) and re.search(path_pattern, f.url)),
                     None)
        if frame is not None:
            frame.wait_for_load_state("load")
            return frame
        time.sleep(0.1)
    raise AssertionError(f"the frame never showed {path_pattern}: {[f.url for f in page.frames]}")


def test_a_learner_takes_a_quiz_inside_the_lms_iframe_and_the_grade_arrives(playwright_browser, live_server, lms):
    # the instructor opens quizapp in the course: quizapp makes the class
    lms.next_launch(lms.claims(sub="teach-1", roles=[INSTRUCTOR], name="Tia Teacher", link="link-0", nrps=False))
    context, page, foreign = _course(playwright_browser, lms, live_server, "teach-1")
    frame = _tool_frame(page, live_server, r"/lti/classes/\d+$")
    assert "Course One: learning platform" in frame.locator("h1").inner_text()
    assert frame_axe(frame) == []
    context.close()
    with lms.app.app_context():
        from quizapp.services import quizzes

        teacher = db.session.scalar(sa.select(User).filter_by(username="Tia-Teacher"))
        classroom_id = db.session.scalar(sa.select(LtiContext.classroom_id))
        quiz = quizzes.save_quiz(teacher.id, quizzes.QuizSettings(title="Course quiz"),
                                 published_ids("multiple_choice", 2), [classroom_id])
        slug = quiz.slug

    # the instructor adds the quiz to the course: deep linking, inside the frame; the tool's page posts
    # the signed answer back to the platform by itself (static/lti.js), which verifies it
    lms.next_launch(lms.claims(sub="teach-1", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest", nrps=False))
    context, page, foreign = _course(playwright_browser, lms, live_server, "teach-1")
    frame = _tool_frame(page, live_server, r"/lti/deep-link$")
    assert frame_axe(frame) == []
    frame.get_by_role("button", name="Add “Course quiz”").click()
    deadline = time.monotonic() + 20
    while not lms.deep_link_responses and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lms.errors == []
    [item] = lms.deep_link_responses[0]["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"quiz": slug} and item["lineItem"]["scoreMaximum"] == 100
    context.close()

    # the learner opens the link the platform made of it
    lms.next_launch(lms.claims(sub="learn-1", name="Lee Learner", quiz=item["custom"]["quiz"], lineitem="42",
                               nrps=False))
    context, page, foreign = _course(playwright_browser, lms, live_server, "learn-1")
    frame = _tool_frame(page, live_server, rf"/quizzes/{slug}$")
    assert frame.locator("h1").inner_text() == "Course quiz"
    assert frame_axe(frame) == []
    frame.get_by_role("button", name="Start the quiz").click()
    for _ in range(2):
        frame.wait_for_selector("article.question form")
        frame.locator("article.question form label.choice").first.click()
        frame.get_by_role("button", name=re.compile("Check my answer|Continue")).click()
        frame.wait_for_selector("section.feedback")
        next_link = frame.get_by_role("link", name="Next question →")
        if next_link.count():
            next_link.click()
    frame.get_by_role("link", name="Finish attempt…").click()
    frame.get_by_role("button", name="Submit all and finish").click()
    frame.wait_for_url(re.compile(r"/review$"))
    assert "your score" in frame.locator("h1").inner_text()
    assert page.url.startswith(lms.url + "/course")  # all of it happened inside the LMS's page

    deadline = time.monotonic() + 30
    while not lms.scores and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lms.errors == []
    [score] = lms.scores
    with lms.app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.quiz_id == quiz.id))
        assert score["lineitem"] == "42" and score["score"]["userId"] == "learn-1"
        assert score["score"]["scoreGiven"] == pytest.approx(attempt.percent)
        deadline = time.monotonic() + 10
        while db.session.scalar(sa.select(LtiGrade.state)) != "sent" and time.monotonic() < deadline:
            db.session.rollback()
            time.sleep(0.1)
        assert db.session.scalar(sa.select(LtiGrade.state)) == "sent"
    context.close()
    assert foreign == []
