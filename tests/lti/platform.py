"""A real LTI 1.3 platform (an LMS) for the tests: a small threaded HTTP server on 127.0.0.1.

It does over HTTP what Moodle or Canvas do:

- ``/jwks``: its public key set (RSA keys made here; ``rotate()`` adds one);
- ``/auth``: the OIDC authorization endpoint: given the tool's redirect
  (state, nonce, redirect_uri, login_hint, lti_message_hint), it answers a
  page that auto-posts a signed id_token and the state to the tool's
  launch URL (the launch to make is queued with :meth:`Platform.next_launch`);
- ``/token``: the OAuth2 token endpoint: it verifies the tool's signed
  client assertion against the tool's JWKS (fetched over HTTP) and issues
  an access token for the scopes asked;
- ``/lineitems/<id>/scores``: the line item's score service (bearer token
  checked); it can be told to fail the first N posts;
- ``/memberships``: the Names and Role Provisioning Services membership;
- ``/deep_link_return``: verifies the tool's LtiDeepLinkingResponse JWT;
- ``/course``: a course page that shows the tool in an iframe (the browser
  test), starting the third-party login inside the frame.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


class Key:
    def __init__(self):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())
        jwk = JWK.from_pem(self.pem)
        self.public = json.loads(jwk.export_public())
        self.public.update(alg="RS256", use="sig")
        self.kid = self.public["kid"]


class Platform:
    """The simulated LMS. ``url`` is its issuer; ``tool`` the tool's base URL (set before launches)."""

    def __init__(self, client_id: str = "quizapp-client", deployment_id: str = "deployment-1"):
        self.client_id, self.deployment_id = client_id, deployment_id
        self.keys = [Key()]
        self.tool = None  # the tool's base URL, e.g. http://127.0.0.1:8000
        self.launches: list[dict] = []  # claims to send at the next /auth calls, first in first out
        self.tokens: dict[str, list[str]] = {}
        self.scores: list[dict] = []  # every score received: {"lineitem": id, "score": {...}}
        self.fail_scores = 0  # answer 500 to this many score posts first
        self.members: list[dict] = []
        self.lineitems: list[dict] = []  # line items the tool made (the course's gradebook columns)
        self.deep_link_responses: list[dict] = []
        self.assertions: list[dict] = []  # the tool's verified client assertions (header and claims)
        self.errors: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "Platform":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what a test sets up ---------------------------------------------------------------

    def registration(self) -> dict:
        """The tool's registration of this platform (the ``add_platform`` arguments)."""
        return {"name": "Test LMS", "issuer": self.url, "client_id": self.client_id,
                "deployment_ids": [self.deployment_id], "auth_login_url": self.url + "/auth",
                "auth_token_url": self.url + "/token", "key_set_url": self.url + "/jwks"}

    def rotate(self) -> Key:
        key = Key()
        self.keys.insert(0, key)
        return key

    def claims(self, sub: str = "learner-1", roles=(LEARNER,), name: str = "Lee Learner", context: str = "course-1",
               link: str | None = "link-1", quiz: str | None = None, lineitem: str | None = "1",
               nrps: bool = True, message_type: str = "LtiResourceLinkRequest", **extra) -> dict:
        """An id_token's claims (nonce, aud, iat, exp filled in at /auth unless given)."""
        claims = {
            "iss": self.url, "sub": sub, "name": name,
            CLAIM + "message_type": message_type, CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id, CLAIM + "roles": list(roles),
            CLAIM + "context": {"id": context, "title": "Course One", "label": "C1"},
        }
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "target_link_uri"] = (self.tool or "") + "/lti/launch"
            claims[CLAIM + "resource_link"] = {"id": link, "title": "Quiz link"}
            if quiz:
                claims[CLAIM + "custom"] = {"quiz": quiz}
            if lineitem:  # "container": only the line items container (a link the instructor typed)
                claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                    "scope": [LINEITEM, SCORE], "lineitems": self.url + "/lineitems",
                    **({"lineitem": f"{self.url}/lineitems/{lineitem}"} if lineitem != "container" else {})}
        else:
            claims[CLAIM + "target_link_uri"] = (self.tool or "") + "/lti/launch"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep_link_return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"], "data": "dl-data-42"}
        if nrps:
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.url + "/memberships", "service_versions": ["2.0"]}
        claims.update(extra)
        return claims

    def next_launch(self, claims: dict, key: Key | None = None, headers: dict | None = None,
                    post_to: str | None = None) -> None:
        """Queue what the next /auth answers: these claims, signed with ``key`` (the newest by default)."""
        self.launches.append({"claims": claims, "key": key, "headers": headers, "post_to": post_to})

    def sign(self, claims: dict, key: Key | None = None, headers: dict | None = None) -> str:
        key = key or self.keys[0]
        return jwt.encode(claims, key.pem, algorithm="RS256", headers={"kid": key.kid, **(headers or {})})

    def id_token(self, launch: dict, nonce: str) -> str:
        now = int(time.time())
        claims = {"aud": self.client_id, "iat": now, "exp": now + 300, "nonce": nonce, **launch["claims"]}
        return self.sign({k: v for k, v in claims.items() if v is not None}, launch["key"], launch["headers"])

    # --- the tool's JWKS -------------------------------------------------------------------------

    def tool_jwks(self) -> dict:
        with urllib.request.urlopen(self.tool + "/lti/jwks", timeout=10) as response:
            return json.load(response)

    def verify_from_tool(self, token: str, audience: str) -> dict:
        """Verify a JWT the tool signed against the tool's JWKS (fetched over HTTP now)."""
        kid = jwt.get_unverified_header(token)["kid"]
        for key in self.tool_jwks()["keys"]:
            if key["kid"] == kid:
                public = JWK(**key).export_to_pem()
                return jwt.decode(token, public, algorithms=["RS256"], audience=audience)
        raise ValueError(f"the tool's JWKS has no key {kid}")


def _handler(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status: int, body, content_type: str = "application/json", headers=()):
            data = body if isinstance(body, bytes) else (
                json.dumps(body) if not isinstance(body, str) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}

        def _bearer(self, scope: str) -> bool:
            auth = self.headers.get("Authorization", "")
            return auth.startswith("Bearer ") and scope in platform.tokens.get(auth[7:], [])

        def do_GET(self):
            path, _, query = self.path.partition("?")
            params = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
            if path == "/jwks":
                return self._send(200, {"keys": [k.public for k in platform.keys]})
            if path == "/auth":
                return self._auth(params)
            if path == "/memberships":
                if not self._bearer(NRPS):
                    return self._send(401, {"error": "no token"})
                return self._send(200, {"id": platform.url + "/memberships", "context": {"id": "course-1"},
                                        "members": platform.members},
                                  "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
            if path == "/course":
                return self._course(params)
            if path == "/lineitems":
                if not self._bearer(LINEITEM):
                    return self._send(401, {"error": "no token for line items"})
                return self._send(200, platform.lineitems, "application/vnd.ims.lis.v2.lineitemcontainer+json")
            return self._send(404, {"error": "not found"})

        def _auth(self, params):
            problems = [name for name in ("state", "nonce", "redirect_uri", "login_hint") if not params.get(name)]
            if params.get("client_id") != platform.client_id:
                problems.append("client_id")
            if params.get("response_type") != "id_token" or params.get("scope") != "openid":
                problems.append("response_type/scope")
            if platform.tool and params.get("redirect_uri") != platform.tool + "/lti/launch":
                problems.append("redirect_uri")
            if problems or not platform.launches:
                platform.errors.append(f"bad auth request: {problems or 'no launch queued'}")
                return self._send(400, {"error": "invalid_request", "problems": problems})
            launch = platform.launches.pop(0)
            token = platform.id_token(launch, params["nonce"])
            action = launch["post_to"] or params["redirect_uri"]
            page = (f'<!doctype html><html lang="en"><head><title>Launching</title></head><body>'
                    f'<form id="launch" method="post" action="{html.escape(action)}">'
                    f'<input type="hidden" name="id_token" value="{html.escape(token)}">'
                    f'<input type="hidden" name="state" value="{html.escape(params["state"])}">'
                    f'<button type="submit">Continue</button></form>'
                    f'<script>document.getElementById("launch").submit()</script></body></html>')
            return self._send(200, page, "text/html; charset=utf-8")

        def _course(self, params):
            """A course page with the tool in an iframe; the iframe starts the third-party login."""
            query = urllib.parse.urlencode({"iss": platform.url, "login_hint": params.get("user", "learner-1"),
                                            "target_link_uri": platform.tool + "/lti/launch",
                                            "client_id": platform.client_id,
                                            "lti_deployment_id": platform.deployment_id,
                                            "lti_message_hint": "course-1"})
            page = (f'<!doctype html><html lang="en"><head><title>Course One</title></head><body>'
                    f'<h1>Course One</h1><iframe id="tool" title="quizapp" width="900" height="700" '
                    f'src="{html.escape(platform.tool)}/lti/login?{html.escape(query)}"></iframe></body></html>')
            return self._send(200, page, "text/html; charset=utf-8")

        def do_POST(self):
            path = self.path.partition("?")[0]
            if path == "/token":
                return self._token(self._form())
            if path == "/lineitems":
                length = int(self.headers.get("Content-Length") or 0)
                item = json.loads(self.rfile.read(length))
                if not self._bearer(LINEITEM):
                    return self._send(401, {"error": "no token for line items"})
                item["id"] = f"{platform.url}/lineitems/made-{len(platform.lineitems) + 1}"
                platform.lineitems.append(item)
                return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")
            if path.startswith("/lineitems/") and path.endswith("/scores"):
                return self._score(path.split("/")[2])
            if path == "/deep_link_return":
                form = self._form()
                try:
                    claims = platform.verify_from_tool(form.get("JWT", ""), audience=platform.url)
                except Exception as exc:  # noqa: BLE001 (the test reads what failed)
                    platform.errors.append(f"deep link response refused: {exc}")
                    return self._send(400, "<p>refused</p>", "text/html")
                platform.deep_link_responses.append(claims)
                return self._send(200, "<!doctype html><html lang='en'><head><title>Added</title></head>"
                                       "<body><p>The quiz was added to the course.</p></body></html>",
                                  "text/html; charset=utf-8")
            return self._send(404, {"error": "not found"})

        def _token(self, form):
            if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != \
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
                return self._send(400, {"error": "unsupported_grant_type"})
            assertion = form.get("client_assertion", "")
            try:
                claims = platform.verify_from_tool(assertion, audience=platform.url + "/token")
            except Exception as exc:  # noqa: BLE001
                platform.errors.append(f"client assertion refused: {exc}")
                return self._send(401, {"error": "invalid_client"})
            if claims.get("iss") != platform.client_id or claims.get("sub") != platform.client_id:
                platform.errors.append("client assertion for another client")
                return self._send(401, {"error": "invalid_client"})
            platform.assertions.append({"header": jwt.get_unverified_header(assertion), "claims": claims})
            token = uuid.uuid4().hex
            platform.tokens[token] = form.get("scope", "").split()
            return self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                                    "scope": form.get("scope", "")})

        def _score(self, lineitem):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not self._bearer(SCORE):
                return self._send(401, {"error": "no token for scores"})
            if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                return self._send(415, {"error": "not a score"})
            if platform.fail_scores > 0:
                platform.fail_scores -= 1
                return self._send(503, {"error": "try later"})
            platform.scores.append({"lineitem": lineitem, "score": json.loads(body)})
            return self._send(200, {})

    return Handler
