"""OIDC login and launch against the platform simulator: accounts, classes, quizzes; every bad token refused."""

from __future__ import annotations

import time
import urllib.parse
from html import unescape

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Classroom, Enrollment, LtiAccount, LtiContext, LtiResourceLink, Quiz, User
from tests.lti.platform import INSTRUCTOR, Key


def _quiz_of(app, teacher_id: int) -> str:
    """A quiz built by ``teacher_id`` (one of the seed bank's, handed over), returning its slug."""
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).order_by(Quiz.id).limit(1))
        quiz.created_by_id = teacher_id
        quiz.origin = "teacher"
        db.session.commit()
        return quiz.slug


def _user(app, sub: str):
    with app.app_context():
        account = db.session.scalar(sa.select(LtiAccount).filter_by(subject=sub))
        return None if account is None else (account.user.id, account.user.username, account.user.role)


def test_instructor_launch_makes_a_teacher_and_a_class(app, flow, platform):
    response = flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], name="Tia Teacher", link="link-0"))
    assert response.status_code == 302, response.text
    user_id, username, role = _user(app, "teach-1")
    assert (username, role) == ("Tia-Teacher", "teacher")
    with app.app_context():
        context = db.session.scalar(sa.select(LtiContext))
        classroom = db.session.get(Classroom, context.classroom_id)
        assert (classroom.name, classroom.teacher_id, context.context_id) == ("Course One", user_id, "course-1")
        assert response.location.endswith(f"/lti/classes/{classroom.id}")
        user = db.session.get(User, user_id)
        assert not user.check_password("") and not user.check_password("!lti")  # no password
    page = flow.get(response.location)
    assert page.status_code == 200 and "Course One" in page.text


def test_learner_launch_makes_an_account_enrolls_and_opens_the_quiz(app, flow, platform):
    flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], name="Tia Teacher"))
    slug = _quiz_of(app, _user(app, "teach-1")[0])
    flow.browser = app.test_client()  # the learner's own browser
    response = flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug))
    assert response.status_code == 302, response.text
    assert response.location.endswith(f"/quizzes/{slug}")
    user_id, username, role = _user(app, "learn-1")
    assert (username, role) == ("Lee-Learner", "learner")
    with app.app_context():
        context = db.session.scalar(sa.select(LtiContext))
        assert db.session.scalar(sa.select(Enrollment).filter_by(classroom_id=context.classroom_id, user_id=user_id))
        link = db.session.scalar(sa.select(LtiResourceLink))
        assert (link.resource_link_id, link.quiz.slug, link.lineitem_url) == ("link-1", slug, platform.url + "/lineitems/1")
    page = flow.get(response.location)
    assert page.status_code == 200 and "Start" in page.text
    # a second launch of the same user reuses the account
    again = flow.launch(platform.claims(sub="learn-1", name="Lee Learner", quiz=slug))
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiAccount).filter_by(subject="learn-1")) == 1


def test_a_learner_before_any_instructor_gets_an_account_and_is_told_why_there_is_no_class(app, flow, platform):
    response = flow.launch(platform.claims(sub="early-1"))
    assert response.status_code == 409
    assert "has not opened quizapp in this course yet" in response.text
    assert _user(app, "early-1")[2] == "learner"


def test_a_link_to_someone_elses_quiz_is_refused(app, flow, platform, make_user):
    other = make_user("other-teacher", "teacher")
    flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR]))
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).order_by(Quiz.id).limit(1))
        quiz.created_by_id, quiz.is_published = other, False
        db.session.commit()
        slug = quiz.slug
    response = flow.launch(platform.claims(sub="learn-1", quiz=slug))
    assert response.status_code == 403
    assert "not a quiz of this course's teacher" in unescape(response.text)


def _expired(platform):
    past = int(time.time()) - 3600
    return platform.claims(iat=past - 300, exp=past)


BAD_TOKENS = {
    "wrong issuer": (lambda p: p.claims(iss="http://127.0.0.1:9/other-lms"), {},
                     "no platform with this issuer and client id"),
    "wrong audience": (lambda p: p.claims(aud="someone-else"), {}, "no platform with this issuer and client id"),
    "wrong deployment": (lambda p: p.claims(**{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "dep-x"}),
                         {}, "deployment id is not one registered"),
    "expired": (_expired, {}, "the id_token has expired"),
    "no expiry": (lambda p: p.claims(exp=None), {}, "does not verify"),
    "bad signature": (lambda p: p.claims(), {"forge": True}, "signature does not verify"),
    "unknown key id": (lambda p: p.claims(), {"unknown_key": True}, "key id (kid) is not in the platform's key set"),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_every_bad_token_is_refused_with_a_clear_page_and_no_account(app, flow, platform, accounts, case):
    make_claims, how, expected = BAD_TOKENS[case]
    before = accounts()
    claims = make_claims(platform)
    if how.get("forge"):  # signed by another key under the platform's key id
        response = flow.launch(claims, key=Key(), headers={"kid": platform.keys[0].kid})
    elif how.get("unknown_key"):
        response = flow.launch(claims, key=Key())
    else:
        response = flow.launch(claims)
    assert response.status_code in (400, 403), response.status_code
    text = unescape(response.text)
    assert "Launch refused" in text and expected in text, text
    assert "no account was made" in text
    assert accounts() == before
    assert flow.get("/").text.count("Log in") >= 1  # nobody is signed in


def test_a_replayed_state_is_refused(app, flow, platform, accounts):
    form = flow.authorize(platform.claims(sub="teach-1", roles=[INSTRUCTOR]))
    assert flow.post(form).status_code == 302
    before = accounts()
    again = flow.post(form)  # the same id_token and state, posted twice
    assert again.status_code == 400
    assert "used already" in again.text
    assert accounts() == before


def test_a_replayed_nonce_is_refused(app, flow, platform, accounts):
    first = flow.authorize(platform.claims(sub="teach-1", roles=[INSTRUCTOR]))
    assert flow.post(first).status_code == 302
    second = flow.authorize(platform.claims(sub="someone-new"))  # a fresh login: a new state (and cookie)
    replay = flow.post({**second, "id_token": first["id_token"]})  # with the first token: its nonce again
    assert replay.status_code == 400
    assert "nonce is unknown or was used already" in replay.text
    assert _user(app, "someone-new") is None


def test_a_launch_from_another_browser_is_refused(app, flow, platform, tool, accounts):
    form = flow.authorize(platform.claims(sub="learn-9"))
    stranger = app.test_client()  # has not the state cookie the login set
    response = stranger.post(form["action"], data={"id_token": form["id_token"], "state": form["state"]})
    assert response.status_code == 400 and "from another browser" in response.text
    assert _user(app, "learn-9") is None


def test_login_from_an_unknown_platform_is_refused(flow):
    response = flow.login(iss="http://127.0.0.1:9/unknown")
    assert response.status_code == 400
    assert "no platform with this issuer and client id is registered here" in response.text


def test_lti_pages_may_be_framed_by_the_platforms_and_others_not(app, flow, platform):
    login = flow.login()
    policy = login.headers["Content-Security-Policy"]
    assert f"frame-ancestors {platform.url}" in policy and "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "X-Frame-Options" not in login.headers
    response = flow.launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR]))
    page = flow.get(response.location)
    assert f"frame-ancestors {platform.url}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    # the session began with a launch: the quiz pages may be framed by its platform too
    quizzes = flow.get("/")
    assert f"frame-ancestors {platform.url}" in quizzes.headers["Content-Security-Policy"]
    # a session that did not come from a launch keeps 'none' and DENY
    plain = flow.get("/", client=app.test_client())
    assert "frame-ancestors 'none'" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("roles,teacher", [
    (["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"], True),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], True),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"], True),
    (["Instructor"], True),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], False),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], False),
    # Canvas: a teacher elsewhere in the institution, a learner in this course
    (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
      "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], False),
    (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"], True),
    ([], False),
])
def test_lms_roles_map_to_quizapp_roles(roles, teacher):
    from quizapp.services.lti_launch import is_teaching_role

    assert is_teaching_role(roles) is teacher


def test_a_launch_after_the_login_expired_is_refused(app, flow, platform, accounts):
    import datetime as dt

    import time_machine

    form = flow.authorize(platform.claims(sub="slow-1"))
    before = accounts()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11), tick=True):
        response = flow.post(form)
    assert response.status_code == 400 and "the login state is unknown, expired" in unescape(response.text)
    assert accounts() == before


def test_the_state_cookie_is_for_the_launch_only_and_crosses_sites_on_https(flow, platform):
    plain = flow.login().headers.getlist("Set-Cookie")
    [state] = [c for c in plain if c.startswith("lti1p3-state-")]
    assert "Path=/lti/" in state and "SameSite=Lax" in state and "Secure" not in state
    https = flow.browser.get(flow.tool.replace("http://", "https://") + "/lti/login?" + urllib.parse.urlencode(
        {"iss": platform.url, "login_hint": "x", "client_id": platform.client_id}))
    [state] = [c for c in https.headers.getlist("Set-Cookie") if c.startswith("lti1p3-state-")]
    assert all(part in state for part in ("Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/lti/"))
