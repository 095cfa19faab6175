"""Final grades: one percent per learner and quiz, by the quiz's grading method.

As in Moodle's quiz settings, a quiz that allows several attempts reduces
them to one grade with its ``grading_method``:

=========  ==========================================================
highest    the best percent among the finished attempts
latest     the percent of the attempt finished last
average    the mean of the finished attempts' percents
=========  ==========================================================

Only finished attempts count; an attempt still in progress has no grade yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizapp.models import Attempt
from quizapp.models.quiz import GRADING_METHODS


def final_grade(attempts: Iterable[Attempt], method: str) -> float | None:
    """The learner's grade for a quiz, in percent, from their attempts at it.

    :param attempts: the learner's attempts at one quiz, finished or not.
    :param method: ``"highest"``, ``"latest"`` or ``"average"``.
    :returns: a percent in [0, 100] (each attempt's ``percent``), or None
        when no attempt is finished.
    :raises ValueError: for an unknown grading method.
    """
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}; use one of {', '.join(GRADING_METHODS)}")
    finished = [a for a in attempts if a.finished_at is not None]
    if not finished:
        return None
    if method == "highest":
        return max(a.percent for a in finished)
    if method == "latest":
        # the id breaks ties between attempts finished within the same clock tick
        return max(finished, key=lambda a: (a.finished_at, a.id)).percent
    return sum(a.percent for a in finished) / len(finished)
