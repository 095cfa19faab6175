"""Authorization matrix of the JSON API: every /api/v1 route and method, six kinds of caller.

Like tests/test_authorization.py, the routes come from ``app.url_map`` and
each must have a declared rule (``RULES``), or
``test_every_api_route_has_a_declared_rule`` fails. Callers carry a
``write`` token, so that the rule tests who they are; a ``read`` token on
every writing route is refused by ``test_read_token_cannot_write``.

URLs are filled with teacher A's and learner L1's objects; teacher C
co-teaches class A, quiz QA and A's article import (tests/api/conftest.py).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import url_for

from quizapp.extensions import db
from quizapp.models import Question
from tests.security_world import ARTICLE

OK, UNAUTHORIZED, DENIED, HIDDEN = "ok", "401", "403", "404"
CALLERS = ("anonymous", "learner", "other_learner", "teacher", "other_teacher", "co_teacher")

PUBLIC = (OK,) * 6
SIGNED_IN = (UNAUTHORIZED, OK, OK, OK, OK, OK)
TEACHERS = (UNAUTHORIZED, DENIED, DENIED, OK, OK, OK)  # the shared bank, one's own lists
CLASS_A_TEACHERS = (UNAUTHORIZED, DENIED, DENIED, OK, HIDDEN, OK)  # teacher A and co-teacher C only
CLASS_A_PEOPLE = (UNAUTHORIZED, OK, HIDDEN, OK, HIDDEN, OK)  # class A's learner and teachers
OWN_ATTEMPT = (UNAUTHORIZED, OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN)  # L1's attempt: L1 only

#: (endpoint, method) -> outcome for CALLERS
RULES = {
    ("api.openapi", "GET"): PUBLIC,
    ("api.me", "GET"): SIGNED_IN,
    ("api.question_list", "GET"): TEACHERS,
    ("api.question_create", "POST"): TEACHERS,
    ("api.question_get", "GET"): TEACHERS,  # a published question: the bank is every teacher's
    ("api.question_update", "PUT"): TEACHERS,
    ("api.question_retire", "POST"): TEACHERS,
    ("api.quiz_list", "GET"): SIGNED_IN,
    ("api.quiz_get", "GET"): CLASS_A_PEOPLE,
    ("api.class_list", "GET"): SIGNED_IN,
    ("api.class_get", "GET"): CLASS_A_PEOPLE,
    ("api.class_scores", "GET"): CLASS_A_TEACHERS,
    ("api.class_export", "GET"): CLASS_A_TEACHERS,
    ("api.attempt_list", "GET"): SIGNED_IN,
    ("api.attempt_get", "GET"): OWN_ATTEMPT,
    ("api.import_list", "GET"): TEACHERS,
    ("api.import_create", "POST"): TEACHERS,
    ("api.import_get", "GET"): CLASS_A_TEACHERS,
    ("api.import_drafts", "GET"): CLASS_A_TEACHERS,
}


def api_routes(app) -> dict:
    return {(rule.endpoint, method): rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}


def url_values(ids: dict) -> dict:
    return {"question_id": ids["question"], "slug": ids["slug_a"], "class_id": ids["class_a"],
            "attempt_id": ids["attempt"], "import_id": ids["import"]}


def body_for(app, ids, endpoint: str) -> dict | None:
    """A valid body for a writing route, so that an allowed caller gets a success."""
    if endpoint == "api.question_create":
        return {"type": "true_false", "stem": "The council voted to build a library.", "answer": True}
    if endpoint == "api.question_update":
        with app.app_context():
            data = db.session.get(Question, ids["question"]).data
        return {**data, "general_feedback": "Edited through the API."}
    if endpoint == "api.import_create":
        return {"title": "A council votes", "text": ARTICLE}
    return None


def outcome(response) -> str:
    status = response.status_code
    assert response.mimetype in ("application/json", "text/csv", "application/x-ndjson"), response.mimetype
    if status in (401, 403, 404):
        assert response.get_json()["error"]["status"] == status  # the one error shape
        return {401: UNAUTHORIZED, 403: DENIED, 404: HIDDEN}[status]
    assert status < 500, response.get_data(as_text=True)
    return OK


def test_every_api_route_has_a_declared_rule(app):
    actual = set(api_routes(app))
    assert actual, "the API has no routes"
    missing = sorted(actual - set(RULES))
    assert not missing, f"new API route without a declared rule (add it to RULES): {missing}"
    stale = sorted(set(RULES) - actual)
    assert not stale, f"RULES names API routes that no longer exist: {stale}"


def _url(app, ids, endpoint, rule) -> str:
    with app.test_request_context():
        values = url_values(ids)
        return url_for(endpoint, **{arg: values[arg] for arg in rule.arguments})


@pytest.mark.parametrize("endpoint,method", sorted(RULES), ids=[f"{m} {e}" for e, m in sorted(RULES)])
def test_api_route_obeys_its_rule(app, client, ids, endpoint, method):
    rule = api_routes(app).get((endpoint, method))
    assert rule is not None, "a declared rule names no route"
    url = _url(app, ids, endpoint, rule)
    expected = dict(zip(CALLERS, RULES[(endpoint, method)]))
    got = {}
    # callers that must be refused go first: a refused request must change nothing
    for caller in sorted(CALLERS, key=lambda c: expected[c] == OK):
        headers = {} if caller == "anonymous" else {"Authorization": f"Bearer {ids['tokens'][(caller, 'write')]}"}
        body = body_for(app, ids, endpoint)
        response = client.open(url, method=method, headers=headers, json=body)
        got[caller] = outcome(response)
        if got[caller] == OK and expected[caller] == OK and method != "GET":
            assert response.status_code in (200, 201, 202), response.get_data(as_text=True)
        response.close()
    assert got == expected, f"{method} {url}"


def _row_counts() -> dict:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables if table.name not in ("rate_limit",)}


def test_read_token_cannot_write(app, client, ids):
    """Every writing route refuses every caller's read token with 403, and changes nothing."""
    writes = [(endpoint, method, rule) for (endpoint, method), rule in api_routes(app).items() if method != "GET"]
    assert len(writes) >= 4
    with app.app_context():
        before = _row_counts()
        versions = db.session.scalar(sa.select(Question.current_version_id).where(Question.id == ids["question"]))
    for endpoint, method, rule in writes:
        url = _url(app, ids, endpoint, rule)
        for caller in ("teacher", "co_teacher", "learner"):
            response = client.open(url, method=method, json=body_for(app, ids, endpoint),
                                   headers={"Authorization": f"Bearer {ids['tokens'][(caller, 'read')]}"})
            assert response.status_code == 403, f"{caller}'s read token: {method} {url}"
            assert response.get_json()["error"]["code"] in ("insufficient_scope",)
    with app.app_context():
        after = _row_counts()
        after.pop("api_token"), before.pop("api_token")  # last_used_at is written, nothing else
        assert after == before
        assert db.session.scalar(sa.select(Question.current_version_id).where(Question.id == ids["question"])) == versions
        assert db.session.get(Question, ids["question"]).status == "published"
