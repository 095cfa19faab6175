"""Issue 14, point 7: the article reader's regexes run in linear time on hostile text.

Each input is 1 MB of what makes a backtracking regex go quadratic (runs of
periods, quotes, capitals, spaces). The bound is generous: "finishes in
seconds, not minutes" — a quadratic pass over 1 MB takes hours.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizapp.generator.article import clean_body, parse_article, plain_article, sentence_spans

MB = 1_000_000
BOUND_SECONDS = 20

HOSTILE = {
    "periods": "Word" + "." * MB + " x",
    "periods then lowercase": ("." * 1000 + " x") * (MB // 1003),
    "periods and spaces": ". " * (MB // 2) + "end",
    "quotes": "He said." + '"' * MB + " x",
    "quotes and periods": '."' * (MB // 2) + " x",
    "capitals": "A." * (MB // 2) + " B",
    "capital initials": "A. " * (MB // 3) + "B",
    "spaces": "Word." + " " * MB + "x",
    "spaces with a newline": "Word." + " " * (MB // 2) + "\n" + " " * (MB // 2) + "x",
    "read more": "x" + " " * MB + "y",
    "audio": "." + " " * MB + "x",
    "byline": "Updated" + " " * MB + "x" + "y" * 100,
    "newlines": "a" + "\n " * (MB // 2) + "b",
}


def read_hostile(name: str) -> None:
    """Everything the generator does to an article's text before extraction."""
    text = HOSTILE[name]
    sentence_spans(text)
    clean_body(text)
    parse_article(text).sentences()
    plain_article(text).sentences()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_reading_hostile_text_finishes_in_seconds(name):
    # in a child process: a quadratic regex cannot be interrupted, so the child is killed instead
    code = f"from tests.generator.test_article_linear_time import read_hostile; read_hostile({name!r})"
    started = time.monotonic()
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=BOUND_SECONDS,
                       cwd=Path(__file__).resolve().parents[2], capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: reading 1 MB took more than {BOUND_SECONDS} s")
    assert time.monotonic() - started < BOUND_SECONDS


def test_sentences_are_still_split_as_before():
    text = 'Mr. Smith went to Washington. "It was cold," he said. Then U.S. troops left! Why? Because.'
    parts = [text[a:b] for a, b in sentence_spans(text)]
    assert parts == ["Mr. Smith went to Washington.", '"It was cold," he said.', "Then U.S. troops left!", "Why?", "Because."]
