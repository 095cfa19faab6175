"""Authorization matrix: every route, every method, five kinds of visitor.

The routes come from ``app.url_map``; what each kind of user must get is
declared in ``RULES`` below. A route missing from the table fails
``test_every_route_has_a_declared_rule`` ("new route without a declared
rule"): whoever adds a route decides here who may use it.

Outcomes:
  OK      the request reached the view (any 2xx/3xx/4xx other than the ones below)
  LOGIN   redirected to the login page
  DENIED  403
  HIDDEN  404 (someone else's object is reported as missing)
  UNAUTHORIZED  401: the JSON API, which a session cookie never authenticates
          (tests/api/test_api_authorization.py walks it with bearer tokens)

Roles (see tests/security_world.py): teacher A runs class A with learner L1
and built quiz QA for it; teacher B and learner L2 are the "other" ones. URLs
are filled with A's and L1's objects, so "other_*" roles probe someone
else's class, quiz, attempt, import and review answer.
"""

from __future__ import annotations

import pytest

from tests.security_world import IMAGE_NAME, ROLES, csrf_for, db_path, log_in, world  # noqa: F401  (fixtures)

OK, LOGIN, DENIED, HIDDEN, UNAUTHORIZED = "ok", "login", "403", "404", "401"

EVERYONE = (OK, OK, OK, OK, OK)
SIGNED_IN = (LOGIN, OK, OK, OK, OK)
OWN_LEARNER_DATA = (LOGIN, OK, HIDDEN, HIDDEN, HIDDEN)  # L1's attempt / review answer
CLASS_QUIZ_VIEW = (HIDDEN, OK, HIDDEN, OK, HIDDEN)  # QA: its class's learners and its teacher
CLASS_QUIZ_START = (LOGIN, OK, HIDDEN, OK, HIDDEN)
TEACHERS = (LOGIN, DENIED, DENIED, OK, OK)  # any teacher: the shared question bank, own lists
OWNER_TEACHER = (LOGIN, DENIED, DENIED, OK, HIDDEN)  # teacher A's class, quiz or import only
COOKIE_IS_NOT_A_TOKEN = (UNAUTHORIZED,) * 5  # the JSON API: bearer tokens only
ADMINS = (LOGIN, DENIED, DENIED, DENIED, DENIED)  # no one of the world is an administrator (tests/lti test them)

#: (endpoint, method) -> outcome for (visitor, learner, other_learner, teacher, other_teacher)
RULES: dict[tuple[str, str], tuple[str, str, str, str, str]] = {
    ("healthz", "GET"): EVERYONE,
    ("static", "GET"): EVERYONE,
    ("auth.login", "GET"): EVERYONE,
    ("auth.login", "POST"): EVERYONE,
    ("auth.register", "GET"): EVERYONE,
    ("auth.register", "POST"): EVERYONE,
    ("auth.logout", "POST"): SIGNED_IN,
    ("auth.password", "GET"): SIGNED_IN,
    ("auth.password", "POST"): SIGNED_IN,
    # personal access tokens for the JSON API (issue 18): one's own; L1's token for the revoke URL
    ("auth.tokens", "GET"): SIGNED_IN,
    ("auth.tokens", "POST"): SIGNED_IN,
    ("auth.token_revoke", "POST"): OWN_LEARNER_DATA,
    # learners
    ("quiz.index", "GET"): EVERYONE,
    ("quiz.overview", "GET"): CLASS_QUIZ_VIEW,
    ("quiz.start", "POST"): CLASS_QUIZ_START,
    ("quiz.question", "GET"): OWN_LEARNER_DATA,
    ("quiz.question", "POST"): OWN_LEARNER_DATA,
    ("quiz.finish", "POST"): OWN_LEARNER_DATA,
    ("quiz.flag", "POST"): OWN_LEARNER_DATA,
    ("quiz.summary", "GET"): OWN_LEARNER_DATA,
    ("quiz.review", "GET"): OWN_LEARNER_DATA,
    ("quiz.progress_page", "GET"): SIGNED_IN,
    ("quiz.export_history", "GET"): SIGNED_IN,
    ("quiz.join", "GET"): SIGNED_IN,
    ("quiz.join", "POST"): SIGNED_IN,
    ("quiz.daily_review", "GET"): SIGNED_IN,
    ("quiz.daily_review_answer", "POST"): SIGNED_IN,
    ("quiz.review_feedback", "GET"): OWN_LEARNER_DATA,
    # study modes (issue 16, point 3): the learner's own cards and mistakes; retakes of their own attempt
    ("quiz.flashcards", "GET"): SIGNED_IN,
    ("quiz.flashcard_reveal", "POST"): SIGNED_IN,
    ("quiz.flashcard_rate", "POST"): SIGNED_IN,
    ("quiz.practice_mistakes", "GET"): SIGNED_IN,
    ("quiz.practice_mistake", "GET"): SIGNED_IN,
    ("quiz.practice_mistake", "POST"): SIGNED_IN,
    ("quiz.retake_wrong_start", "GET"): OWN_LEARNER_DATA,
    ("quiz.retake_wrong", "GET"): OWN_LEARNER_DATA,
    ("quiz.retake_wrong", "POST"): OWN_LEARNER_DATA,
    # question images: the attempt's or review card's learner only
    ("quiz.question_file", "GET"): OWN_LEARNER_DATA,
    ("quiz.review_question_file", "GET"): OWN_LEARNER_DATA,
    ("quiz.review_answer_file", "GET"): OWN_LEARNER_DATA,
    # teachers: lists and new things
    ("teach.home", "GET"): TEACHERS,
    ("teach.class_list", "GET"): TEACHERS,
    ("teach.class_list", "POST"): TEACHERS,
    ("teach.quiz_list", "GET"): TEACHERS,
    ("teach.quiz_new", "GET"): TEACHERS,
    ("teach.quiz_new", "POST"): TEACHERS,
    ("teach.import_list", "GET"): TEACHERS,
    ("teach.import_new", "GET"): TEACHERS,
    ("teach.import_new", "POST"): TEACHERS,
    # teachers: the question bank is shared by every teacher (edits are versioned and audited)
    ("teach.question_list", "GET"): TEACHERS,
    ("teach.question_new", "GET"): TEACHERS,
    ("teach.question_new", "POST"): TEACHERS,
    ("teach.question_edit", "GET"): TEACHERS,
    ("teach.question_edit", "POST"): TEACHERS,
    ("teach.question_preview", "GET"): TEACHERS,
    ("teach.question_retire", "POST"): TEACHERS,
    ("teach.question_history", "GET"): TEACHERS,
    ("teach.question_file", "GET"): TEACHERS,
    # teachers: their own classes, quizzes and imports only
    ("teach.class_detail", "GET"): OWNER_TEACHER,
    ("teach.class_mastery", "GET"): OWNER_TEACHER,
    ("teach.gradebook", "GET"): OWNER_TEACHER,
    ("teach.export_scores", "GET"): OWNER_TEACHER,
    ("teach.learner_attempts", "GET"): OWNER_TEACHER,
    ("teach.quiz_edit", "GET"): OWNER_TEACHER,
    ("teach.quiz_edit", "POST"): OWNER_TEACHER,
    ("teach.item_statistics", "GET"): OWNER_TEACHER,
    ("teach.quiz_regrade", "GET"): OWNER_TEACHER,
    ("teach.quiz_regrade", "POST"): OWNER_TEACHER,
    # marking essays and setting an attempt's grade by hand (issue 16, point 6): the quiz's teachers only
    ("teach.marking_queue", "GET"): OWNER_TEACHER,
    ("teach.mark_answer", "GET"): OWNER_TEACHER,
    ("teach.mark_answer", "POST"): OWNER_TEACHER,
    ("teach.quiz_attempt", "GET"): OWNER_TEACHER,
    ("teach.override_grade", "POST"): OWNER_TEACHER,
    ("teach.import_detail", "GET"): OWNER_TEACHER,
    ("teach.import_retry", "POST"): OWNER_TEACHER,
    ("teach.import_review", "POST"): OWNER_TEACHER,
    ("teach.import_quiz", "POST"): OWNER_TEACHER,
    # co-teachers (issue 14, point 16): only the owner names them; a co-teacher gets 403
    # (tests/teach/test_co_teachers.py walks these routes as a co-teacher)
    ("teach.quiz_co_teacher_add", "POST"): OWNER_TEACHER,
    ("teach.quiz_co_teacher_remove", "POST"): OWNER_TEACHER,
    ("teach.class_co_teacher_add", "POST"): OWNER_TEACHER,
    ("teach.class_co_teacher_remove", "POST"): OWNER_TEACHER,
    ("teach.import_co_teacher_add", "POST"): OWNER_TEACHER,
    ("teach.import_co_teacher_remove", "POST"): OWNER_TEACHER,
    # teachers: bank files (the export is the shared bank; an upload is its teacher's)
    ("teach.bank_import", "GET"): TEACHERS,
    ("teach.bank_import", "POST"): TEACHERS,
    ("teach.bank_export", "GET"): TEACHERS,
    ("teach.bank_import_preview", "GET"): OWNER_TEACHER,
    ("teach.bank_import_confirm", "POST"): OWNER_TEACHER,
    # background work (issue 17): any teacher's own list and exports; teacher A's job only
    ("teach.job_list", "GET"): TEACHERS,
    ("teach.export_all", "GET"): TEACHERS,
    ("teach.export_all", "POST"): TEACHERS,
    ("teach.job_detail", "GET"): OWNER_TEACHER,
    ("teach.job_download", "GET"): OWNER_TEACHER,
    ("teach.job_delete", "POST"): OWNER_TEACHER,
    # the JSON API (issue 18): a signed-in browser's cookie alone gets 401; its document is public
    ("api.openapi", "GET"): EVERYONE,
    ("api.me", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.question_list", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.question_create", "POST"): COOKIE_IS_NOT_A_TOKEN,
    ("api.question_get", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.question_update", "PUT"): COOKIE_IS_NOT_A_TOKEN,
    ("api.question_retire", "POST"): COOKIE_IS_NOT_A_TOKEN,
    ("api.quiz_list", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.quiz_get", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.class_list", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.class_get", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.class_scores", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.class_export", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.attempt_list", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.attempt_get", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.import_list", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.import_create", "POST"): COOKIE_IS_NOT_A_TOKEN,
    ("api.import_get", "GET"): COOKIE_IS_NOT_A_TOKEN,
    ("api.import_drafts", "GET"): COOKIE_IS_NOT_A_TOKEN,
    # LTI 1.3 (issue 18): a platform's login and launch come from anyone's browser (the signed id_token,
    # state and nonce decide: tests/lti); deep linking is an instructor's; registering platforms an admin's
    ("lti.jwks", "GET"): EVERYONE,
    ("lti.login", "GET"): EVERYONE,
    ("lti.login", "POST"): EVERYONE,
    ("lti.launch", "POST"): EVERYONE,
    ("lti.deep_link", "GET"): TEACHERS,
    ("lti.deep_link_choose", "POST"): TEACHERS,
    ("lti.platforms", "GET"): ADMINS,
    ("lti.platforms", "POST"): ADMINS,
    ("lti.class_lti", "GET"): OWNER_TEACHER,
    ("lti.class_sync", "POST"): OWNER_TEACHER,
    ("lti.grade_send", "POST"): OWNER_TEACHER,
    # live sessions (issue 20): teacher A's session of quiz QA; phones need only the code, no account
    ("live.new", "GET"): OWNER_TEACHER,
    ("live.new", "POST"): OWNER_TEACHER,
    ("live.sessions", "GET"): TEACHERS,
    ("live.projector", "GET"): OWNER_TEACHER,
    ("live.control", "POST"): OWNER_TEACHER,
    ("live.remove", "POST"): OWNER_TEACHER,
    ("live.again", "POST"): OWNER_TEACHER,
    ("live.export", "GET"): OWNER_TEACHER,
    ("live.join", "GET"): EVERYONE,
    ("live.join", "POST"): EVERYONE,
    ("live.play", "GET"): EVERYONE,  # not a player yet: sent to the join page
    ("live.answer", "POST"): EVERYONE,  # not a player: sent to the join page, nothing stored
    ("live.events", "GET"): EVERYONE,  # public by design: what changed, never a question or an answer
}


def url_values(world: dict) -> dict:
    """A plausible value for every URL variable: teacher A's and learner L1's objects."""
    return {
        "slug": world["slug_a"],
        "attempt_id": world["attempt"],
        "position": 1,
        "log_id": world["log"],
        "class_id": world["class_a"],
        "quiz_id": world["quiz_a"],
        "user_id": world["users"]["learner"],
        "import_id": world["import"],
        "upload_id": world["upload"],
        "job_id": world["job"],
        "question_id": world["question"],
        "answer_id": world["answer"],
        "filename": "style.css",
        "name": IMAGE_NAME,
        "token_id": world["token"],
        "session_id": world["live_session"],
        "participant_id": world["live_participant"],
        "code": world["live_code"],
    }


def routes(app) -> dict[tuple[str, str], object]:
    return {
        (rule.endpoint, method): rule
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    }


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308) and "/auth/login" in (response.location or ""):
        return LOGIN
    if status == 403:
        return DENIED
    if status == 404:
        return HIDDEN
    if status == 401 and response.mimetype == "application/json":
        return UNAUTHORIZED
    if status == 401 or status >= 500:
        return f"status {status}"
    return OK


def test_every_route_has_a_declared_rule(app):
    declared = set(RULES)
    actual = set(routes(app))
    missing = sorted(actual - declared)
    assert not missing, f"new route without a declared rule (add it to RULES): {missing}"
    stale = sorted(declared - actual)
    assert not stale, f"RULES names routes that no longer exist: {stale}"


def test_every_url_variable_has_a_plausible_value(app, world):
    values = url_values(world[1])
    unknown = {(rule.endpoint, arg) for rule in app.url_map.iter_rules() for arg in rule.arguments if arg not in values}
    assert not unknown, f"add a value for these URL variables to url_values(): {sorted(unknown)}"


@pytest.mark.parametrize("endpoint,method", sorted(RULES), ids=[f"{m} {e}" for e, m in sorted(RULES)])
def test_route_obeys_its_rule(app, world, endpoint, method):
    ids = world[1]
    rule = routes(app).get((endpoint, method))
    assert rule is not None, "a declared rule names no route (see test_every_route_has_a_declared_rule)"
    with app.test_request_context():
        from flask import url_for

        values = url_values(ids)
        url = url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})
    expected = dict(zip(ROLES, RULES[(endpoint, method)]))
    got = {}
    # roles that must be refused go first: a refused request must change nothing
    for role in sorted(ROLES, key=lambda r: expected[r] == OK):
        client = app.test_client()
        log_in(client, app, ids["users"].get(role))
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": csrf_for(client, app)})
        got[role] = outcome(response)
        response.close()
    assert got == expected, f"{method} {url}"
