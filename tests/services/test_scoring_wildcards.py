"""Issue 14, point 9: short-answer wildcards keep Moodle's meaning and cost linear time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.services.scoring import grade


def short(*accepted: str) -> dict:
    return {"id": "w", "type": "short_answer", "stem": "?", "accepted": [{"text": t, "weight": 1.0} for t in accepted]}


@pytest.mark.parametrize("accepted, typed, right", [
    ("Institute * War", "Institute for the Study of War", True),
    ("Institute * War", "Institute of Peace", False),
    ("*new*york*city*", "the new york city council", True),
    ("*new*york*city*", "New York", False),
    ("*new*york*city*", "city of york, new", False),  # pieces in order
    ("new*", "New Delhi", True),
    ("new*", "Old New York", False),  # anchored at the start
    ("*war", "The War", True),
    ("*war", "War and peace", False),  # anchored at the end
    ("a*a", "a", False),  # the two pieces cannot share a letter
    ("a*a", "aa", True),
    ("*", "anything at all", True),
    ("Kyiv*", "Kyiv", True),  # * may stand for nothing
    ("ab*bc", "abc", False),
    ("ab*b*bc", "abbbc", True),
])
def test_wildcards_match_as_moodle_does(accepted, typed, right):
    assert grade(short(accepted), typed).correct is right


def test_a_long_reply_against_many_wildcards_is_graded_in_seconds():
    # a backtracking regex ``.*new.*york.*city.*hall.*x`` takes hours here; a linear match takes milliseconds
    code = (
        "from quizapp.services.scoring import grade\n"
        "q = {'id': 'w', 'type': 'short_answer', 'stem': '?', 'accepted': [{'text': '*new*york*city*hall*x', 'weight': 1.0}]}\n"
        "assert not grade(q, 'new york city ' * 1400).correct\n"
        "assert grade(q, 'new york city ' * 1400 + 'city hall x').correct\n"
    )
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=20,
                       cwd=Path(__file__).resolve().parents[2], capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail("grading one long short answer took more than 20 s")
