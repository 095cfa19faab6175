"""Rate limits (per token, and per address for wrong tokens) kept in the database, and errors as JSON."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import time_machine

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models.security import RateLimit
from tests.api.conftest import error_of
from tests.conftest import make_config


def test_a_token_over_its_limit_gets_429_with_retry_after(app, api):
    app.config.update(API_LIMIT_PER_TOKEN=3, API_LIMIT_WINDOW_S=120)
    for _ in range(3):
        assert api.get("/me", as_="learner", scope="read").status_code == 200
    limited = api.get("/me", as_="learner", scope="read")
    error = error_of(limited, 429)
    assert error["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 120
    # another token of the same person has its own count
    assert api.get("/me", as_="learner", scope="write").status_code == 200


def test_the_window_ends_and_the_token_works_again(app, api, query):
    app.config.update(API_LIMIT_PER_TOKEN=1, API_LIMIT_WINDOW_S=60)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        assert api.get("/me").status_code == 200
        assert api.get("/me").status_code == 429
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        assert api.get("/me").status_code == 429
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert api.get("/me").status_code == 200
        assert api.get("/me").status_code == 429
    assert len(query(sa.select(RateLimit.key).where(RateLimit.key.like("api:token:%")))) == 1  # one row per token


def test_the_limit_holds_across_processes_sharing_the_database(app, db_path, api, ids):
    """Two app instances (two engines, as two workers or servers would have) share one token's count."""
    app.config.update(API_LIMIT_PER_TOKEN=4, API_LIMIT_WINDOW_S=300)
    other = create_app(make_config(db_path, API_LIMIT_PER_TOKEN=4, API_LIMIT_WINDOW_S=300))
    headers = api.headers("teacher")
    try:
        second = other.test_client()
        assert [api.get("/me").status_code, second.get("/api/v1/me", headers=headers).status_code,
                api.get("/me").status_code, second.get("/api/v1/me", headers=headers).status_code] == [200] * 4
        assert error_of(second.get("/api/v1/me", headers=headers), 429)
        assert error_of(api.get("/me"), 429)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_wrong_tokens_are_limited_per_address(app, client, ids):
    app.config.update(API_FAILED_AUTH_PER_ADDRESS=3, API_LIMIT_WINDOW_S=300)
    wrong = {"Authorization": "Bearer qz_" + "A" * 43}
    for _ in range(3):
        assert error_of(client.get("/api/v1/me", headers=wrong), 401)
    limited = client.get("/api/v1/me", headers=wrong)
    assert error_of(limited, 429)["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
    other_address = client.get("/api/v1/me", headers=wrong, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert error_of(other_address, 401)
    # a real token from the same address still works: the limit is on guessing
    good = {"Authorization": f"Bearer {ids['tokens'][('learner', 'read')]}"}
    assert client.get("/api/v1/me", headers=good).status_code == 200


def test_limits_can_be_switched_off(app, api):
    app.config.update(API_LIMIT_PER_TOKEN=0, API_FAILED_AUTH_PER_ADDRESS=0)
    assert all(api.get("/me").status_code == 200 for _ in range(5))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimit)
                                 .where(RateLimit.key.like("api:%"))) == 0


def test_a_server_error_is_json_without_a_traceback(app, api, ids):
    """A real failure (a table gone from the database): 500 in the one shape, nothing of the code shown."""
    with app.app_context():
        db.session.execute(sa.text("DROP TABLE quiz_classroom"))  # the quiz list reads it
        db.session.commit()
    response = api.get("/quizzes")
    error = error_of(response, 500)
    assert error["code"] == "server_error"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "quiz_classroom" not in text and ".py" not in text
