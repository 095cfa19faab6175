"""Deep linking, grade passback through the job queue, roster sync and key rotation, against the simulator."""

from __future__ import annotations

import time
from html import unescape

import jwt
import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Attempt, Enrollment, LtiContext, LtiGrade, LtiKey, Quiz, User
from quizapp.services import attempts
from tests.conftest import csrf_token
from tests.lti.platform import INSTRUCTOR, LEARNER
from tests.test_backup import _right

DEEP_LINK = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _teacher_with_quiz(app, flow, platform, grading_method="highest") -> str:
    """An instructor's launch (the class), and a quiz of theirs given to no class; returns its slug."""
    flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], name="Tia Teacher", link="link-0"))
    with app.app_context():
        teacher = db.session.scalar(sa.select(User).filter_by(username="Tia-Teacher"))
        quiz = db.session.scalar(sa.select(Quiz).order_by(Quiz.id).limit(1))
        quiz.created_by_id, quiz.origin, quiz.grading_method = teacher.id, "teacher", grading_method
        db.session.commit()
        return quiz.slug


def _take(app, username: str, slug: str, right: bool) -> None:
    """A whole attempt by the learner: every answer right, or none given; then finished."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
        attempt = attempts.start_attempt(quiz, user.id)
        if right:
            for position in range(1, len(attempt.layout) + 1):
                attempts.record_answer(attempt, position, _right(attempts.slot(attempt, position).data), 500)
                db.session.expire_all()
                attempt = db.session.get(Attempt, attempt.id)
        attempts.finish_attempt(attempt)


def _wait(condition, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _grade(app):
    with app.app_context():
        row = db.session.scalar(sa.select(LtiGrade))
        return None if row is None else (row.state, row.percent, row.sent_percent, row.message)


def test_deep_linking_returns_a_signed_link_with_a_line_item(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform)
    response = flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest"))
    assert response.status_code == 302 and response.location.endswith("/lti/deep-link")
    page = flow.get(response.location)
    assert page.status_code == 200 and "Choose a quiz for your course" in page.text
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=slug))
        quiz_id, title = quiz.id, quiz.title
    assert f"Add “{title}”" in unescape(page.text)
    answer = flow.browser.post(flow.tool + "/lti/deep-link", data={"quiz_id": quiz_id,
                                                                   "csrf_token": csrf_token(page.text)})
    assert answer.status_code == 200
    assert f"form-action 'self' {platform.url}" in answer.headers["Content-Security-Policy"]
    form_action = unescape(answer.text).split('id="deep-link-response"')[0].rsplit('action="', 1)[1].split('"')[0]
    token = unescape(answer.text).split('name="JWT" value="')[1].split('"')[0]
    assert form_action == platform.url + "/deep_link_return"
    # the browser posts it (static/lti.js); the platform verifies it against the tool's JWKS
    import urllib.parse
    import urllib.request

    with urllib.request.urlopen(form_action, urllib.parse.urlencode({"JWT": token}).encode(), timeout=10) as sent:
        assert sent.status == 200
    [claims] = platform.deep_link_responses
    assert claims["iss"] == platform.client_id and claims["aud"] == [platform.url]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims[DEEP_LINK + "data"] == "dl-data-42"
    [item] = claims[DEEP_LINK + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == flow.tool + "/lti/launch"
    assert item["custom"] == {"quiz": slug} and item["title"] == title
    assert item["lineItem"]["scoreMaximum"] == 100 and item["lineItem"]["resourceId"] == slug
    # a second answer to the same request is refused (one per deep-linking launch)
    again = flow.browser.post(flow.tool + "/lti/deep-link", data={"quiz_id": quiz_id, "csrf_token": csrf_token(page.text)})
    assert again.status_code == 400


def test_deep_linking_needs_the_csrf_token(app, flow, platform):
    _teacher_with_quiz(app, flow, platform)
    flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest"))
    response = flow.browser.post(flow.tool + "/lti/deep-link", data={"quiz_id": 1})
    assert response.status_code == 400 and "Form expired" in response.text
    assert platform.deep_link_responses == []


def test_a_learner_cannot_deep_link(app, flow, platform, accounts):
    response = flow.launch(platform.claims(sub="learn-1", message_type="LtiDeepLinkingRequest"))
    assert response.status_code == 403


def test_a_finished_attempt_grade_arrives_at_the_line_item_by_the_grading_method(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform, grading_method="highest")
    flow.browser = app.test_client()
    assert flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug, lineitem="7")).status_code == 302
    assert _grade(app)[0] == "waiting"
    _take(app, "Lee-Learner", slug, right=True)
    _wait(lambda: platform.scores, "the first score")
    _wait(lambda: _grade(app)[0] == "sent", "the grade marked sent")
    score = platform.scores[0]
    assert score["lineitem"] == "7"
    assert score["score"]["userId"] == "learn-1" and score["score"]["scoreGiven"] == 100.0
    assert score["score"]["scoreMaximum"] == 100 and score["score"]["activityProgress"] == "Completed"
    assert score["score"]["gradingProgress"] == "FullyGraded"
    # a worse second attempt: "highest" keeps 100, and that is what is sent again
    _take(app, "Lee-Learner", slug, right=False)
    _wait(lambda: len(platform.scores) == 2, "the second score")
    assert platform.scores[1]["score"]["scoreGiven"] == 100.0
    # the token request was the tool's assertion, signed with its key and verified against its JWKS
    assertion = platform.assertions[0]
    with app.app_context():
        signing = db.session.scalar(sa.select(LtiKey).where(LtiKey.retired_at.is_(None)))
        assert assertion["header"]["kid"] == signing.kid
    assert assertion["claims"]["aud"] == platform.url + "/token"


def test_a_platform_that_fails_first_gets_the_score_on_retry_and_the_teacher_sees_it(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform, grading_method="latest")
    teacher = flow.browser
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug))
    platform.fail_scores = 2  # the first two posts get 503
    _take(app, "Lee-Learner", slug, right=False)
    states = set()
    _wait(lambda: states.add(_grade(app)[0]) or _grade(app)[0] == "sent", "the grade sent after retries")
    assert len(platform.scores) == 1 and platform.scores[0]["score"]["scoreGiven"] == 0.0
    assert platform.fail_scores == 0
    with app.app_context():
        row = db.session.scalar(sa.select(LtiGrade))
        assert row.attempt == 3  # two failed runs, then the one that sent it
        classroom_id = db.session.scalar(sa.select(LtiContext.classroom_id))
    page = flow.get(f"/lti/classes/{classroom_id}", client=teacher)
    assert page.status_code == 200
    assert 'data-passback="sent"' in page.text and "Lee-Learner" in page.text


def test_a_platform_that_keeps_failing_leaves_the_grade_failed_and_send_again_sends_it(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform)
    teacher = flow.browser
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug))
    platform.fail_scores = 100
    _take(app, "Lee-Learner", slug, right=True)
    _wait(lambda: _grade(app)[0] == "failed", "the grade failed for good", timeout=30)
    state, percent, sent, message = _grade(app)
    assert (percent, sent) == (100.0, None) and "the platform answered 503" in message
    with app.app_context():
        classroom_id = db.session.scalar(sa.select(LtiContext.classroom_id))
        grade_id = db.session.scalar(sa.select(LtiGrade.id))
    page = flow.get(f"/lti/classes/{classroom_id}", client=teacher)
    assert 'data-passback="failed"' in page.text and "the platform answered 503" in page.text
    platform.fail_scores = 0
    sent_again = teacher.post(f"{flow.tool}/lti/classes/{classroom_id}/send",
                              data={"grade_id": grade_id, "csrf_token": csrf_token(page.text)})
    assert sent_again.status_code == 302
    _wait(lambda: _grade(app)[0] == "sent", "the grade sent again")
    assert platform.scores[-1]["score"]["scoreGiven"] == 100.0


def test_roster_follows_the_platform_membership(app, flow, platform):
    platform.members = [
        {"user_id": "teach-1", "name": "Tia Teacher", "roles": [INSTRUCTOR], "status": "Active"},
        {"user_id": "learn-1", "name": "Lee Learner", "roles": [LEARNER], "status": "Active"},
        {"user_id": "learn-2", "name": "Max Mustermann", "roles": [LEARNER], "status": "Active"},
        {"user_id": "learn-3", "name": "Gone Student", "roles": [LEARNER], "status": "Inactive"},
    ]
    response = flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], name="Tia Teacher"))  # syncs
    page = flow.get(response.location)
    assert "Roster updated from the platform: 2 learners, 2 added, 0 removed." in page.text

    def roster():
        with app.app_context():
            classroom_id = db.session.scalar(sa.select(LtiContext.classroom_id))
            return classroom_id, sorted(db.session.scalars(
                sa.select(User.username).join(Enrollment, Enrollment.user_id == User.id)
                .where(Enrollment.classroom_id == classroom_id)))

    classroom_id, names = roster()
    assert names == ["Lee-Learner", "Max-Mustermann"]
    # one leaves the course on the platform; the button syncs
    platform.members = platform.members[:2]
    synced = flow.browser.post(f"{flow.tool}/lti/classes/{classroom_id}/sync", data={"csrf_token": csrf_token(page.text)})
    assert synced.status_code == 302
    assert roster()[1] == ["Lee-Learner"]
    assert "1 learner, 0 added, 1 removed" in flow.get(synced.location).text
    # and the launch of a synced learner finds their account
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-1", name="Lee Learner"))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).filter(User.username.like("Lee%"))) == 1


def test_key_rotation_keeps_what_the_old_key_signed_verifiable(app, flow, platform, runner):
    jwks = platform.tool_jwks()
    [old] = jwks["keys"]
    with app.app_context():
        old_key = db.session.scalar(sa.select(LtiKey))
        signed_before = jwt.encode({"iss": "quizapp", "aud": "anyone"}, old_key.private_pem, algorithm="RS256",
                                   headers={"kid": old_key.kid})
    result = runner.invoke(args=["lti", "rotate-key"])
    assert result.exit_code == 0 and f"Retired {old['kid']}" in result.output
    kids = [k["kid"] for k in platform.tool_jwks()["keys"]]
    assert len(kids) == 2 and kids[1] == old["kid"]  # the new key first, the old one still published
    assert platform.verify_from_tool(signed_before, audience="anyone")["iss"] == "quizapp"
    # the new key signs: the platform's token endpoint sees its kid
    platform.members = []
    response = flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR]))
    assert response.status_code == 302
    assert platform.assertions[-1]["header"]["kid"] == kids[0]
    # after the retention, the old key leaves the JWKS
    app.config["LTI_KEEP_RETIRED_DAYS"] = 0
    assert [k["kid"] for k in platform.tool_jwks()["keys"]] == [kids[0]]
    with pytest.raises(ValueError, match="has no key"):
        platform.verify_from_tool(signed_before, audience="anyone")
    assert "private" not in str(platform.tool_jwks()) and all("d" not in k for k in platform.tool_jwks()["keys"])


def test_the_class_page_links_to_its_course(app, flow, platform):
    platform.members = []
    response = flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR]))
    classroom_id = int(response.location.rsplit("/", 1)[1])
    page = flow.get(f"/teach/classes/{classroom_id}")
    assert f'href="/lti/classes/{classroom_id}"' in page.text and "Its course on" in page.text


def test_a_teachers_override_sends_the_new_grade(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform, grading_method="latest")
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug))
    _take(app, "Lee-Learner", slug, right=False)
    _wait(lambda: _grade(app)[0] == "sent", "the first grade")
    assert platform.scores[-1]["score"]["scoreGiven"] == 0.0
    from quizapp.services import marking

    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        teacher_id = db.session.scalar(sa.select(User.id).filter_by(username="Tia-Teacher"))
        marking.override_grade(attempt.quiz_id, attempt.id, teacher_id, "75", "A fair reading of question 2")
    _wait(lambda: len(platform.scores) == 2, "the overridden grade")
    assert platform.scores[-1]["score"]["scoreGiven"] == 75.0
    _wait(lambda: _grade(app)[2] == 75.0, "the grade marked sent at 75")


def test_a_link_without_a_line_item_gets_one_made_by_the_first_grade(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform)
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug, lineitem="container"))
    _take(app, "Lee-Learner", slug, right=True)
    _wait(lambda: _grade(app)[0] == "sent", "the grade sent")
    [item] = platform.lineitems
    assert item["resourceLinkId"] == "link-1" and item["scoreMaximum"] == 100 and item["resourceId"] == slug
    assert platform.scores == [{"lineitem": "made-1", "score": platform.scores[0]["score"]}]
    # a second learner's grade goes to the same column
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-2", name="Max Mustermann", quiz=slug, lineitem="container"))
    _take(app, "Max-Mustermann", slug, right=False)
    _wait(lambda: len(platform.scores) == 2, "the second grade")
    assert len(platform.lineitems) == 1 and platform.scores[1]["lineitem"] == "made-1"


def test_a_passback_whose_run_stopped_is_queued_again_by_the_sweep(app, flow, platform):
    slug = _teacher_with_quiz(app, flow, platform)
    flow.browser = app.test_client()
    flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug))
    _take(app, "Lee-Learner", slug, right=True)
    _wait(lambda: _grade(app)[0] == "sent", "the grade sent")
    # a later run (attempt 2) was killed mid-way: the row says running, its heartbeat is old, the queue has nothing
    import datetime as dt

    with app.app_context():
        db.session.execute(sa.update(LtiGrade).values(state="running", attempt=2, sent_percent=None,
                                                       updated_at=dt.datetime(2020, 1, 1)))
        db.session.commit()
    from quizapp.services import lti_services

    # the sweep queues it again; the worker runs the same sweep every minute and at start, so with a real
    # broker its sweep may come first: either way one sweep takes it, and the run after it is attempt 3
    assert lti_services.requeue_stalled(app) in (0, 1)
    _wait(lambda: _grade(app)[0] == "sent" and _grade(app)[2] == 100.0, "the grade sent by the requeued run")
    with app.app_context():
        assert db.session.scalar(sa.select(LtiGrade.attempt)) == 3
    assert len(platform.scores) == 2


def test_the_platform_rotating_its_keys_is_followed(app, flow, platform):
    old = platform.keys[0]
    platform.rotate()
    assert flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], nrps=False)).status_code == 302
    flow.browser = app.test_client()
    # a token the old key signed still verifies while the platform publishes that key
    assert flow.launch(platform.claims(sub="learn-1", nrps=False), key=old).status_code == 302
    platform.keys.remove(old)
    flow.browser = app.test_client()
    refused = flow.launch(platform.claims(sub="learn-2", nrps=False), key=old)
    assert refused.status_code == 400 and "key id (kid) is not in the platform" in unescape(refused.text)
