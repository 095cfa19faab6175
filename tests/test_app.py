"""The factory's configuration: database URL and the instance-kept secret."""

import os
import stat

from quizapp import config


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path))
    second = config.secret_key(str(tmp_path))
    assert first == second and len(first) >= 32
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert config.secret_key(str(tmp_path)) == "from-env"


def test_database_url_defaults_to_instance_sqlite(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url(str(tmp_path)) == f"sqlite:///{tmp_path}/quizapp.sqlite"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/q")
    assert config.database_url(str(tmp_path)) == "postgresql+psycopg://u@localhost/q"


def test_healthz_and_404_page(client):
    assert client.get("/healthz").json == {"status": "ok"}
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Back to the quizzes" in missing.text


def test_the_menu_links_follow_the_prefix_the_app_is_served_under(client):
    # a school serving quizapp under /quiz behind its proxy, and the same app at the root:
    # the menu's links (remembered once built) are right for each
    prefixed = client.get("/auth/login", base_url="http://localhost/quiz").text
    assert 'href="/quiz/auth/register"' in prefixed and 'href="/quiz/static/style.css"' in prefixed
    plain = client.get("/auth/login").text
    assert 'href="/auth/register"' in plain and 'href="/static/style.css"' in plain
    assert "/quiz/" not in plain
