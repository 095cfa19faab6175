"""Entity kinds with the statistical model and the rules together; dates by tense."""

from __future__ import annotations

import datetime as dt

import pytest

from quizapp.generator import extract, plain_article
from quizapp.generator.dates import find_dates
from quizapp.generator.nlp import ENV, ModelError, named_spans


def entities(text, published="2025-06-10"):
    facts = extract(plain_article(text, published=published))
    out = {}
    for fact in facts.entities.facts():
        out.setdefault(fact["kind"], {})[fact["name"]] = fact
        for start, end in fact["mentions"]:
            assert text[start:end] in {fact["name"], *fact.get("aliases", [])} or \
                fact["name"].endswith(text[start:end]), (text[start:end], fact)
    return out


def test_city_after_senator_of_is_a_place_not_a_person():
    found = entities("Senator Maria Delgado of New York said the vote would come soon.")
    assert "New York" in found["place"]
    assert "York" not in found.get("person", {})
    assert "Maria Delgado" in found["person"]


def test_company_with_a_title_word_is_not_a_person():
    found = entities("General Motors said on Tuesday that it would build a new plant in Ohio.")
    assert "General Motors" in found["organization"]
    assert "Motors" not in found.get("person", {})


def test_common_acronyms_are_not_organizations():
    text = ("The PM told reporters that EV sales had doubled. Prime Minister Anna Berg said AI would "
            "change how schools teach, and the CEO of the firm agreed.")
    orgs = entities(text).get("organization", {})
    assert not {"PM", "EV", "AI", "CEO"} & set(orgs)


def test_ticker_is_not_an_organization():
    text = "Shares of Ford Motor Company (NYSE: F) and Northwind Labs (NASDAQ:NWLB) fell sharply on Monday."
    orgs = entities(text).get("organization", {})
    assert "NWLB" not in orgs and "NYSE" not in orgs and "NASDAQ" not in orgs
    assert "Ford Motor Company" in orgs


def test_organizations_without_an_organization_word_are_found():
    text = ("Google said it would invest in the region. The WHO warned that cases were rising, "
            "while Hamas rejected the offer on Sunday.")
    orgs = entities(text)["organization"]
    names = {n for name, fact in orgs.items() for n in [name, *fact["aliases"]]}
    assert {"Google", "WHO", "Hamas"} <= names


def test_a_broadcaster_before_said_is_not_a_person():
    found = entities('"We have no comment," Al Jazeera said in a statement on Friday.')
    assert "Al Jazeera" in found["organization"]
    assert "Al Jazeera" not in found.get("person", {})


def test_surname_first_joins_the_full_name():
    text = ('LeBlanc said the talks went well. "We are close," said Dominic LeBlanc, the minister, '
            "who added that LeBlanc's office would publish the text.")
    people = entities(text)["person"]
    assert list(people) == ["Dominic LeBlanc"]
    assert len(people["Dominic LeBlanc"]["mentions"]) == 3


def test_acronym_joins_its_full_name_without_parentheses():
    text = ("The Federal Aviation Administration grounded the jets on Wednesday. "
            "The FAA said the order would stay in place for weeks.")
    orgs = entities(text)["organization"]
    assert list(orgs) == ["Federal Aviation Administration"]
    assert "FAA" in orgs["Federal Aviation Administration"]["aliases"]


def test_headline_words_are_not_people():
    text = ("Mayor Says Harbor Plan Will Go Ahead\n\n"
            "Mayor Lena Ortiz said on Monday that the harbor plan would go ahead.")
    people = entities(text)["person"]
    assert set(people) == {"Lena Ortiz"}


def test_missing_model_names_the_variable_and_the_package(monkeypatch):
    monkeypatch.setenv(ENV, "no_such_model_pkg")
    with pytest.raises(ModelError, match=f"{ENV}.*pip install"):
        named_spans("Anna Berg spoke.", [(0, 16)])


def dates(text, published):
    return [(d.text, d.value, d.granularity) for d in find_dates(text, [(0, len(text))], published)]


def test_future_month_resolves_forward():
    assert dates("The new law takes effect in January.", dt.date(2025, 10, 14)) == [
        ("January", "2026-01", "month")]
    assert dates("The plant will open in March.", dt.date(2025, 10, 14)) == [("March", "2026-03", "month")]


def test_past_month_stays_in_the_past():
    assert dates("Exports dropped sharply in August.", dt.date(2025, 3, 2)) == [("August", "2024-08", "month")]


def test_fourth_of_july_deadline_in_june_is_the_coming_one():
    assert dates("Lawmakers face a Fourth of July deadline to pass the budget.", dt.date(2025, 6, 12)) == [
        ("Fourth of July", "2025-07-04", "day")]


def test_month_and_day_due_is_forward():
    assert dates("The report is due on January 15.", dt.date(2025, 11, 3)) == [
        ("January 15", "2026-01-15", "day")]


def test_week_value_is_its_monday():
    assert dates("Prices rose this week.", dt.date(2022, 12, 22)) == [("this week", "2022-12-19", "week")]
    assert dates("Prices rose last week.", dt.date(2022, 12, 22)) == [("last week", "2022-12-12", "week")]
