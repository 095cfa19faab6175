"""Rate limits kept in the database: logins, registration, join codes.

Every limited attempt is *claimed* before the work it limits (checking a
password, creating an account, trying a join code) with one atomic upsert on
:class:`~quizapp.models.security.RateLimit`: the row lock serialises
concurrent claims, so 24 simultaneous guesses check no more passwords than
the limit, in one gunicorn worker or across several servers.

A key allows ``limit`` attempts; the attempt that reaches the limit starts a
backoff (``RATE_LIMIT_BACKOFF_S``, doubling with each further attempt, at
most ``RATE_LIMIT_MAX_BACKOFF_S``), during which claims are refused without
being counted. A key left alone for ``RATE_LIMIT_FORGET_S`` starts afresh.

Logins follow OWASP's device-cookie scheme: a successful login leaves a
signed, long-lived device cookie; a login from that device for that account
is limited only by that device's own failures, so nobody elsewhere can lock
the owner out. Other logins are limited per (account, address), per account
and per address.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from quizapp.extensions import db
from quizapp.models._common import INSERT_FOR, utcnow
from quizapp.models.security import RateLimit

DEFAULTS = {
    "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": 5,  # failures of one account from one address
    "LOGIN_LIMIT_PER_ACCOUNT": 20,  # attempts on one account from unknown devices, any address
    "LOGIN_LIMIT_PER_ADDRESS": 100,  # attempts from one address on any account (password spraying)
    "LOGIN_LIMIT_PER_DEVICE": 10,  # failures from one known device
    "REGISTER_LIMIT_PER_ADDRESS": 30,  # accounts created from one address
    "JOIN_LIMIT_PER_USER": 10,  # join codes tried by one account
    "JOIN_LIMIT_PER_ADDRESS": 60,  # join codes tried from one address
    "API_LIMIT_PER_TOKEN": 600,  # API requests per token per window (0: no limit)
    "API_FAILED_AUTH_PER_ADDRESS": 30,  # bad tokens presented from one address per window (0: no limit)
    "API_LIMIT_WINDOW_S": 60,
    "RATE_LIMIT_BACKOFF_S": 60,
    "RATE_LIMIT_MAX_BACKOFF_S": 3600,
    "RATE_LIMIT_FORGET_S": 24 * 3600,
    "DEVICE_COOKIE_NAME": "quizapp_device",
    "DEVICE_COOKIE_MAX_AGE_S": 180 * 24 * 3600,
}


def init_app(app: Flask) -> None:
    """Set the limits' defaults on ``app`` (each can be overridden in the config)."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def client_address() -> str:
    """The client's address (the real one behind ``--trusted-proxies``)."""
    return (request.remote_addr or "unknown")[:64]


def claim(key: str, limit: int, now: dt.datetime | None = None) -> bool:
    """Count one attempt on ``key`` and say whether it may go ahead (one atomic statement).

    A refused attempt is not counted; it commits the claim either way.
    """
    now = now or utcnow()
    token = secrets.token_hex(8)
    base, cap = setting("RATE_LIMIT_BACKOFF_S"), setting("RATE_LIMIT_MAX_BACKOFF_S")
    steps = _backoff_steps(base, cap)
    values = {
        "key": key[:200], "claim": token, "now": now,
        "forget_before": now - dt.timedelta(seconds=setting("RATE_LIMIT_FORGET_S")),
        "first_until": now + dt.timedelta(seconds=base) if limit <= 1 else None,
        "until_cap": now + dt.timedelta(seconds=cap),
        **{f"until_{step}": now + dt.timedelta(seconds=base * 2**step) for step in range(steps)},
    }
    statement = _claim_statement(db.session.get_bind().dialect.name, limit, steps)
    won = db.session.execute(statement, values).scalar_one() == token
    db.session.commit()
    return won


def _backoff_steps(base: int, cap: int) -> int:
    """How many doublings of ``base`` stay under ``cap``: the backoffs before the cap."""
    steps = 0
    while base * 2**steps < cap:
        steps += 1
    return steps


@functools.lru_cache(maxsize=64)
def _claim_statement(dialect: str, limit: int, steps: int):
    """:func:`claim`'s upsert for one limit, built once (every login runs up to three of them).

    Its parameters: ``key``, ``claim`` (this attempt's token), ``now``,
    ``forget_before``, ``first_until`` (the backoff a limit of 1 starts at
    once, else None), ``until_0`` … (the backoff started by the attempt that
    brings the count to ``limit + n``) and ``until_cap``.
    """
    insert = INSERT_FOR[dialect]
    table = RateLimit.__table__
    when = table.c.updated_at.type
    now, first_until = sa.bindparam("now", type_=when), sa.bindparam("first_until", type_=when)
    # Inside DO UPDATE, the bare columns are the existing row's values.
    forgotten = table.c.updated_at < sa.bindparam("forget_before", type_=when)
    allowed = sa.or_(forgotten, table.c.count < limit, table.c.until.is_(None), table.c.until <= now)
    backoff = sa.case(
        *((table.c.count + 1 == limit + step, sa.bindparam(f"until_{step}", type_=when)) for step in range(steps)),
        else_=sa.bindparam("until_cap", type_=when),
    )
    token = sa.bindparam("claim", type_=table.c.claim.type)
    statement = insert(table).values(key=sa.bindparam("key"), count=1, until=first_until, claim=token, updated_at=now)
    return statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": sa.case((forgotten, 1), (allowed, table.c.count + 1), else_=table.c.count),
            "until": sa.case(
                (forgotten, first_until),
                (sa.and_(allowed, table.c.count + 1 >= limit), backoff),
                else_=table.c.until,
            ),
            "claim": sa.case((allowed, token), else_=table.c.claim),
            "updated_at": sa.case((allowed, now), else_=table.c.updated_at),
        },
    ).returning(table.c.claim)


def claim_window(key: str, limit: int, window_s: int, now: dt.datetime | None = None) -> tuple[bool, int]:
    """Count one request on ``key`` in a fixed window of ``window_s`` seconds (one atomic statement).

    The API's limits (requests per token, bad tokens per address): a key
    allows ``limit`` requests until its window ends (``until``), then starts
    a new window. One row per key, however long it is used; it commits.

    :returns: whether the request may go ahead, and the seconds until the
        key's window ends (for ``Retry-After``).
    """
    now = now or utcnow()
    key = key[:200]
    token = secrets.token_hex(8)
    end = now + dt.timedelta(seconds=window_s)
    insert = INSERT_FOR[db.session.get_bind().dialect.name]
    table = RateLimit.__table__
    over = sa.or_(table.c.until.is_(None), table.c.until <= now)  # the row's window has ended
    allowed = sa.or_(over, table.c.count < limit)
    statement = insert(RateLimit).values(key=key, count=1, until=end, claim=token, updated_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[RateLimit.key],
        set_={
            "count": sa.case((over, 1), (allowed, table.c.count + 1), else_=table.c.count),
            "until": sa.case((over, end), else_=table.c.until),
            "claim": sa.case((allowed, token), else_=table.c.claim),
            "updated_at": now,
        },
    ).returning(RateLimit.claim, RateLimit.until)
    won, until = db.session.execute(statement).one()
    db.session.commit()
    return won == token, max(1, math.ceil(((until or end) - now).total_seconds()))


#: what a successful login does to its keys, built once (bound parameter ``keys``, a list)
_FORGET = sa.delete(RateLimit).where(RateLimit.key.in_(sa.bindparam("keys", expanding=True)))
_REFUND = (
    sa.update(RateLimit).where(RateLimit.key.in_(sa.bindparam("keys", expanding=True)), RateLimit.count > 0)
    .values(count=RateLimit.count - 1)
)


def forget(*keys: str) -> None:
    """Start these keys afresh (a successful login forgives its own failures)."""
    db.session.execute(_FORGET, {"keys": [k[:200] for k in keys]})
    db.session.commit()


def refund(*keys: str) -> None:
    """Give back one counted attempt on each key (a success that should not use up the limit)."""
    db.session.execute(_REFUND, {"keys": [k[:200] for k in keys]})
    db.session.commit()


# --- logins ---------------------------------------------------------------------

def account_key(username: str) -> str:
    return (username or "").strip().casefold()[:64]


@dataclass
class LoginClaim:
    """What a login attempt claimed, to settle once the password is checked."""

    allowed: bool
    trusted_device: bool
    reset_on_success: list[str] = field(default_factory=list)
    refund_on_success: list[str] = field(default_factory=list)


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="quizapp-device-cookie")


def known_device(user_id: int | None) -> str | None:
    """The nonce of this browser's device cookie when it was issued to ``user_id``."""
    raw = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not raw or user_id is None:
        return None
    try:
        data = _device_serializer().loads(raw, max_age=setting("DEVICE_COOKIE_MAX_AGE_S"))
    except BadSignature:
        return None
    if isinstance(data, dict) and data.get("u") == user_id and isinstance(data.get("n"), str):
        return data["n"][:64]
    return None


def claim_login(username: str, user_id: int | None) -> LoginClaim:
    """Count a login attempt before its password is checked.

    :param user_id: the account ``username`` names, if any (a device cookie
        is only trusted for the account it was issued to).
    """
    name = account_key(username)
    nonce = known_device(user_id)
    if nonce is not None:
        key = f"login:d:{nonce}"
        return LoginClaim(claim(key, setting("LOGIN_LIMIT_PER_DEVICE")), True, [key])
    address = client_address()
    pair, account, spray = f"login:ua:{name}|{address}", f"login:u:{name}", f"login:a:{address}"
    allowed = (claim(pair, setting("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"))
               and claim(account, setting("LOGIN_LIMIT_PER_ACCOUNT"))
               and claim(spray, setting("LOGIN_LIMIT_PER_ADDRESS")))
    return LoginClaim(allowed, False, [pair], [account, spray])


def login_succeeded(attempt: LoginClaim) -> None:
    """The password was right: forgive this device's or pair's failures; the success uses up nothing."""
    forget(*attempt.reset_on_success)
    refund(*attempt.refund_on_success)


def remember_device(response: Response, user_id: int) -> None:
    """Set the signed device cookie (kept when the browser already has one for this account)."""
    if known_device(user_id) is not None:
        return
    value = _device_serializer().dumps({"u": user_id, "n": secrets.token_hex(16)})
    response.set_cookie(
        current_app.config["DEVICE_COOKIE_NAME"], value,
        max_age=setting("DEVICE_COOKIE_MAX_AGE_S"), path="/auth/",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True, samesite="Lax",
    )
