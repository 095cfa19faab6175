"""Password hashes: scrypt in production, whatever method made a stored hash still checks.

The other tests hash with a cheap method (tests/conftest.py's TEST_PASSWORD_HASH_METHOD);
tests marked ``production_password_hash`` run with the app's own default.
"""

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from quizapp.models import User
from tests.conftest import TEST_PASSWORD_HASH_METHOD


@pytest.mark.production_password_hash
def test_the_app_hashes_new_passwords_with_scrypt(app, client, auth, runner, scalar):
    assert auth.register("ann", "correct horse").status_code == 302
    result = runner.invoke(args=["user", "create", "tess", "--role", "teacher", "--password-stdin"],
                           input="a long secret\n")
    assert result.exit_code == 0, result.output
    for name in ("ann", "tess"):
        stored = scalar(sa.select(User.password_hash).filter_by(username=name))
        assert stored.startswith("scrypt:"), stored[:20]
    result = runner.invoke(args=["user", "password", "ann", "--password-stdin"], input="a brand new secret\n")
    assert result.exit_code == 0, result.output
    assert scalar(sa.select(User.password_hash).filter_by(username="ann")).startswith("scrypt:")
    assert auth.login("ann", "a brand new secret").status_code == 302  # the change ended ann's session


@pytest.mark.parametrize("method", [
    pytest.param("scrypt", id="scrypt-hash-in-test-app"),
    pytest.param(TEST_PASSWORD_HASH_METHOD, id="test-hash-in-production-app",
                 marks=pytest.mark.production_password_hash),
])
def test_a_password_hashed_by_another_method_still_logs_in(app, client, auth, method):
    """Hashes name their method: changing PASSWORD_HASH_METHOD locks nobody out."""
    with app.app_context():
        db.session.add(User(username="ann", role="learner",
                            password_hash=generate_password_hash("correct horse", method)))
        db.session.commit()
    assert auth.login("ann", "wrong password").status_code == 422
    assert auth.login("ann", "correct horse").status_code == 302
    assert "Log out" in client.get("/").text
