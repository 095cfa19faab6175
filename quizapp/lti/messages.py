"""pylti1p3 at the edge: the OIDC login and the id_token check, with quizapp's database storage.

pylti1p3 checks the id_token: the signature against the platform's JWKS
(fetched from its key set URL, the ``kid`` must be there), the issuer and
audience (a registered platform and client id), the deployment id, the
nonce and the message's required claims. quizapp adds what it leaves out:

- the state is used once: the login stores it in the database and the
  launch deletes it (it must also match the state cookie the login set in
  this browser);
- the nonce is used once (:class:`~quizapp.services.lti_tool.DatabaseLaunchStorage`);
- ``exp`` and ``iat`` are required, and an expired token is refused.
"""

from __future__ import annotations

from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException, OIDCException

from quizapp.services import lti_tool

#: Seconds a login's state and nonce wait for the launch.
LOGIN_LIFETIME = 600
#: Seconds a launch's claims are kept (for deep linking's second step: the instructor's choice).
LAUNCH_LIFETIME = 3600

#: what a user reads for pylti1p3's reasons (anything else is shown as it is)
REASONS = {
    "Missing id_token": "the platform sent no id_token.",
    "Missing state param": "the platform sent no state.",
    "State not found": "the login state is unknown, expired, used already or from another browser (a replayed "
                       "or forged launch).",
    "Invalid Nonce": "the nonce is unknown or was used already (a replayed launch).",
    '"nonce" is empty': "the id_token has no nonce.",
    "Registration not found.": "no platform with this issuer and client id (audience) is registered here.",
    "Client id not registered for this issuer": "the id_token's audience is not quizapp's client id on this "
                                                "platform.",
    "Unable to find deployment": "the deployment id is not one registered for this platform.",
    "deployment_id is not set in jwt body": "the id_token has no deployment id.",
    "Unable to find public key": "the id_token's key id (kid) is not in the platform's key set.",
    "JWT KID not found": "the id_token names no key id (kid).",
    "Invalid id_token, JWT must contain 3 parts": "the id_token is not a JWT.",
    "Invalid JWT format, can't be decoded": "the id_token is not a JWT.",
    "Could not find issuer": "the login request names no issuer.",
    "Could not find login hint": "the login request has no login hint.",
    "Could not find registration details": "no platform with this issuer and client id is registered here.",
}


def reason(exc: Exception) -> str:
    text = str(exc)
    if text in REASONS:
        return REASONS[text]
    if text.startswith("Can't decode id_token: "):
        detail = text.removeprefix("Can't decode id_token: ")
        if "expired" in detail.lower():
            return "the id_token has expired."
        if "signature" in detail.lower():
            return "the id_token's signature does not verify with the platform's key."
        return f"the id_token does not verify ({detail})."
    if text.startswith("Error during fetch URL"):
        return "the platform's key set could not be fetched."
    return text.rstrip(".") + "."


class StateCookies(FlaskCookieService):
    """pylti1p3's state cookie, sent only to /lti/; on HTTPS ``SameSite=None; Secure; Partitioned``.

    Partitioned (CHIPS): a browser that blocks third-party cookies still
    keeps this one for quizapp inside this LMS's page, where the launch needs it.
    """

    def update_response(self, response):
        secure = bool(self._request.is_secure())
        for key, cookie in self._cookie_data_to_set.items():
            response.set_cookie(key, cookie["value"], max_age=cookie["exp"], path="/lti/", httponly=True,
                                secure=secure, samesite="None" if secure else "Lax", partitioned=secure)


class Launch(FlaskMessageLaunch):
    """pylti1p3's launch with single-use states and required expiry."""

    def __init__(self, request=None, tool_config=None, **kwargs):
        if not kwargs.get("requests_session"):  # fetching the platform's key set gives up after a while
            kwargs["requests_session"] = lti_tool.http_session()
        request = request or FlaskRequest()
        kwargs["cookie_service"] = kwargs.get("cookie_service") or StateCookies(request)
        super().__init__(request, tool_config or lti_tool.DatabaseToolConf(),
                         launch_data_storage=kwargs.pop("launch_data_storage", None) or lti_tool.DatabaseLaunchStorage(),
                         **kwargs)
        self.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
        self.set_launch_data_lifetime(LAUNCH_LIFETIME)

    def validate_state(self):
        state = self._get_request_param("state")
        if not state:
            raise LtiException("Missing state param")
        self._get_id_token()  # no id_token: say so, before the state is spent
        if self._cookie_service.get_cookie(state) != state:
            raise LtiException("State not found")
        storage = self._session_service.data_storage
        if not storage.consume(self._session_service._get_key(state)):
            raise LtiException("State not found")
        return self

    @classmethod
    def restore(cls, launch_id: str) -> "Launch":
        """A launch validated earlier (deep linking's second step), from the database."""
        return cls.from_cache(launch_id, FlaskRequest(), lti_tool.DatabaseToolConf(),
                              launch_data_storage=lti_tool.DatabaseLaunchStorage())


def login_redirect(launch_url: str):
    """The redirect to the platform's authorization endpoint, with a fresh state and nonce.

    :raises OIDCException: an unknown issuer or client id, or no login hint.
    """
    storage = lti_tool.DatabaseLaunchStorage()
    request = FlaskRequest()
    login = FlaskOIDCLogin(request, lti_tool.DatabaseToolConf(), cookie_service=StateCookies(request),
                           launch_data_storage=storage)
    login.set_launch_data_storage(storage)
    login.set_launch_data_lifetime(LOGIN_LIFETIME)  # the state and nonce wait this long for the launch
    # stores the state in the database (the launch deletes it: one use) besides its cookie
    login.pass_params_to_launch({"login": True})
    return login.redirect(launch_url)


__all__ = ["Launch", "LtiException", "OIDCException", "login_redirect", "reason"]
