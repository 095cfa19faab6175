"""LTI fixtures: the platform simulator, the tool served over HTTP on 127.0.0.1, and a launch helper.

The tool (the test's app) is served by werkzeug in a thread so that the
platform can reach it as an LMS does (its JWKS, for the tool's signed
assertions and deep-linking responses); the test drives the browser's side
with Flask's test client against the same address.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
import urllib.request
from html import unescape

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from quizapp.extensions import db
from quizapp.models import LtiAccount, User
from tests.lti.platform import Platform


@pytest.fixture
def platform():
    with Platform() as running:
        yield running


@pytest.fixture
def tool(app, platform):
    """The app on http://127.0.0.1:<port>, with the simulator registered as a platform."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    platform.tool = url
    from quizapp.services import lti_tool

    with app.app_context():
        lti_tool.add_platform(**platform.registration())
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(app, tool):
    """The learner's browser: a test client whose requests go to the tool's address."""
    return app.test_client()


class Flow:
    """One OIDC round trip: login at the tool, the platform's auth endpoint, the auto-posted launch."""

    def __init__(self, browser, platform, tool):
        self.browser, self.platform, self.tool = browser, platform, tool

    def login(self, login_hint: str = "learner-1", **params):
        query = {"iss": self.platform.url, "login_hint": login_hint, "target_link_uri": self.tool + "/lti/launch",
                 "client_id": self.platform.client_id, "lti_deployment_id": self.platform.deployment_id, **params}
        return self.browser.get(self.tool + "/lti/login?" + urllib.parse.urlencode(query))

    def authorize(self, claims: dict, key=None, headers=None) -> dict:
        """Log in at the tool and get the platform's auto-post form: {"action", "id_token", "state"}."""
        self.platform.next_launch(claims, key, headers)
        response = self.login(claims.get("sub") or "anonymous")
        assert response.status_code == 302, response.text
        assert response.location.startswith(self.platform.url + "/auth?"), response.location
        with urllib.request.urlopen(response.location, timeout=10) as answer:
            page = answer.read().decode()
        form = {name: unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
        form["action"] = unescape(re.search(r'action="([^"]+)"', page).group(1))
        return form

    def get(self, path: str, client=None):
        """GET a page of the tool (a path or URL) with this browser (or ``client``)."""
        return (client or self.browser).get(urllib.parse.urljoin(self.tool + "/", path))

    def post(self, form: dict):
        return self.browser.post(form["action"], data={"id_token": form["id_token"], "state": form["state"]})

    def launch(self, claims: dict, key=None, headers=None):
        return self.post(self.authorize(claims, key, headers))


@pytest.fixture
def flow(browser, platform, tool) -> Flow:
    return Flow(browser, platform, tool)


@pytest.fixture
def accounts(app):
    """(users, linked LTI accounts) in the database now."""

    def _count():
        with app.app_context():
            return (db.session.scalar(sa.select(sa.func.count()).select_from(User)),
                    db.session.scalar(sa.select(sa.func.count()).select_from(LtiAccount)))

    return _count
