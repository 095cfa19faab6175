"""Response headers: a CSP without inline script or style, nosniff, referrer policy,
no framing; and no template or rendered page that would need inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizapp.app import create_app
from tests.security_world import csrf_for, db_path, log_in, world  # noqa: F401  (fixtures)
from tests.test_authorization import RULES, url_values

TEMPLATES = Path(__file__).resolve().parents[1] / "quizapp" / "templates"

REQUIRED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'none'"},
}


def parse_csp(header: str) -> dict[str, set[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        policy[name] = set(values)
    return policy


def check_headers(response, where: str) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy"
    policy = parse_csp(header)
    for directive, values in REQUIRED_CSP.items():
        assert policy.get(directive) == values, f"{where}: {directive} is {policy.get(directive)}, want {values}"
    for directive, values in policy.items():
        assert not values & {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"}, f"{where}: {directive}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    assert response.headers.get("X-Frame-Options") == "DENY", where


def test_every_page_carries_the_security_headers(app, world):
    """Every GET route, for a visitor, a learner and a teacher, and error pages too."""
    ids = world[1]
    values = url_values(ids)
    gets = [(endpoint, rule) for (endpoint, method), rule in _rules(app).items() if method == "GET"]
    for role in ("visitor", "learner", "teacher"):
        client = app.test_client()
        log_in(client, app, ids["users"].get(role))
        with app.test_request_context():
            from flask import url_for

            urls = [url_for(e, **{a: values[a] for a in rule.arguments}) for e, rule in gets]
        for url in urls + ["/no/such/page"]:
            response = client.get(url)
            check_headers(response, f"{role} GET {url} ({response.status_code})")
            response.close()


def _rules(app):
    return {(rule.endpoint, m): rule for rule in app.url_map.iter_rules() for m in rule.methods}


def test_error_and_post_responses_carry_the_headers(app, world):
    client = app.test_client()
    log_in(client, app, world[1]["users"]["learner"])
    check_headers(client.post("/auth/logout", data={}), "POST without CSRF (400)")
    check_headers(client.get("/teach/"), "learner on a teacher page (403)")
    check_headers(client.post("/auth/logout", data={"csrf_token": csrf_for(client, app)}), "logout (302)")


def test_signed_in_pages_are_not_cached(app, world):
    client = app.test_client()
    log_in(client, app, world[1]["users"]["learner"])
    response = client.get(f"/attempts/{world[1]['attempt']}/q/1")
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


# --- no inline script or style anywhere -------------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style=\"\" attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on*=\"\" event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_templates_use_no_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for pattern, what in INLINE:
        match = pattern.search(text)
        assert not match, f"{template} has {what}: {match.group(0)!r} (the CSP blocks it; use static/ files)"


def test_rendered_pages_use_no_inline_script_or_style(app, world):
    """Pages built from Python (charts, highlights) obey the same rule as templates."""
    ids = world[1]
    client = app.test_client()
    log_in(client, app, ids["users"]["learner"])
    teacher = app.test_client()
    log_in(teacher, app, ids["users"]["teacher"])
    pages = [(client, "/"), (client, "/progress"), (client, f"/attempts/{ids['attempt']}/q/1"),
             (client, f"/attempts/{ids['attempt']}/q/2"), (client, "/review"),
             (teacher, f"/teach/classes/{ids['class_a']}/mastery"), (teacher, f"/teach/quizzes/{ids['quiz_a']}/statistics"),
             (teacher, f"/teach/classes/{ids['class_a']}/gradebook"), (teacher, "/teach/questions")]
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 200, url
        for pattern, what in INLINE:
            match = pattern.search(response.text)
            assert not match, f"{url} has {what}: {match.group(0)!r}"


def test_the_headers_do_not_depend_on_testing_mode(tmp_path, seeded_db):
    """A production-configured app (no TESTING) sends the same headers."""
    from tests.conftest import url_for_database
    from tests.security_world import clone_database

    path = tmp_path / "prod.sqlite"
    clone_database(seeded_db, path)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url_for_database(path)})
    check_headers(app.test_client().get("/auth/login"), "production login page")
    from quizapp.extensions import db

    with app.app_context():
        db.engine.dispose()
