"""Registering platforms (command line and an administrator's page), admin rights, iframe cookies, the schema."""

from __future__ import annotations

from html import unescape

import sqlalchemy as sa

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import LtiPlatform, User
from tests.conftest import csrf_token, make_config

PLATFORM_ARGS = ["lti", "add-platform", "--name", "School Moodle", "--issuer", "https://moodle.example.org",
                 "--client-id", "abc123", "--deployment-id", "1", "--deployment-id", "2",
                 "--auth-login-url", "https://moodle.example.org/mod/lti/auth.php",
                 "--auth-token-url", "https://moodle.example.org/mod/lti/token.php",
                 "--key-set-url", "https://moodle.example.org/mod/lti/certs.php"]


def test_add_platform_from_the_command_line(app, runner):
    result = runner.invoke(args=PLATFORM_ARGS)
    assert result.exit_code == 0, result.output
    assert "Registered platform School Moodle (https://moodle.example.org, client abc123, deployments 1, 2)" in result.output
    with app.app_context():
        platform = db.session.scalar(sa.select(LtiPlatform))
        assert platform.frame_origins == ["https://moodle.example.org"]
    listed = runner.invoke(args=["lti", "platforms"])
    assert listed.output.strip() == "School Moodle\thttps://moodle.example.org\tabc123\t1,2"
    again = runner.invoke(args=PLATFORM_ARGS)
    assert again.exit_code == 1 and "is registered already" in again.output


def test_add_platform_refuses_bad_urls(app, runner):
    args = list(PLATFORM_ARGS)
    args[args.index("--key-set-url") + 1] = "ftp://example.org/keys"
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "key_set_url: “ftp://example.org/keys” is not an http(s) URL." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiPlatform)) == 0


def test_admin_rights_are_granted_by_the_command_line(app, runner, make_user):
    make_user("learner-x")
    make_user("teacher-x", "teacher")
    refused = runner.invoke(args=["user", "grant-admin", "learner-x"])
    assert refused.exit_code == 1 and "only teachers can be administrators" in refused.output
    granted = runner.invoke(args=["user", "grant-admin", "teacher-x"])
    assert granted.exit_code == 0 and "teacher-x is an administrator" in granted.output
    created = runner.invoke(args=["user", "create", "boss", "--role", "teacher", "--admin", "--password-stdin"],
                            input="correct horse battery\n")
    assert created.exit_code == 0 and "Created teacher boss (administrator)." in created.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.is_admin).filter_by(username="boss")) is True
    revoked = runner.invoke(args=["user", "grant-admin", "teacher-x", "--revoke"])
    assert "no longer an administrator" in revoked.output


def test_an_administrator_registers_a_platform_in_the_browser(app, client, auth, make_user, runner):
    make_user("teacher-x", "teacher")
    auth.login("teacher-x")
    assert client.get("/lti/platforms").status_code == 403  # a teacher, not an administrator
    runner.invoke(args=["user", "grant-admin", "teacher-x"])
    page = client.get("/lti/platforms")
    assert page.status_code == 200
    assert "http://localhost/lti/login" in page.text and "http://localhost/lti/jwks" in page.text
    form = {"name": "Canvas", "issuer": "https://canvas.instructure.com", "client_id": "10000000000001",
            "deployment_ids": "7:abc, 8:def", "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "key_set_url": "https://sso.canvaslms.com/api/lti/security/jwks",
            "frame_origins": "https://school.instructure.com"}
    no_token = client.post("/lti/platforms", data=form)
    assert no_token.status_code == 400 and "Form expired" in no_token.text
    bad = client.post("/lti/platforms", data={**form, "auth_token_url": "token", "csrf_token": csrf_token(page.text)})
    assert bad.status_code == 422 and "is not an http(s) URL" in unescape(bad.text)
    done = client.post("/lti/platforms", data={**form, "csrf_token": csrf_token(page.text)})
    assert done.status_code == 302
    with app.app_context():
        platform = db.session.scalar(sa.select(LtiPlatform))
        assert platform.deployment_ids == ["7:abc", "8:def"]
        assert platform.frame_origins == ["https://school.instructure.com"]
    listed = client.get("/lti/platforms")
    assert "Canvas" in listed.text and "https://school.instructure.com" in listed.text


def test_iframe_cookies_are_samesite_none_and_secure_only_on_https(db_path):
    def cookie(**config):
        app = create_app(make_config(db_path, **config))
        with app.test_request_context():
            pass
        client = app.test_client()
        page = client.get("/auth/login", base_url="https://quizapp.example")
        with app.app_context():
            db.engine.dispose()
        return page.headers["Set-Cookie"]

    framed = cookie(SESSION_COOKIE_SECURE=True, LTI_IFRAME_COOKIES=True)
    assert "SameSite=None" in framed and "Secure" in framed and "Partitioned" in framed
    assert "SameSite=Lax" in cookie(SESSION_COOKIE_SECURE=False, LTI_IFRAME_COOKIES=True)  # no HTTPS: Lax
    assert "SameSite=Lax" in cookie(SESSION_COOKIE_SECURE=True, LTI_IFRAME_COOKIES=False)


def test_serve_refuses_iframe_cookies_without_https(runner):
    result = runner.invoke(args=["serve", "--iframe-cookies"])
    assert result.exit_code == 1 and "--iframe-cookies needs secure cookies" in result.output


def test_the_lti_tables_match_the_models(app):
    """The migration builds the LTI tables the models describe (autogenerate finds nothing to change)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context():
        with db.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), db.metadata)
    ours = [d for d in diffs if "lti" in repr(d) or "is_admin" in repr(d)]
    assert ours == []


def test_a_frame_origin_cannot_smuggle_policy_into_the_header(app, runner):
    result = runner.invoke(args=PLATFORM_ARGS + ["--frame-origin", "https://lms.example;script-src *"])
    assert result.exit_code == 1 and "is not an http(s) URL with a plain host name" in result.output
    ok = runner.invoke(args=PLATFORM_ARGS + ["--frame-origin", "https://School.Instructure.com/courses/1"])
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        assert db.session.scalar(sa.select(LtiPlatform.frame_origins)) == ["https://school.instructure.com"]


def test_the_lti_migration_goes_down_and_up_again(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app(make_config(tmp_path / "fresh.sqlite"))
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        downgrade(directory=app.config["MIGRATIONS_DIR"], revision="0016")  # below LTI's 0017
        inspector = sa.inspect(db.engine)
        assert not [t for t in inspector.get_table_names() if t.startswith("lti")]
        assert "is_admin" not in [c["name"] for c in inspector.get_columns("user")]
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        inspector = sa.inspect(db.engine)
        assert len([t for t in inspector.get_table_names() if t.startswith("lti")]) == 7
        db.engine.dispose()
