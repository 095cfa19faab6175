"""The LTI 1.3 tool's own parts: its signing keys, the platforms it is registered with, and the storage
that pylti1p3 keeps the OIDC round trip in.

Everything lives in the database, never in process memory: the login may
reach one worker process and the launch another (two gunicorn workers, two
servers), and both must see the same state, nonce, platforms and keys.

- **Keys**: RSA key pairs made with ``cryptography``; the newest one not
  retired signs (service assertions, deep-linking responses); a retired key
  stays in the JWKS for :data:`KEEP_RETIRED` (config ``LTI_KEEP_RETIRED_DAYS``)
  so that what it signed before a rotation still verifies.
- **Platforms**: issuer, client id, deployment ids and the platform's three
  URLs (login, token, key set), as :class:`DatabaseToolConf` hands them to pylti1p3.
- **Storage**: :class:`DatabaseLaunchStorage`: a nonce or a state is used at
  most once (reading it deletes it, in one statement, so two processes cannot
  both accept it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing as t
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from jwcrypto.jwk import JWK
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from quizapp.extensions import db
from quizapp.models import LtiKey, LtiPlatform, LtiStore
from quizapp.models._common import utcnow
from quizapp.services.errors import Conflict, InvalidInput, NotFound

#: Seconds to wait for a platform's answer (its key set, its token and services).
HTTP_TIMEOUT = 20
#: How long a retired key stays in the JWKS after a rotation (``LTI_KEEP_RETIRED_DAYS`` overrides).
KEEP_RETIRED = dt.timedelta(days=7)
KEY_BITS = 2048


def http_session() -> requests.Session:
    """A requests session for calls to platforms: every call gives up after :data:`HTTP_TIMEOUT` seconds."""
    session = requests.Session()
    session.headers["User-Agent"] = "quizapp-lti"
    request = session.request

    def with_timeout(method, url, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return request(method, url, **kwargs)

    session.request = with_timeout  # type: ignore[method-assign]
    return session


# --- keys ---------------------------------------------------------------------------

def _new_key() -> LtiKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    jwk = JWK.from_pem(pem.encode())  # its kid is the RFC 7638 thumbprint, as pylti1p3 computes it
    public = json.loads(jwk.export_public())
    public.update(alg="RS256", use="sig")
    return LtiKey(kid=public["kid"], private_pem=pem, public_jwk=public)


def signing_key() -> LtiKey:
    """The key that signs now; the first one is made on first use."""
    key = db.session.scalar(sa.select(LtiKey).where(LtiKey.retired_at.is_(None))
                            .order_by(LtiKey.created_at.desc(), LtiKey.id.desc()).limit(1))
    if key is None:
        key = _new_key()
        db.session.add(key)
        db.session.commit()
    return key


def rotate_key() -> tuple[LtiKey, list[LtiKey]]:
    """Make a new signing key and retire the ones that signed until now; returns (new, retired)."""
    now = utcnow()
    retired = list(db.session.scalars(sa.select(LtiKey).where(LtiKey.retired_at.is_(None))))
    for key in retired:
        key.retired_at = now
    key = _new_key()
    key.created_at = now
    db.session.add(key)
    db.session.commit()
    return key, retired


def keep_retired() -> dt.timedelta:
    days = current_app.config.get("LTI_KEEP_RETIRED_DAYS")
    return dt.timedelta(days=float(days)) if days is not None else KEEP_RETIRED


def published_keys() -> list[LtiKey]:
    """The keys in the JWKS: the signing one and those retired less than :func:`keep_retired` ago."""
    signing_key()
    since = utcnow() - keep_retired()
    return list(db.session.scalars(sa.select(LtiKey).where(sa.or_(LtiKey.retired_at.is_(None),
                                                                  LtiKey.retired_at > since))
                                   .order_by(LtiKey.created_at.desc(), LtiKey.id.desc())))


def jwks() -> dict:
    """The tool's JSON Web Key Set (public keys only)."""
    return {"keys": [key.public_jwk for key in published_keys()]}


def public_pem(key: LtiKey) -> str:
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    return private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# --- platforms ------------------------------------------------------------------------

def _url(value: str, where: str) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"“{value}” is not an http(s) URL.", where=where)
    return value


_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def origin(url: str, where: str = "url") -> str:
    """``scheme://host[:port]`` of an http(s) URL, safe to write into a Content-Security-Policy.

    :raises InvalidInput: not an http(s) URL, or a host with characters no host has.
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc or ""):
        raise InvalidInput(f"“{url}” is not an http(s) URL with a plain host name.", where=where)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def add_platform(name: str, issuer: str, client_id: str, deployment_ids: t.Iterable[str], auth_login_url: str,
                 auth_token_url: str, key_set_url: str, auth_audience: str | None = None,
                 frame_origins: t.Iterable[str] = ()) -> LtiPlatform:
    """Register quizapp with a platform (an LMS).

    :param frame_origins: origins whose pages may frame quizapp for this
        platform's users; by default the origins of the issuer and the login URL.
    :raises InvalidInput: an empty field, a URL that is not http(s), no deployment id.
    :raises Conflict: this issuer and client id are registered already.
    """
    name, issuer, client_id = (name or "").strip(), (issuer or "").strip(), (client_id or "").strip()
    if not name:
        raise InvalidInput("Give the platform a name.", where="name")
    _url(issuer, "issuer")
    if not client_id:
        raise InvalidInput("Give the client id the platform assigned to quizapp.", where="client_id")
    deployments = sorted({d.strip() for d in deployment_ids if d and d.strip()})
    if not deployments:
        raise InvalidInput("Give at least one deployment id.", where="deployment_ids")
    urls = {where: _url(value, where) for where, value in (
        ("auth_login_url", auth_login_url), ("auth_token_url", auth_token_url), ("key_set_url", key_set_url))}
    origins = sorted({origin(o, "frame_origins") for o in frame_origins if o and o.strip()}) \
        or sorted({origin(issuer, "issuer"), origin(urls["auth_login_url"], "auth_login_url")})
    if db.session.scalar(sa.select(LtiPlatform.id).filter_by(issuer=issuer, client_id=client_id)):
        raise Conflict(f"The platform {issuer} with client id {client_id} is registered already.", where="client_id")
    platform = LtiPlatform(name=name, issuer=issuer, client_id=client_id, deployment_ids=deployments,
                           auth_audience=(auth_audience or "").strip() or None, frame_origins=origins, **urls)
    db.session.add(platform)
    db.session.commit()
    return platform


def list_platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(sa.select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)))


def get_platform(platform_id: int) -> LtiPlatform:
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is None:
        raise NotFound("There is no such platform.")
    return platform


def find_platform(issuer: str, client_id: str | None = None) -> LtiPlatform | None:
    """The platform of ``issuer`` (and ``client_id``); with no client id, the issuer's only one."""
    query = sa.select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = list(db.session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


def all_frame_origins() -> list[str]:
    """Every registered platform's frame origins (the LTI pages may be framed by any of them)."""
    return sorted({o for origins in db.session.scalars(sa.select(LtiPlatform.frame_origins)) for o in origins or ()})


def registration(platform: LtiPlatform) -> Registration:
    """pylti1p3's view of a platform, with the tool's current signing key."""
    key = signing_key()
    reg = (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
           .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
           .set_key_set_url(platform.key_set_url).set_tool_private_key(key.private_pem)
           .set_tool_public_key(public_pem(key)))
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    return reg


class DatabaseToolConf(ToolConfAbstract):
    """The registered platforms, read from the database on every lookup (nothing cached in the process)."""

    def __init__(self):
        super().__init__()
        self.issuers_relation_types = {}

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False  # an issuer may have several registrations (client ids)

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        platform = find_platform(iss)
        return registration(platform) if platform else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        return registration(platform) if platform else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = find_platform(iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


# --- the OIDC round trip's storage ---------------------------------------------------------

class DatabaseLaunchStorage(LaunchDataStorage[t.Any]):
    """pylti1p3's launch data, states and nonces in :class:`~quizapp.models.LtiStore`.

    A nonce is checked by deleting it: the one statement that removes it is
    the check, so a replayed nonce finds nothing, whichever process it reaches.
    """

    _session_cookie_name = ""  # no extra cookie: the keys are random and the state cookie binds the browser

    def get_session_cookie_name(self):
        return None

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> t.Any:
        return db.session.scalar(sa.select(LtiStore.value).where(LtiStore.key == self._prepare_key(key),
                                                                  LtiStore.expires_at > utcnow()))

    def set_value(self, key: str, value: t.Any, exp: int | None = None) -> None:
        key = self._prepare_key(key)
        now = utcnow()
        db.session.execute(sa.delete(LtiStore).where(sa.or_(LtiStore.key == key, LtiStore.expires_at <= now)))
        db.session.add(LtiStore(key=key, value=value, expires_at=now + dt.timedelta(seconds=exp or 3600)))
        db.session.commit()

    def check_value(self, key: str) -> bool:
        if "-nonce-" in key:  # pylti1p3 asks this once, when a launch presents the nonce
            return self.consume(key)
        return self.get_value(key) is not None

    def consume(self, key: str) -> bool:
        """Whether ``key`` was stored and unexpired; it is gone afterwards (a single use)."""
        removed = db.session.execute(sa.delete(LtiStore).where(LtiStore.key == self._prepare_key(key),
                                                               LtiStore.expires_at > utcnow())).rowcount
        db.session.commit()
        return removed == 1
