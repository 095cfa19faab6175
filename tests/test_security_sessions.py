"""Sessions and forms: CSRF everywhere, cookie flags, a fresh session at login,
safe ``next`` redirects, login throttling shared by every worker, password hashes."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import url_for

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import User
from quizapp.models.security import RateLimit
from tests.conftest import AuthActions, csrf_token, make_config
from tests.live.server import Browser, Server
from tests.security_world import USERNAMES, PASSWORD, db_path, log_in, world  # noqa: F401  (fixtures)
from tests.test_authorization import url_values


# --- CSRF -------------------------------------------------------------------------

def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, world):
    """POST (and any other unsafe method) to every route without a token: 400, nothing done."""
    ids = world[1]
    values = url_values(ids)
    unsafe = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"})
    ]
    assert len(unsafe) >= 10, "the route list looks wrong"
    with app.test_request_context():
        targets = [(rule.endpoint, method, url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
                   for rule, method in unsafe]
    with app.app_context():
        before = _row_counts()
    for role in ("visitor", "learner", "teacher"):
        for endpoint, method, url in targets:
            client = app.test_client()
            log_in(client, app, ids["users"].get(role))
            client.get("/")  # a session with a CSRF secret, as a browser would have
            response = client.open(url, method=method, data={"csrf_token": "forged", "choice": "0", "name": "x"})
            if endpoint.startswith("api."):
                # the JSON API takes no CSRF token because a session cookie never authenticates it:
                # a cookie alone is a 401 (tests/api covers the bearer tokens it takes instead)
                assert response.status_code == 401, f"{role}: {method} {url} ({endpoint}) accepted a cookie"
                assert response.json["error"]["code"] == "unauthorized"
                continue
            assert response.status_code == 400, f"{role}: {method} {url} ({endpoint}) accepted without a valid token"
            # an LMS posts the LTI login and launch from its own site: the signed id_token, the state
            # (a cookie of this browser, used once) and the nonce stand for the token (tests/lti)
            assert ("Launch refused" if endpoint in LTI_EXEMPT else "Form expired") in response.text
            response = client.open(url, method=method, data={"choice": "0"})
            assert response.status_code == 400, f"{role}: {method} {url} ({endpoint}) accepted without a token"
    with app.app_context():
        assert _row_counts() == before, "a refused request changed the database"


def _row_counts() -> dict:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables if table.name != "rate_limit"}


def test_csrf_protection_is_global_and_has_no_exemptions(app):
    from quizapp.extensions import csrf

    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    assert csrf._exempt_views == set(LTI_EXEMPT.values())
    # the one exempt blueprint: the JSON API, which a session cookie never authenticates (tests/api)
    assert {bp.name if hasattr(bp, "name") else bp for bp in csrf._exempt_blueprints} == {"api"}


#: The only views without a CSRF token: where an LMS posts across sites (LTI 1.3's login and launch);
#: the OIDC state cookie, the single-use nonce and the platform's signature protect them instead.
LTI_EXEMPT = {"lti.login": "quizapp.lti.routes.login", "lti.launch": "quizapp.lti.routes.launch"}


# --- cookies ------------------------------------------------------------------------

def _session_cookie(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite(client, auth, make_user):
    make_user("ann")
    response = auth.login()
    assert response.status_code == 302
    cookie = _session_cookie(response).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie or "samesite=strict" in cookie


@pytest.mark.parametrize(
    "args,secure",
    [([], False), (["--secure-cookies"], True), (["--trusted-proxies", "1"], True),
     (["--trusted-proxies", "1", "--no-secure-cookies"], False)],
)
def test_serve_sends_secure_cookies_behind_https(monkeypatch, database_url, make_user, args, secure):
    """`quizapp serve --secure-cookies` (or behind a trusted proxy) marks cookies Secure."""
    from quizapp import cli, serve

    started = {}
    monkeypatch.setattr(serve.QuizappServer, "run", lambda self: started.setdefault("server", self))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "serve-test")
    result = CliRunner().invoke(cli.cli, ["serve", "--workers", "1", "--job-workers", "0", *args])
    assert result.exit_code == 0, result.output
    app = started["server"].load()
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config.get("REMEMBER_COOKIE_SECURE", False) is secure
    make_user("sam")
    client = app.test_client()
    page = client.get("/auth/login", base_url="https://localhost")
    response = client.post("/auth/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/auth/login"},
                           data={"username": "sam", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    cookie = _session_cookie(response).lower()
    assert ("; secure" in cookie) is secure
    assert "httponly" in cookie
    with app.app_context():
        db.engine.dispose()


# --- a fresh session at login ---------------------------------------------------------

def test_login_starts_a_fresh_session(app, make_user):
    """Nothing planted in the session before login survives it; the old cookie stays anonymous."""
    make_user("ann")
    client = app.test_client()  # not pytest-flask's: it keeps its last request context (and g) pushed
    auth = AuthActions(client)
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        before_csrf = session.get("csrf_token")
    old_cookie = client.get_cookie("session").value
    assert before_csrf
    response = auth.login()
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session, "the pre-login session was kept at login"
        assert session.get("csrf_token") != before_csrf, "the CSRF secret survived login"
        assert session.get("_user_id")
    assert client.get_cookie("session").value != old_cookie
    # the pre-login cookie does not carry the new login
    stranger = app.test_client()
    stranger.set_cookie("session", old_cookie)
    assert stranger.get("/progress").status_code == 302
    assert "Log in" in stranger.get("/").text


def test_logout_clears_the_session(client, auth, make_user):
    make_user("ann")
    auth.login()
    auth.logout()
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/progress").status_code == 302


# --- safe next --------------------------------------------------------------------------

UNSAFE_NEXT = [
    "//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "%2F%2Fevil.example", " //evil.example",
]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_login_never_redirects_off_site(client, auth, make_user, target):
    make_user("ann")
    page = client.get("/auth/login")
    response = client.post("/auth/login", query_string={"next": target},
                           data={"username": "ann", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert response.location == "/", f"followed next={target!r} to {response.location!r}"


def test_login_follows_a_same_site_next(client, auth, make_user):
    make_user("ann")
    page = client.get("/auth/login")
    response = client.post("/auth/login", query_string={"next": "/progress?kind=all"},
                           data={"username": "ann", "password": "correct horse", "csrf_token": csrf_token(page.text)})
    assert response.location == "/progress?kind=all"


def test_retire_next_stays_on_the_bank_pages(app, world):
    client = app.test_client()
    log_in(client, app, world[1]["users"]["teacher"])
    from tests.security_world import csrf_for

    response = client.post(f"/teach/questions/{world[1]['question']}/retire",
                           data={"csrf_token": csrf_for(client, app), "next": "https://evil.example/teach/questions"})
    assert response.status_code == 302 and response.location.startswith("/teach/questions")


# --- login throttling -------------------------------------------------------------------

def _try(client, username, password):
    page = client.get("/auth/login")
    return client.post("/auth/login", data={"username": username, "password": password,
                                            "csrf_token": csrf_token(page.text)})


def test_failed_logins_are_limited_per_account_and_address(app, make_user):
    client = app.test_client()
    make_user("ann")
    make_user("bob")
    limit = app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"]
    for _ in range(limit):
        assert _try(client, "ann", "wrong password").status_code == 422
    blocked = _try(client, "ANN ", "correct horse")  # an unknown device, in any spelling of the name
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.text
    assert _try(app.test_client(), "bob", "correct horse").status_code == 302  # others are not locked out
    # once the backoff has passed, the account may log in again from there
    with app.app_context():
        db.session.execute(sa.update(RateLimit).values(until=RateLimit.until - dt.timedelta(hours=2)))
        db.session.commit()
    assert _try(app.test_client(), "ann", "correct horse").status_code == 302


def test_a_successful_login_forgives_earlier_failures(app, make_user, scalar):
    client = app.test_client()
    make_user("ann")
    for _ in range(app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"] - 1):
        _try(client, "ann", "wrong password")
    assert _try(client, "ann", "correct horse").status_code == 302
    assert scalar(sa.select(RateLimit.count).filter_by(key="login:ua:ann|127.0.0.1")) is None
    # the failures still count towards the account-wide limit; the success itself uses up nothing
    assert scalar(sa.select(RateLimit.count).filter_by(key="login:u:ann")) == app.config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"] - 1


def test_failed_logins_are_limited_per_address(db_path, make_user):
    app = create_app(make_config(db_path, LOGIN_LIMIT_PER_ADDRESS=4))
    client = app.test_client()
    for n in range(4):
        assert _try(client, f"nobody{n}", "guess").status_code == 422
    assert _try(client, "learner-one", PASSWORD).status_code == 429  # password spraying from one address
    with app.app_context():
        db.engine.dispose()


def test_login_limit_holds_across_servers_and_workers(database_url, make_user):
    """Failures spread over two gunicorn servers (two workers each) count together."""
    with Server(database_url, workers=2) as one, Server(database_url, workers=2) as two:
        servers = [one, two]
        limit = 5  # LOGIN_LIMIT_PER_ACCOUNT_ADDRESS, the default a server runs with
        for n in range(limit):
            server = servers[n % 2]
            status, _, _ = Browser().submit(server.url + "/auth/login", server.url + "/auth/login",
                                            {"username": USERNAMES["teacher"], "password": f"guess {n}"})
            assert status == 422
        for server in servers:
            status, html, _ = Browser().submit(server.url + "/auth/login", server.url + "/auth/login",
                                               {"username": USERNAMES["teacher"], "password": PASSWORD})
            assert status == 429, f"{server.url} let a login through after {limit} failures elsewhere"
        status, _, _ = Browser().submit(one.url + "/auth/login", one.url + "/auth/login",
                                        {"username": USERNAMES["learner"], "password": PASSWORD})
        assert status == 302


# --- password hashes --------------------------------------------------------------------

@pytest.mark.production_password_hash
def test_passwords_are_stored_as_salted_scrypt_or_argon2_hashes(app, make_user):
    first, second = make_user("ann", password="same password"), make_user("bob", password="same password")
    with app.app_context():
        hashes = [db.session.get(User, uid).password_hash for uid in (first, second)]
    for stored in hashes:
        assert stored.startswith(("scrypt:", "$argon2id$")), stored[:20]
        assert "same password" not in stored
    assert hashes[0] != hashes[1], "no per-password salt"
