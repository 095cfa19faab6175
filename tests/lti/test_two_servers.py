"""One launch served by two `quizapp serve` processes: the login at one, the launch at the other.

Nothing of the OIDC round trip may live in a process's memory: the state,
the nonce and the platform's registration are in the shared database.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from html import unescape

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import LtiAccount
from tests.live.server import Browser, Server
from tests.lti.platform import INSTRUCTOR, Platform


def test_the_login_at_one_server_and_the_launch_at_another(app, database_url):
    with Platform() as platform, Server(database_url, workers=1) as first, Server(database_url, workers=1) as second:
        platform.tool = first.url
        from quizapp.services import lti_tool

        with app.app_context():
            lti_tool.add_platform(**platform.registration())
        platform.next_launch(platform.claims(sub="teach-1", roles=[INSTRUCTOR], nrps=False),
                             post_to=second.url + "/lti/launch")
        browser = Browser()
        query = urllib.parse.urlencode({"iss": platform.url, "login_hint": "teach-1", "client_id": platform.client_id,
                                        "target_link_uri": first.url + "/lti/launch"})
        status, _, location = browser.get(f"{first.url}/lti/login?{query}")
        assert status == 302 and location.startswith(platform.url + "/auth?")
        with urllib.request.urlopen(location, timeout=10) as answer:
            page = answer.read().decode()
        form = {name: unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
        action = unescape(re.search(r'action="([^"]+)"', page).group(1))
        assert action == second.url + "/lti/launch"
        status, body, location = browser.request(action, {"id_token": form["id_token"], "state": form["state"]})
        assert status == 302, body
        assert re.fullmatch(r"/lti/classes/\d+", location)
        # the replay at the first server finds the state and nonce spent
        status, body, _ = browser.request(first.url + "/lti/launch", {"id_token": form["id_token"],
                                                                       "state": form["state"]})
        assert status == 400 and "Launch refused" in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LtiAccount)) == 1
