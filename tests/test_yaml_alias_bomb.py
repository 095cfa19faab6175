"""Issue 14, point 6: YAML alias bombs are refused in every YAML path, in bounded time and memory."""

from __future__ import annotations

import time

import pytest

from quizapp.formats import yaml_bank
from quizapp.formats._base import FormatError
from quizapp.generator.article import ArticleError, parse_article
from quizapp.models import BankUpload
from tests.conftest import count
from tests.teach.test_bank_io import snapshot, teacher, upload  # noqa: F401 (fixture)

#: 8 nested anchors of 10 aliases each: ~500 bytes that expand to 10^8 strings
BOMB_LINES = ['a0: &a0 ["lol lol lol lol lol lol lol lol"]']
for n in range(1, 9):
    BOMB_LINES.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
BOMB = "\n".join(BOMB_LINES) + "\n"


def test_a_bank_file_with_an_alias_bomb_is_refused_quickly():
    text = BOMB + "questions:\n  - *a8\n"
    started = time.monotonic()
    with pytest.raises(FormatError, match="aliases expand"):
        yaml_bank.parse(text, "bomb.yaml")
    assert time.monotonic() - started < 10  # refused before anything is expanded


def test_recursive_aliases_are_refused():
    with pytest.raises(FormatError, match="refers to itself"):
        yaml_bank.parse("questions: &q\n  - *q\n", "loop.yaml")


def test_ordinary_anchors_and_merge_keys_still_work():
    bank = (
        "questions:\n"
        "  - &one {id: one, type: true_false, stem: 'First one', answer: true, tags: &tags [a, b]}\n"
        "  - {<<: *one, id: two, stem: 'Second one', tags: *tags}\n"
    )
    questions = yaml_bank.parse(bank, "ok.yaml")
    assert [q["id"] for q in questions] == ["one", "two"] and questions[1]["tags"] == ["a", "b"]
    assert questions[1]["type"] == "true_false" and questions[1]["answer"] is True


def test_front_matter_with_an_alias_bomb_is_refused():
    indented = "".join(line + "\n" for line in BOMB_LINES)
    started = time.monotonic()
    with pytest.raises(ArticleError, match="front matter"):
        parse_article(f"---\ntitle: Bomb\n{indented}---\nThe article text. It is short.\n")
    assert time.monotonic() - started < 10


def test_the_bank_page_refuses_the_bomb_and_stores_nothing(app, client, teacher, scalar):  # noqa: F811
    before = snapshot(app)
    response = upload(client, "bomb.yaml", (BOMB + "questions:\n  - *a8\n").encode())
    assert response.status_code == 422 and "aliases expand" in response.text
    assert snapshot(app) == before and scalar(count(BankUpload)) == 0
