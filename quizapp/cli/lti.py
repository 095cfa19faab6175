"""``quizapp lti``: register learning platforms (LMSs) and manage the tool's signing keys."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from quizapp.cli.common import fail


@click.group("lti")
def lti_group() -> None:
    """LTI 1.3: platforms and the tool's keys."""


@lti_group.command("add-platform")
@click.option("--name", required=True, help="How you call the platform, e.g. 'School Moodle'.")
@click.option("--issuer", required=True, help="The platform's issuer (platform ID), e.g. https://moodle.example.org.")
@click.option("--client-id", required=True, help="The client ID the platform gave quizapp.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True,
              help="A deployment ID the platform gave quizapp (repeat for more).")
@click.option("--auth-login-url", required=True, help="The platform's authentication request (OIDC) URL.")
@click.option("--auth-token-url", required=True, help="The platform's access token URL.")
@click.option("--key-set-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option("--auth-audience", default=None, help="The token endpoint's audience, if not its URL.")
@click.option("--frame-origin", "frame_origins", multiple=True,
              help="An origin whose pages show quizapp in a frame (default: the issuer's and the login URL's).")
@with_appcontext
def add_platform(name, issuer, client_id, deployment_ids, auth_login_url, auth_token_url, key_set_url,
                 auth_audience, frame_origins) -> None:
    """Register quizapp with a learning platform."""
    from quizapp.services import lti_tool
    from quizapp.services.errors import QuizappError

    try:
        platform = lti_tool.add_platform(name, issuer, client_id, deployment_ids, auth_login_url, auth_token_url,
                                         key_set_url, auth_audience, frame_origins)
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"Registered platform {platform.name} ({platform.issuer}, client {platform.client_id}, "
               f"deployments {', '.join(platform.deployment_ids)}).", err=True)


@lti_group.command("platforms")
@with_appcontext
def list_platforms() -> None:
    """List the registered platforms, one per line (tab-separated)."""
    from quizapp.services import lti_tool

    for p in lti_tool.list_platforms():
        click.echo("\t".join((p.name, p.issuer, p.client_id, ",".join(p.deployment_ids))))


@lti_group.command("rotate-key")
@with_appcontext
def rotate_key() -> None:
    """Make a new signing key; the old one stays in the JWKS for a while (LTI_KEEP_RETIRED_DAYS, 7)."""
    from quizapp.services import lti_tool

    key, retired = lti_tool.rotate_key()
    kept = lti_tool.keep_retired()
    click.echo(f"New signing key {key.kid}." + (
        f" Retired {', '.join(k.kid for k in retired)}; it stays in the JWKS for {kept.days} days." if retired else ""),
        err=True)


@lti_group.command("keys")
@with_appcontext
def list_keys() -> None:
    """List the keys in the tool's JWKS (the signing one first)."""
    from quizapp.services import lti_tool

    for key in lti_tool.published_keys():
        click.echo(f"{key.kid}\t{'signing' if key.retired_at is None else 'retired ' + key.retired_at.isoformat()}")
