"""Accounts through the real forms."""

import sqlalchemy as sa

from quizapp.models import User
from tests.conftest import count, csrf_token


def test_register_logs_in_and_hashes_the_password(client, auth, scalar):
    response = auth.register("ann", "correct horse")
    assert response.status_code == 302
    home = client.get("/")
    assert "ann" in home.text and "Log out" in home.text
    stored = scalar(sa.select(User.password_hash).filter_by(username="ann"))
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:", "$argon2"))


def test_register_validation_messages_next_to_fields(client, auth, scalar):
    page = client.get("/auth/register")
    response = client.post("/auth/register", data={
        "username": "a b", "password": "short", "confirm": "other", "csrf_token": csrf_token(page.text)})
    assert response.status_code == 422
    assert "Use letters, digits" in response.text
    assert "at least 8 characters" in response.text or "between 8" in response.text
    assert "The passwords differ." in response.text
    assert scalar(count(User)) == 0


def test_username_taken_case_insensitively(client, auth, scalar):
    auth.register("ann")
    auth.logout()
    response = auth.register("ANN")
    assert response.status_code == 422 and "is taken" in response.text
    assert scalar(count(User)) == 1


def test_login_logout(client, auth):
    auth.register()
    auth.logout()
    assert "Log in" in client.get("/").text
    wrong = auth.login(password="wrong password")
    assert wrong.status_code == 422 and "Wrong username or password." in wrong.text
    right = auth.login()
    assert right.status_code == 302
    assert "Log out" in client.get("/").text


def test_login_follows_only_safe_next(client, auth):
    auth.register()
    auth.logout()
    for target, expected in [("/progress", "/progress"), ("https://evil.example/", "/"), ("//evil.example", "/")]:
        page = client.get("/auth/login")
        response = client.post(f"/auth/login?next={target}", data={
            "username": "ann", "password": "correct horse", "csrf_token": csrf_token(page.text)})
        assert response.location == expected
        auth.logout()


def test_login_without_csrf_changes_nothing(client, auth):
    auth.register()
    auth.logout()
    response = client.post("/auth/login", data={"username": "ann", "password": "correct horse"})
    assert response.status_code == 400
    assert "Log in" in client.get("/").text


def test_progress_needs_login(client):
    response = client.get("/progress")
    assert response.status_code == 302 and "/auth/login" in response.location
