"""Organizations, people, places and dates of the seed; date resolution rules."""

from __future__ import annotations

import datetime as dt

import pytest

from quizapp.generator import extract, plain_article
from quizapp.generator.dates import find_dates

BIO_NAMES = ("Jon Jackson", "Maxim Guchek", "Den of Geek", "New York University", "Maxim", "Newsweek")


def by_kind(facts, kind):
    return {f["name"]: f for f in facts.to_list() if f["kind"] == kind}


def test_seed_organizations(seed_facts):
    orgs = by_kind(seed_facts, "organization")
    assert set(orgs) == {"Ministry of Defence", "Institute for the Study of War", "TASS", "Kremlin"}
    assert {"MOD", "British Ministry of Defense"} <= set(orgs["Ministry of Defence"]["aliases"])
    assert orgs["Institute for the Study of War"]["aliases"] == ["ISW"]
    assert orgs["Institute for the Study of War"]["type"] == "think tank"


def test_seed_people_and_roles(seed_facts):
    people = by_kind(seed_facts, "person")
    assert set(people) == {"Vladimir Putin", "Alexander Lukashenko", "Dmitry Peskov"}
    assert people["Dmitry Peskov"]["role"] == "Kremlin spokesman"
    assert people["Vladimir Putin"]["role"] == "Russian President"
    assert people["Alexander Lukashenko"]["role"] == "Belarusian President"
    assert len(people["Vladimir Putin"]["mentions"]) == 4  # "Putin" joins the full name


def test_seed_places(seed_facts, seed_article):
    places = by_kind(seed_facts, "place")
    assert {"Minsk", "Moscow", "Kyiv", "Belarus", "Russia", "Ukraine", "United Kingdom"} == set(places)
    for place in places.values():
        for start, end in place["mentions"]:
            assert seed_article.body[start:end] in [place["name"], *place.get("aliases", [])]


def test_nothing_from_the_writer_bio_or_photo_credit(seed_facts):
    text = repr(seed_facts.to_list())
    for name in BIO_NAMES:
        assert name not in text


SEED_DATES = {
    "Thursday": ("2022-12-22", "day"),
    "Monday": ("2022-12-19", "day"),
    "Wednesday": ("2022-12-21", "day"),
    "December 11": ("2022-12-11", "day"),
    "Last month": ("2022-11", "month"),
    "earlier this month": ("2022-12", "month"),
    "late February": ("2022-02", "month"),
    "this week": ("2022-12-19", "week"),
    "summer": ("2022-summer", "season"),
}


def test_seed_dates(seed_facts, seed_article):
    dates = {d["text"]: d for d in seed_facts.to_list() if d["kind"] == "date"}
    assert {k: (v["value"], v["granularity"]) for k, v in dates.items()} == SEED_DATES
    for date in dates.values():
        assert seed_article.body[date["start"]:date["end"]] == date["text"]
    assert dates["late February"]["event"] == "The Kremlin launched its invasion of Ukraine"
    assert dates["late February"]["qualifier"] == "late"
    assert dates["earlier this month"]["qualifier"] == "earlier"


def values(text, published):
    return [(d.text, d.value) for d in find_dates(text, [(0, len(text))], published)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It happened on Monday.", [("Monday", "2023-03-13")]),
        ("It happened last Wednesday.", [("last Wednesday", "2023-03-08")]),
        ("They meet next Friday.", [("next Friday", "2023-03-17")]),
        ("The vote is on Friday, officials will say.", [("Friday", "2023-03-10")]),
        ("Work will start on Friday.", [("Friday", "2023-03-17")]),
        ("It was signed on Dec. 11.", [("Dec. 11", "2022-12-11")]),
        ("It was signed on 4 March.", [("4 March", "2023-03-04")]),
        ("It was signed on March 4, 2019.", [("March 4, 2019", "2019-03-04")]),
        ("Prices rose last month and last year.", [("last month", "2023-02"), ("last year", "2022")]),
        ("It began in late November.", [("late November", "2022-11")]),
        ("It will begin in early May.", [("early May", "2023-05")]),
        ("Talks may resume, and they may march on.", []),
        ("Since at least the summer it has rained.", [("summer", "2022-summer")]),
        ("He was elected in 2012.", [("2012", "2012")]),
        ("It rained yesterday.", [("yesterday", "2023-03-14")]),
    ],
)
def test_date_resolution(text, expected):
    assert values(text, dt.date(2023, 3, 15)) == expected


def test_relative_dates_without_published_stay_null():
    dates = find_dates("On Monday, last month, in 2012.", [(0, 31)], None)
    assert [(d.text, d.value) for d in dates] == [("Monday", None), ("last month", None), ("2012", "2012")]


def test_no_quotes_article_still_has_places_and_dates():
    facts = extract(plain_article("Prices at the market in Lisbon held steady last week, traders said.",
                                  published="2023-01-10"))
    kinds = {f["kind"] for f in facts.to_list()}
    assert kinds == {"place", "date"}


def test_a_lone_surname_the_article_repeats_is_a_person_unless_it_is_also_a_plural_name():
    from quizapp.generator import extract, plain_article

    text = ("Thousands waited in Leeds when Kowalski launched his campaign in March. "
            "Critics say Kowalski moved too fast, and the rally ended late.")
    people = {e.name for e in extract(plain_article(text)).people()}
    assert people == {"Kowalski"}
    # "the Kowalskis" is a family or a team: no single person to ask about
    assert not extract(plain_article(text + " The Kowalskis left early.")).people()


@pytest.mark.parametrize("sentence, value", [
    ("Sales will recover by the summer, the chief executive said.", "2025-summer"),
    ("The ferry will return in the winter.", "2025-winter"),
    ("Sales fell sharply in the summer, the company said.", "2024-summer"),
    ("Since the summer, prices have risen.", "2024-summer"),
])
def test_a_season_still_to_come_is_not_pushed_into_the_past(sentence, value):
    facts = extract(plain_article(sentence, published="2025-03-12"))
    assert [(d.text, d.value) for d in facts.dates] == [(sentence.split("the ")[1].split()[0].strip(",."), value)]


@pytest.mark.parametrize("text, found", [
    ("On Jun 23, the ministry detected a case in a dormitory.", [("Jun 23", "2020-06-23")]),
    ("The minister spoke on Thursday (Jul 2) at a press conference.",
     [("Thursday", "2020-07-02"), ("Jul 2", "2020-07-02")]),
    ("The vote was held on 4 Sep 2019 in the old town hall.", [("4 Sep 2019", "2019-09-04")]),
    ("The 4 Marks were sold at auction. He met Jan Novak there.", []),
])
def test_a_month_abbreviated_without_a_period_is_read_beside_a_day(text, found):
    facts = extract(plain_article(text, published="2020-07-02"))
    assert [(d.text, d.value) for d in facts.dates] == found


def test_a_month_abbreviation_with_a_period_does_not_end_the_sentence():
    article = plain_article("On Jun. 23, the ministry detected a case. It was the first in a month.")
    assert [article.body[s:e] for s, e in article.sentences()] == [
        "On Jun. 23, the ministry detected a case.", "It was the first in a month."]
