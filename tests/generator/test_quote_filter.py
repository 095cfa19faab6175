"""The learned filter that tells quotations from titles and words held at arm's length.

Sentences are the project's own; the weights come from bench/train_quote_filter.py.
"""

from __future__ import annotations

import pytest

from quizapp.generator import quote_filter, quotes_from_text
from quizapp.generator.article import plain_article
from quizapp.generator.entities import extract_entities
from quizapp.generator.quotes import quoted_spans

STORY = (
    'The harbour board voted on Monday to close the old ferry pier. "We waited too long '
    'to decide this," said Lena Marsh, the board\'s chair.\n\n'
    'Fishermen were not pleased. "The pier is where we land our catch," said Piet Olsen, '
    'who has fished from the town for 30 years. "Where are we supposed to go now?"\n\n'
    'The board said in a statement that a new pier would be "ready within two years" and '
    'that the cost would be "shared fairly" between the town and the port.\n\n'
    'Residents watched "The Harbour Years," a documentary about the port, at the town hall on Friday.'
)


def spans(text: str):
    article = plain_article(text)
    sentences = article.sentences()
    index = extract_entities(article.body, article.paragraphs, set())
    found = quoted_spans(article.body, article.paragraphs, index, sentences)
    feats = quote_filter.span_features(article.body, found, list(article.paragraphs), sentences)
    return found, feats


def test_quotations_are_kept_and_a_documentary_title_is_not():
    quotes = {q["text"].rstrip(",.?"): q["speaker"] for q in quotes_from_text(STORY)}
    assert quotes["We waited too long to decide this"] == "Lena Marsh"
    assert quotes["The pier is where we land our catch"] == "Piet Olsen"
    assert quotes["Where are we supposed to go now"] == "Piet Olsen"
    assert "ready within two years" in quotes
    assert "shared fairly" in quotes
    assert "The Harbour Years" not in quotes


def test_a_book_title_beside_its_author_is_not_a_quotation():
    text = ('Her novel, "A Winter in Lisbon," sold well in its first month. '
            '"I wrote it in six weeks," the author, Mara Quint, told reporters.')
    quotes = [q["text"] for q in quotes_from_text(text)]
    assert quotes == ["I wrote it in six weeks,"]


def test_the_filter_only_removes_spans_the_rules_found():
    found, _ = spans(STORY)
    kept = {q["text"] for q in quotes_from_text(STORY)}
    assert kept < {q.text for q in found}


def test_a_quotation_outranks_a_title_in_the_model():
    found, feats = spans(STORY)
    prob = {q.text: quote_filter.probability(f) for q, f in zip(found, feats)}
    threshold = quote_filter.model()["threshold"]
    assert prob["We waited too long to decide this,"] > threshold > prob["The Harbour Years,"]


@pytest.mark.parametrize("text", [
    STORY,
    'Critics called it the "fiscal bridge" deal. The minister, Ana Ruiz, said it was "the best we could get."',
    'The crowd chanted "Four more years" as the mayor, Tom Briggs, left the stage — "Thank you all," he said.',
    '"Is this the end?" asked one reader (a teacher from Leeds). The paper\'s "Letters" page printed 40 replies.',
])
def test_every_feature_the_code_computes_has_a_learned_weight(text):
    """A feature added or renamed without retraining would silently count for nothing."""
    weights = quote_filter.model()["weights"]
    _, feats = spans(text)
    assert feats
    for f in feats:
        assert set(f) <= set(weights), set(f) - set(weights)


def test_the_stored_model_says_how_it_was_made():
    model = quote_filter.model()
    assert 0 < model["threshold"] < 1
    assert "train_quote_filter.py" in model["about"]
    assert len(model["weights"]) >= 20
