"""Work a teacher started that runs on the job queue: a large bank import, a whole-school export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import db
from quizapp.models._common import utcnow

JOB_STATES = ("pending", "running", "done", "failed")


class BackgroundJob(db.Model):
    """One piece of queued work and what the teacher sees of it.

    ``params`` say what to do (the upload to import, the export's filters);
    ``result`` what came of it (the export's file). A run claims the next
    ``attempt`` and may change the row only while the attempt is its own,
    so a run that a killed worker left behind cannot finish after its
    replacement. ``updated_at`` is the heartbeat.
    """

    __tablename__ = "background_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    state: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    attempt: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    message: Mapped[str | None] = mapped_column(sa.Text)
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def working(self) -> bool:
        return self.state in ("pending", "running")
