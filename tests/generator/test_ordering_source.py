"""Issue 16, point 4: an ordering question quotes the sentences of its events, not the article between them."""

from __future__ import annotations

from quizapp.generator import generate_questions, plain_article, quoted_source

COUNCIL = (
    "The town council of Greyhaven approved a new cycle path along the river on Monday.\n\n"
    "Residents had asked for safer routes for years. Many parents walk their children to school along the busy road.\n\n"
    "The mayor first proposed the cycle path to the council in March.\n\n"
    "Shopkeepers worried about losing parking spaces. A survey found most customers arrive on foot.\n\n"
    "Engineers from the regional transport office finished the route survey on 12 September.\n\n"
    "Work on the path is expected to begin next spring."
)
APPROVED = "The town council of Greyhaven approved a new cycle path along the river on Monday."
PROPOSED = "The mayor first proposed the cycle path to the council in March."
SURVEYED = "Engineers from the regional transport office finished the route survey on 12 September."


def test_a_generated_ordering_quotes_only_the_sentences_of_its_events():
    article = plain_article(COUNCIL, published="2024-11-20")
    (ordering,) = [q for q in generate_questions(article, all_forms=True) if q["type"] == "ordering"]
    source = ordering["source"]
    assert source["sentence"] == f"{APPROVED} … {PROPOSED} … {SURVEYED}"
    assert "Residents" not in source["sentence"] and "Shopkeepers" not in source["sentence"]
    assert (source["start"], source["end"]) == (0, COUNCIL.index(SURVEYED) + len(SURVEYED))
    assert quoted_source(ordering) == source  # already only its events: nothing more to cut


def stored_ordering(sentence: str, start: int, events: list[dict]) -> dict:
    """An ordering question as an older bank stores it: the whole stretch of article as its source."""
    return {
        "type": "ordering",
        "stem": "Put these events in order.",
        "items": [e["event"] for e in events],
        "fact": {"kind": "date", "events": events},
        "source": {"article": "articles/bakery.txt", "sentence": sentence, "start": start, "end": start + len(sentence)},
    }


def test_a_stored_ordering_quotes_the_sentences_of_its_events_found_by_their_words():
    text = (
        "The bakery on Mill Lane opened its doors in 1998. Bread was baked there every night.\n\n"
        "On Tuesday the owners sold the shop to a cooperative. Tuesday is also market day in the village.\n\n"
        "Flour prices rose sharply. The new owners plan to reopen the café in June."
    )
    question = stored_ordering(text, 40, [
        {"text": "1998", "event": "The bakery on Mill Lane opened"},
        {"text": "Tuesday", "event": "The owners sold the shop to a cooperative"},
        {"text": "June", "event": "The new owners reopen the café"},
    ])
    source = quoted_source(question)
    assert source["sentence"] == (
        "The bakery on Mill Lane opened its doors in 1998. … On Tuesday the owners sold the shop to a cooperative."
        " … The new owners plan to reopen the café in June."
    )  # of the two sentences saying "Tuesday", the one about the sale
    assert source["start"] == 40 and source["end"] == 40 + len(text)
    assert source["article"] == "articles/bakery.txt"
    assert question["source"]["sentence"] == text  # the stored question itself is left as it is


def test_offsets_find_an_event_whose_words_appear_twice():
    text = "Ann Reyes joined the choir on Friday. The choir sang on Friday in the town hall. The season ended."
    second = text.index("on Friday in") + 3
    question = stored_ordering(text, 100, [
        {"text": "Friday", "event": "Ann Reyes joined the choir", "start": 100 + second, "end": 100 + second + 6},
    ])
    assert quoted_source(question)["sentence"] == "The choir sang on Friday in the town hall."
    assert quoted_source(question)["start"] == 100 + text.index("The choir sang")


def test_other_questions_and_unfound_events_keep_their_source():
    text = "The ferry left at dawn. It arrived at noon."
    lost = stored_ordering(text, 0, [{"text": "Sunday", "event": "The ferry left"}])
    assert quoted_source(lost) == lost["source"]
    choice = {"type": "multiple_choice", "source": {"sentence": text}, "fact": {"kind": "date", "events": []}}
    assert quoted_source(choice) is choice["source"]
    assert quoted_source({"type": "ordering", "items": ["a", "b"]}) is None
    odd = {**lost, "source": {"sentence": None}}  # a bank file may say anything
    assert quoted_source(odd) is odd["source"]
