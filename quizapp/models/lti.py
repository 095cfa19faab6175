"""LTI 1.3: the platforms (LMSs) quizapp is registered with, the tool's keys, and what launches link.

A platform launches quizapp for one of its users (``sub``) in one of its
courses (a *context*) from one of its links (a *resource link*); quizapp
keeps who that user is here (:class:`LtiAccount`), which class the course is
(:class:`LtiContext`), which quiz the link opens and where its grades go
(:class:`LtiResourceLink`), and each learner's grade on its way back
(:class:`LtiGrade`). :class:`LtiStore` holds the OIDC round trip's
single-use nonces, states and launch data, in the database so that any
worker process can finish a launch another one began.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models._common import utcnow

GRADE_STATES = ("waiting", "pending", "running", "sent", "failed")


class LtiPlatform(db.Model):
    """A registration of quizapp with one LMS (issuer + client id)."""

    __tablename__ = "lti_platform"
    __table_args__ = (sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platform_issuer_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    issuer: Mapped[str] = mapped_column(sa.String(255))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    #: the deployment ids this registration accepts
    deployment_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(sa.String(500))
    auth_token_url: Mapped[str] = mapped_column(sa.String(500))
    key_set_url: Mapped[str] = mapped_column(sa.String(500))
    #: the OAuth2 token endpoint's audience, when not its URL (Moodle and Canvas: none)
    auth_audience: Mapped[str | None] = mapped_column(sa.String(500))
    #: origins allowed to frame quizapp's pages for this platform's users (CSP frame-ancestors)
    frame_origins: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LtiKey(db.Model):
    """One of the tool's RSA key pairs; the newest unretired one signs, all recent ones are in the JWKS."""

    __tablename__ = "lti_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(sa.String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(sa.Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: when a newer key took over signing (None: this key signs)
    retired_at: Mapped[dt.datetime | None]


class LtiStore(db.Model):
    """Short-lived values of the OIDC round trip: nonces and states (used once), launch data."""

    __tablename__ = "lti_store"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class LtiAccount(db.Model):
    """A quizapp account standing for a platform's user: (issuer, subject), no password."""

    __tablename__ = "lti_account"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="uq_lti_account_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("lti_platform.id", name="fk_lti_account_platform"),
                                             index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", name="fk_lti_account_user"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class LtiContext(db.Model):
    """A platform's course, kept as a quizapp class."""

    __tablename__ = "lti_context"
    __table_args__ = (sa.UniqueConstraint("platform_id", "context_id", name="uq_lti_context_platform_context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("lti_platform.id", name="fk_lti_context_platform"))
    context_id: Mapped[str] = mapped_column(sa.String(255))
    classroom_id: Mapped[int] = mapped_column(sa.ForeignKey("classroom.id", name="fk_lti_context_classroom"),
                                              index=True)
    title: Mapped[str] = mapped_column(sa.String(255), default="")
    #: the platform's Names and Role Provisioning Services URL, from the last launch that gave one
    memberships_url: Mapped[str | None] = mapped_column(sa.String(500))
    synced_at: Mapped[dt.datetime | None]
    sync_message: Mapped[str | None] = mapped_column(sa.Text)

    platform = relationship("LtiPlatform")
    classroom = relationship("Classroom")


class LtiResourceLink(db.Model):
    """A link in a course that opens a quiz; its line item receives the quiz's grades."""

    __tablename__ = "lti_resource_link"
    __table_args__ = (sa.UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_link_platform_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("lti_platform.id", name="fk_lti_link_platform"))
    resource_link_id: Mapped[str] = mapped_column(sa.String(255))
    context_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lti_context.id", name="fk_lti_link_context"),
                                                   index=True)
    quiz_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz.id", name="fk_lti_link_quiz"), index=True)
    deployment_id: Mapped[str] = mapped_column(sa.String(255))
    #: the Assignment and Grade Services claim of the last launch: line item URL and scopes; without a line
    #: item (a link the instructor typed), the first grade makes one in the course's line items container
    lineitem_url: Mapped[str | None] = mapped_column(sa.String(500))
    lineitems_url: Mapped[str | None] = mapped_column(sa.String(500))
    ags_scopes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    platform = relationship("LtiPlatform")
    context = relationship("LtiContext")
    quiz = relationship("Quiz")


class LtiGrade(db.Model):
    """A learner's grade for a resource link's quiz, on its way to the platform's line item.

    ``state`` is waiting (no finished attempt yet), pending (queued), running, sent or failed; ``message`` says
    why the last try failed. A run claims the next ``attempt`` (as
    :class:`~quizapp.models.BackgroundJob` does), so a stalled one is queued
    again by the job queue's periodic sweep and never lost.
    """

    __tablename__ = "lti_grade"
    __table_args__ = (sa.UniqueConstraint("link_id", "user_id", name="uq_lti_grade_link_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("lti_resource_link.id", name="fk_lti_grade_link"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", name="fk_lti_grade_user"), index=True)
    #: the platform's user id (``sub``) the score is for
    subject: Mapped[str] = mapped_column(sa.String(255))
    state: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    attempt: Mapped[int] = mapped_column(default=0)
    #: the grade to send, in percent (None: nothing finished yet)
    percent: Mapped[float | None]
    sent_percent: Mapped[float | None]
    sent_at: Mapped[dt.datetime | None]
    message: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    link = relationship("LtiResourceLink")
    user = relationship("User")
