"""Large and odd inputs: no traceback, time linear in the input."""

from __future__ import annotations

import time

from quizapp.generator import extract, generate_questions, parse_article, plain_article, quotes_from_text

PARAGRAPH = (
    '"We have waited far too long for this," Sen. Maria Lopez said on Monday. '
    '"The vote shows that the region can still build." The Port Authority of Eastport (PAE) '
    'said the plan would "protect hundreds of jobs" in Lisbon, according to TASS.'
)


def _run(chars: int) -> tuple[float, int]:
    text = "\n\n".join([PARAGRAPH] * (chars // (len(PARAGRAPH) + 2) + 1))
    began = time.process_time()
    article = parse_article(text, slug="big", published="2023-03-15")
    facts = extract(article)
    questions = generate_questions(article, facts)
    assert questions
    return time.process_time() - began, len(facts.quotes)


def test_five_megabyte_article_in_linear_time():
    small, small_quotes = _run(500_000)
    big, big_quotes = _run(5_000_000)
    assert big_quotes >= 9 * small_quotes
    # ten times the text: allow generous noise, but nothing quadratic
    assert big < 25 * max(small, 0.05), (small, big)
    assert big < 60


def test_pathological_quote_marks_and_punctuation_are_fast():
    text = ('"' * 20000) + ("a, " * 20000) + ("“" * 20000) + ("Mr. " * 20000) + ("(" * 20000)
    began = time.process_time()
    quotes_from_text(text)
    extract(plain_article(text))
    # quadratic work here takes minutes; spaCy's NER over the 200k characters
    # now costs a few seconds of its own on a shared 2-core machine
    assert time.process_time() - began < 30


def test_unbalanced_and_odd_text_gives_facts_not_errors():
    for text in ['"', '“”', '"a', 'said "', '"" said', "\u00a0\t\n", "Mr.", '"Hi," said.']:
        facts = extract(plain_article(text))
        assert isinstance(facts.to_list(), list)
        generate_questions(plain_article(text), facts)
