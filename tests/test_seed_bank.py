"""The curated seed bank checked against the article it is built from.

Every question in ``question_bank/belarus-trainers.yaml`` must be a valid,
published canonical question whose cited sentence (character offsets into the
cleaned body) really supports the correct answer, whose quoted words are
verbatim, and whose distractors are never an accepted answer in disguise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from quizapp.canonical import normalize_answer, validate
from quizapp.generator.article import read_article

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_PATH = "seeds/belarus-trainers.txt"
BANK_PATH = ROOT / "question_bank" / "belarus-trainers.yaml"
ID_PREFIX = "belarus-trainers-"

ARTICLE = read_article(ROOT / ARTICLE_PATH)
BODY = ARTICLE.body
SPANS = ARTICLE.sentences()
STARTS = {start: index for index, (start, _) in enumerate(SPANS)}
ENDS = {end: index for index, (_, end) in enumerate(SPANS)}

with BANK_PATH.open(encoding="utf-8") as handle:
    BANK = yaml.safe_load(handle)
QUESTIONS = BANK["questions"]
IDS = [q.get("id", f"#{n}") for n, q in enumerate(QUESTIONS)]

#: Names that are one answer: a distractor from the same group as the correct
#: answer would be marked wrong although it is right.
SAME_ANSWER = [
    {"Ministry of Defence", "Ministry of Defense", "MOD", "British Ministry of Defense",
     "British Ministry of Defence", "UK Ministry of Defence", "UK Ministry of Defense",
     "Defence Ministry", "U.K. Ministry of Defence", "the ministry"},
    {"Institute for the Study of War", "ISW", "Institute for the Study of War (ISW)"},
    {"Alexander Lukashenko", "Lukashenko", "Aleksandr Lukashenko", "Alexander Lukashenka",
     "President Lukashenko"},
    {"Vladimir Putin", "Putin"},
    {"Dmitry Peskov", "Peskov"},
    {"Kyiv", "Kiev"},
    {"Kremlin", "the Kremlin"},
]
MINIMUM_PER_KIND = {"quote": 8, "organization": 6, "date": 6, "place": 3}
REQUIRED_TYPES = {
    "multiple_choice", "multiple_response", "true_false", "short_answer", "matching", "ordering",
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


def by_id(param):
    return pytest.mark.parametrize("question", QUESTIONS, ids=IDS)(param)


def span_text(question) -> str:
    source = question["source"]
    return BODY[source["start"]:source["end"]]


def appears(needle: str, haystack: str) -> bool:
    """``needle`` occurs in ``haystack`` as whole words once both are normalized.

    A possessive "s" is allowed after the needle ("MOD" in "the MOD's report").
    """
    needle, haystack = normalize_answer(needle), normalize_answer(haystack)
    if not needle:
        return False
    return re.search(r"(?<!\w)" + re.escape(needle) + r"s?(?!\w)", haystack) is not None


def group(name: str) -> set[str]:
    key = normalize_answer(name)
    for names in SAME_ANSWER:
        folded = {normalize_answer(n) for n in names}
        if key in folded:
            return folded
    return {key}


def _year_for(month: int, published: dt.date) -> int:
    return published.year if month <= published.month else published.year - 1


def resolve(text: str, published: dt.date) -> str | None:
    """Resolve a (relative) date expression against the published date."""
    t = normalize_answer(text)
    t = re.sub(r"^(?:since at least|since|in|on) (?:the )?", "", t)
    if t in WEEKDAYS or t[:3] in [d[:3] for d in WEEKDAYS] and len(t) == 3:
        index = [d[:3] for d in WEEKDAYS].index(t[:3])
        return (published - dt.timedelta(days=(published.weekday() - index) % 7)).isoformat()
    if t == "last month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return first.strftime("%Y-%m")
    if t in ("this month", "earlier this month"):
        return published.strftime("%Y-%m")
    if t in ("this week", "earlier this week"):
        year, week, _ = published.isocalendar()
        return f"{year}-W{week:02d}"
    if t == "summer":
        return f"{published.year if published.month >= 6 else published.year - 1}-summer"
    match = re.fullmatch(r"(?:(?:early|mid|late) )?(" + "|".join(MONTHS) + r")(?: (\d{1,2}))?", t)
    if match:
        month = MONTHS.index(match.group(1)) + 1
        year = _year_for(month, published)
        if match.group(2):
            return dt.date(year, month, int(match.group(2))).isoformat()
        return f"{year}-{month:02d}"
    return None


def denotes(answer: str, value: str, published: dt.date) -> bool:
    """Whether an answer such as "December 19, 2022" or "Wednesday" means ``value``."""
    text = answer.strip()
    for fmt in ("%B %d, %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat() == value
        except ValueError:
            pass
    try:
        return dt.datetime.strptime(text, "%B %Y").strftime("%Y-%m") == value
    except ValueError:
        pass
    return resolve(text, published) == value


def correct_answers(question) -> list[str]:
    qtype = question["type"]
    if qtype in ("multiple_choice", "multiple_response"):
        return [c["text"] for c in question["choices"] if c.get("weight", 0) > 0]
    if qtype == "short_answer":
        return [a["text"] for a in question["accepted"] if a.get("weight", 1) > 0]
    if qtype == "matching":
        return [p["match"] for p in question["pairs"]]
    if qtype == "ordering":
        return list(question["items"])
    if qtype == "true_false":
        return [question["fact"]["text"]]
    return []


def fact_names(fact) -> list[str]:
    names = [fact.get("name"), fact.get("speaker"), *fact.get("aliases", [])]
    for org in fact.get("organizations", []):
        names += [org["name"], *org.get("aliases", [])]
    for quote in fact.get("quotes", []):
        names.append(quote["speaker"])
    return [n for n in names if n]


def quote_pieces(text: str) -> list[str]:
    """The verbatim pieces of a quote trimmed with "…"."""
    return [piece.strip() for piece in text.split("…") if piece.strip()]


def assert_verbatim(piece: str, span: str, qid: str, what: str) -> None:
    position = span.find(piece)
    assert position >= 0, f"{qid}: {what} {piece!r} is not verbatim in the cited sentence"
    before = span[position - 1] if position else " "
    after = span[position + len(piece)] if position + len(piece) < len(span) else " "
    assert not before.isalnum() and not after.isalnum(), (
        f"{qid}: {what} {piece!r} is not trimmed at word boundaries"
    )


# --- the file as a whole --------------------------------------------------

def test_bank_names_its_article():
    assert BANK["article"] == ARTICLE_PATH
    assert ARTICLE.published == dt.date(2022, 12, 22)


def test_ids_are_unique_prefixed_slugs():
    duplicates = [qid for qid, n in Counter(IDS).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for qid in IDS:
        assert re.fullmatch(re.escape(ID_PREFIX) + r"[a-z0-9]+(?:-[a-z0-9]+)*", qid), (
            f"{qid}: ids are lowercase slugs starting with {ID_PREFIX!r}"
        )


def test_coverage_of_fact_kinds_and_types():
    assert len(QUESTIONS) >= 30, f"only {len(QUESTIONS)} questions"
    kinds = Counter(q["fact"]["kind"] for q in QUESTIONS)
    for kind, minimum in MINIMUM_PER_KIND.items():
        assert kinds[kind] >= minimum, f"{kinds[kind]} {kind} questions, need {minimum}: {kinds}"
    missing = REQUIRED_TYPES - {q["type"] for q in QUESTIONS}
    assert not missing, f"no question of type {sorted(missing)}"


def test_relative_date_resolution_matches_the_brief():
    published = ARTICLE.published
    assert resolve("Monday", published) == "2022-12-19"
    assert resolve("Wednesday", published) == "2022-12-21"
    assert resolve("Thursday", published) == "2022-12-22"
    assert resolve("December 11", published) == "2022-12-11"
    assert resolve("last month", published) == "2022-11"
    assert resolve("earlier this month", published) == "2022-12"
    assert resolve("late February", published) == "2022-02"
    assert resolve("the summer", published) == "2022-summer"


# --- every question -------------------------------------------------------

@by_id
def test_question_is_valid_and_published(question):
    qid = question.get("id")
    problems = validate(question)
    assert problems == [], f"{qid}: " + "; ".join(map(str, problems))
    assert question["status"] == "published", f"{qid}: status is {question['status']!r}"
    assert isinstance(question.get("fact"), dict), f"{qid}: no fact"
    assert isinstance(question.get("source"), dict), f"{qid}: no source"
    assert question.get("general_feedback", "").strip(), f"{qid}: no general_feedback"
    assert question.get("tags"), f"{qid}: no tags"
    if question["type"] == "true_false":
        assert question.get("feedback_true") and question.get("feedback_false"), (
            f"{qid}: true/false needs feedback_true and feedback_false"
        )
    if question["type"] == "multiple_choice":
        full = [c for c in question["choices"] if c["weight"] >= 1]
        assert len(full) == 1, f"{qid}: exactly one choice should be fully correct"
    if question["type"] == "multiple_response":
        positive = [c["weight"] for c in question["choices"] if c["weight"] > 0]
        assert len(positive) >= 2, f"{qid}: a multiple response needs two correct choices"
        assert sum(positive) == pytest.approx(1.0), f"{qid}: correct weights sum to {sum(positive)}"


@by_id
def test_source_slices_whole_sentences(question):
    qid, source = question["id"], question["source"]
    assert source["article"] == ARTICLE_PATH, f"{qid}: source.article is {source['article']!r}"
    start, end = source["start"], source["end"]
    assert BODY[start:end] == source["sentence"], f"{qid}: offsets do not slice the sentence"
    assert start in STARTS, f"{qid}: start {start} is not the start of a sentence"
    assert end in ENDS, f"{qid}: end {end} is not the end of a sentence"
    assert STARTS[start] <= ENDS[end], f"{qid}: the span ends before it starts"


@by_id
def test_correct_answer_is_in_the_cited_sentence(question):
    qid, fact, span = question["id"], question["fact"], span_text(question)
    answers = correct_answers(question)
    assert answers, f"{qid}: no correct answer"
    published = ARTICLE.published

    def supported(answer: str) -> bool:
        # the answer itself, or a name that is the same answer ("Lukashenko")
        if any(appears(name, span) for name in group(answer) | {answer}):
            return True
        # a date the article gives relatively ("Monday", "last month")
        return (
            fact["kind"] == "date" and "text" in fact and appears(fact["text"], span)
            and resolve(fact["text"], published) == fact["value"]
            and denotes(answer, fact["value"], published)
        )

    if question["type"] == "short_answer":
        assert any(supported(a) for a in answers), (
            f"{qid}: no accepted answer of {answers} appears in the cited sentence"
        )
        if fact["kind"] == "date":
            for answer in answers:
                assert supported(answer) or denotes(answer, fact["value"], published), (
                    f"{qid}: accepted answer {answer!r} does not mean {fact['value']}"
                )
    elif question["type"] == "ordering":
        events = fact["events"]
        assert len(events) == len(answers), f"{qid}: one event per item"
        for item, event in zip(answers, events):
            assert appears(event["text"], item), f"{qid}: item {item!r} lacks {event['text']!r}"
            assert appears(event["text"], span), f"{qid}: {event['text']!r} not in the source"
            assert resolve(event["text"], published) == event["value"], (
                f"{qid}: {event['text']!r} does not resolve to {event['value']}"
            )
        values = [event["value"] for event in events]
        assert values == sorted(values), f"{qid}: items are not in chronological order: {values}"
    else:
        for answer in answers:
            assert supported(answer), f"{qid}: correct answer {answer!r} is not in the cited sentence"


@by_id
def test_fact_is_supported_by_the_article(question):
    qid, fact, span = question["id"], question["fact"], span_text(question)
    published = ARTICLE.published
    kind = fact["kind"]
    if kind == "quote":
        texts = [fact["text"]] if "text" in fact else []
        texts += fact.get("texts", []) + [q["text"] for q in fact.get("quotes", [])]
        assert texts, f"{qid}: a quote fact needs its text"
        for text in texts:
            assert_verbatim(text, span, qid, "quoted fact")
    elif kind == "date":
        for event in fact.get("events", [fact]):
            assert appears(event["text"], span), f"{qid}: {event['text']!r} not in the source"
            assert resolve(event["text"], published) == event["value"], (
                f"{qid}: {event['text']!r} resolves to {resolve(event['text'], published)}, "
                f"not {event['value']}"
            )
    elif kind in ("organization", "place"):
        groups = fact.get("organizations") or [fact]
        for entry in groups:
            names = [entry["name"], *entry.get("aliases", [])]
            assert any(appears(n, span) for n in names), f"{qid}: none of {names} is in the source"
    elif kind == "person":
        name = fact["name"]
        assert appears(name, span) or appears(name.split()[-1], span), (
            f"{qid}: {name} is not in the source"
        )
    if kind != "quote" and "text" in fact:
        assert appears(fact["text"], span), f"{qid}: fact text {fact['text']!r} not in the source"


@by_id
def test_quotes_are_verbatim_and_trimmed_at_word_boundaries(question):
    qid, span = question["id"], span_text(question)
    for match in QUOTED.finditer(question["stem"]):
        for piece in quote_pieces(match.group(1) or match.group(2)):
            assert_verbatim(piece, span, qid, "quote in the stem")
    if question["type"] == "matching":
        quotes = question["fact"]["quotes"]
        assert len(quotes) == len(question["pairs"]), f"{qid}: one fact quote per pair"
        for pair, quote in zip(question["pairs"], quotes):
            for piece in quote_pieces(pair["prompt"]):
                assert_verbatim(piece, span, qid, "matching prompt")
                assert piece in quote["text"], f"{qid}: prompt {piece!r} is not {quote['text']!r}"
            assert normalize_answer(pair["match"]) in group(quote["speaker"]) or appears(
                pair["match"], quote["speaker"]
            ), f"{qid}: {pair['match']!r} is not the speaker {quote['speaker']!r}"


@by_id
def test_no_distractor_is_a_correct_answer(question):
    qid, fact = question["id"], question["fact"]
    if question["type"] not in ("multiple_choice", "multiple_response"):
        return
    right: set[str] = set()
    for name in correct_answers(question) + fact_names(fact):
        right |= group(name)
    for choice in question["choices"]:
        if choice["weight"] > 0:
            continue
        assert not group(choice["text"]) & right, (
            f"{qid}: distractor {choice['text']!r} is a correct answer or its alias"
        )
        if fact["kind"] == "date" and "value" in fact:
            assert not denotes(choice["text"], fact["value"], ARTICLE.published), (
                f"{qid}: distractor {choice['text']!r} means the correct date {fact['value']}"
            )
