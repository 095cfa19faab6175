"""Issue 14, points 12–15 and 18: revocable sessions, lockout without denial of
service, rate limits on registration and join codes, even login timing, weak
passwords, and `quizapp user` validating like the web form."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Enrollment, User
from tests.conftest import AuthActions, count, csrf_token, make_config
from tests.live.server import Browser, Server

PASSWORD = "correct horse"


def _post_login(client, username, password, address="127.0.0.1"):
    env = {"REMOTE_ADDR": address}
    page = client.get("/auth/login", environ_base=env)
    return client.post("/auth/login", environ_base=env, data={
        "username": username, "password": password, "csrf_token": csrf_token(page.text)})


def _signed_in(client) -> bool:
    return client.get("/progress").status_code == 200


# --- 12. revocable sessions ---------------------------------------------------------

def test_a_cookie_copied_before_logout_stops_working(app, make_user):
    make_user("ann")
    client = app.test_client()
    assert _post_login(client, "ann", PASSWORD).status_code == 302
    copied = client.get_cookie("session").value
    AuthActions(client).logout()
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/progress")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_changing_the_password_ends_the_other_sessions(app, make_user):
    make_user("ann")
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        assert _post_login(client, "ann", PASSWORD).status_code == 302
    page = laptop.get("/auth/password")
    assert page.status_code == 200
    response = laptop.post("/auth/password", data={
        "current": PASSWORD, "password": "a new long secret", "confirm": "a new long secret",
        "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert _signed_in(laptop), "the browser that changed the password was logged out"
    assert not _signed_in(phone), "another session survived the password change"
    assert _post_login(app.test_client(), "ann", "a new long secret").status_code == 302


def test_password_page_checks_the_current_password_and_the_rules(app, make_user):
    make_user("ann")
    client = app.test_client()
    _post_login(client, "ann", PASSWORD)
    page = client.get("/auth/password")
    wrong = client.post("/auth/password", data={
        "current": "not it at all", "password": "a new long secret", "confirm": "a new long secret",
        "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    weak = client.post("/auth/password", data={
        "current": PASSWORD, "password": "password", "confirm": "password", "csrf_token": csrf_token(page.text)})
    assert weak.status_code == 422 and "most common" in weak.text
    assert _signed_in(client)


def test_end_sessions_command_logs_a_user_out_everywhere(app, runner, make_user):
    make_user("ann")
    make_user("bob")
    ann, bob = app.test_client(), app.test_client()
    _post_login(ann, "ann", PASSWORD)
    _post_login(bob, "bob", PASSWORD)
    result = runner.invoke(args=["user", "end-sessions", "ANN"])
    assert result.exit_code == 0, result.output
    assert "ended" in result.output
    assert not _signed_in(ann)
    assert _signed_in(bob), "another user's session was ended"
    assert _post_login(ann, "ann", PASSWORD).status_code == 302  # ann can simply log in again
    missing = runner.invoke(args=["user", "end-sessions", "nobody"])
    assert missing.exit_code == 1 and "no account called" in missing.output and "Traceback" not in missing.output


def test_user_password_command_sets_the_password_and_ends_sessions(app, runner, make_user):
    make_user("ann")
    client = app.test_client()
    _post_login(client, "ann", PASSWORD)
    result = runner.invoke(args=["user", "password", "ann", "--password-stdin"], input="a brand new secret\n")
    assert result.exit_code == 0, result.output
    assert not _signed_in(client)
    assert _post_login(client, "ann", "a brand new secret").status_code == 302
    weak = runner.invoke(args=["user", "password", "ann", "--password-stdin"], input="12345678\n")
    assert weak.exit_code == 1 and "most common" in weak.output


# --- 13. lockout without denial of service --------------------------------------------

def test_failures_from_one_address_do_not_lock_the_account_elsewhere(app, make_user):
    make_user("ann")
    attacker = app.test_client()
    limit = app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"]
    for _ in range(limit):
        assert _post_login(attacker, "ann", "guess guess", "203.0.113.9").status_code == 422
    assert _post_login(attacker, "ann", PASSWORD, "203.0.113.9").status_code == 429
    # ann, at school behind another address, logs in
    assert _post_login(app.test_client(), "ann", PASSWORD, "198.51.100.7").status_code == 302


def test_a_known_device_always_gets_in_with_the_right_password(app, make_user):
    make_user("ann")
    device = app.test_client()
    assert _post_login(device, "ann", PASSWORD, "198.51.100.7").status_code == 302
    assert device.get_cookie("quizapp_device", path="/auth/") is not None
    AuthActions(device).logout()
    # an attacker on the same network, and from many others, exhausts every limit
    for n in range(app.config["LOGIN_LIMIT_PER_ACCOUNT"] + 5):
        _post_login(app.test_client(), "ann", f"guess {n}", f"198.51.100.{n % 7 + 1}")
    assert _post_login(app.test_client(), "ann", PASSWORD, "192.0.2.1").status_code == 429  # unknown device
    assert _post_login(device, "ann", PASSWORD, "198.51.100.7").status_code == 302


def test_a_device_cookie_is_trusted_only_for_its_own_account(app, make_user):
    make_user("ann")
    make_user("bob")
    device = app.test_client()
    _post_login(device, "bob", PASSWORD)
    AuthActions(device).logout()
    for _ in range(app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"]):
        assert _post_login(device, "ann", "guess guess").status_code == 422
    assert _post_login(device, "ann", "guess guess").status_code == 429


def test_lockout_backs_off_exponentially(app, make_user, scalar):
    from quizapp.models.security import RateLimit

    make_user("ann")
    client = app.test_client()
    limit = app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"]
    base = app.config["RATE_LIMIT_BACKOFF_S"]
    for _ in range(limit):
        _post_login(client, "ann", "guess guess")
    key = "login:ua:ann|127.0.0.1"
    first = scalar(sa.select(RateLimit.until).filter_by(key=key))
    assert first is not None
    with app.app_context():  # the first backoff has passed
        db.session.execute(sa.update(RateLimit).filter_by(key=key).values(until=dt.datetime(2000, 1, 1)))
        db.session.commit()
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert _post_login(client, "ann", "guess guess").status_code == 422  # one more try is allowed
    assert _post_login(client, "ann", PASSWORD).status_code == 429  # then a longer wait
    second = scalar(sa.select(RateLimit.until).filter_by(key=key))
    assert second - before >= dt.timedelta(seconds=2 * base - 5)


@pytest.mark.production_password_hash  # checks as slow as in production: a wide window for a race
def test_concurrent_guesses_check_no_more_passwords_than_the_limit(database_url, make_user):
    """24 guesses at once against two gunicorn workers: only the limit's worth are checked."""
    make_user("ann")
    with Server(database_url, workers=2) as server:
        def guess(n):
            status, _, _ = Browser().submit(server.url + "/auth/login", server.url + "/auth/login",
                                            {"username": "ann", "password": f"guess {n}"})
            return status

        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(guess, range(24)))
    assert statuses.count(422) == 5, statuses  # LOGIN_LIMIT_PER_ACCOUNT_ADDRESS: passwords checked
    assert statuses.count(429) == 19, statuses


# --- 14. rate limits on registration and join codes; even timing ------------------------

def test_registration_is_rate_limited_per_address(db_path, scalar):
    app = create_app(make_config(db_path, REGISTER_LIMIT_PER_ADDRESS=3))
    try:
        for n in range(3):
            client = app.test_client()
            assert AuthActions(client).register(f"pupil{n}", PASSWORD).status_code == 302
        refused = AuthActions(app.test_client()).register("pupil9", PASSWORD)
        assert refused.status_code == 429 and "Too many accounts" in refused.text
        with app.app_context():
            assert db.session.scalar(count(User)) == 3
        other = app.test_client()
        page = other.get("/auth/register")
        response = other.post("/auth/register", environ_base={"REMOTE_ADDR": "198.51.100.7"}, data={
            "username": "pupil9", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf_token(page.text)})
        assert response.status_code == 302
    finally:
        with app.app_context():
            db.engine.dispose()


def test_join_codes_cannot_be_guessed_at_speed(app, make_user, scalar):
    from quizapp.services import classes

    teacher = make_user("tess", "teacher")
    make_user("ann")
    with app.app_context():
        code = classes.create_class(teacher, "Class 1").code
    client = app.test_client()
    _post_login(client, "ann", PASSWORD)
    limit = app.config["JOIN_LIMIT_PER_USER"]
    for n in range(limit):
        page = client.get("/classes/join")
        response = client.post("/classes/join", data={"code": f"WRONG{n:03d}", "csrf_token": csrf_token(page.text)})
        assert response.status_code == 422
    page = client.get("/classes/join")
    response = client.post("/classes/join", data={"code": code, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 429 and "Too many join codes" in response.text
    assert scalar(count(Enrollment)) == 0


@pytest.mark.production_password_hash  # a cheap hash would hide a missing one among the request's costs
def test_login_takes_as_long_for_an_unknown_user(app, make_user):
    """The answer's timing does not tell whether a username exists."""
    make_user("ann")

    def timed(username):
        client = app.test_client()
        page = client.get("/auth/login")
        data = {"username": username, "password": "wrong password", "csrf_token": csrf_token(page.text)}
        start = time.process_time()
        response = client.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": f"10.0.0.{len(username)}"})
        elapsed = time.process_time() - start
        assert response.status_code == 422
        return elapsed

    known = statistics.median(timed("ann") for _ in range(3))
    unknown = statistics.median(timed("nobody-at-all") for _ in range(3))
    assert unknown > known * 0.6, f"known user {known * 1000:.0f} ms, unknown {unknown * 1000:.0f} ms"


# --- 15. weak passwords ----------------------------------------------------------------

@pytest.mark.parametrize("password,message", [
    ("password", "most common"), ("12345678", "most common"), ("iloveyou", "most common"),
    ("annabelle", "contain the username"), ("xannabellex", "contain the username"),
    ("%%%%%%%%%%%%", "repeated character"),
])
def test_register_refuses_weak_passwords(client, auth, scalar, password, message):
    response = auth.register("annabelle", password)
    assert response.status_code == 422 and message in response.text
    assert scalar(count(User)) == 0


def test_user_create_refuses_weak_passwords(runner, scalar):
    for password in ("password", "12345678", "tessa-the-teacher"):
        result = runner.invoke(args=["user", "create", "tessa-the-teacher", "--password-stdin"],
                               input=password + "\n")
        assert result.exit_code == 1, password
        assert "Traceback" not in result.output
    assert scalar(count(User)) == 0


# --- 18. `quizapp user create` validates like the web form ---------------------------------

@pytest.mark.parametrize("name,message", [
    ("", "Choose a username"), ("x" * 100_000, "3 to 64 characters"), ("ab", "3 to 64 characters"),
    ("bad\x07name", "letters, digits"), ("two words", "letters, digits"),
])
def test_user_create_refuses_bad_names(runner, scalar, name, message):
    result = runner.invoke(args=["user", "create", name, "--password-stdin"], input="a long secret\n")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert scalar(count(User)) == 0


@pytest.mark.parametrize("stdin,message", [
    (b"\xff\xfe\x00binary\x81\n", "not UTF-8"), (b"y" * 5_000_000 + b"\n", "at most 200"),
])
def test_user_create_refuses_bad_passwords_in_one_line(runner, scalar, stdin, message):
    result = runner.invoke(args=["user", "create", "tess", "--password-stdin"], input=stdin)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output[:300]
    assert scalar(count(User)) == 0
