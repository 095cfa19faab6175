"""What a name is, read the way a teacher reads the news: clubs and venues, a name written
two ways, a title with nobody behind it, whom "she" stands for, and sentences and events
that make honest fill-ins."""

from __future__ import annotations

import re

from quizapp.generator import extract, generate_questions, plain_article, quotes_from_text
from quizapp.generator.article import sentence_spans
from quizapp.generator.distractors import Candidate, same_referent

PUBLISHED = "2025-03-10"


def entities(text: str) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for fact in extract(plain_article(text, published=PUBLISHED)).entities.facts():
        out.setdefault(fact["kind"], {})[fact["name"]] = fact
    return out


def questions(text: str) -> list[dict]:
    return generate_questions(plain_article(text, published=PUBLISHED), all_forms=True)


def options(question: dict) -> list[str]:
    return [choice["text"] for choice in question.get("choices", [])]


MATCH_REPORT = (
    "Rovers FC lost 1-0 to the hosts at the Kwame Mensah Stadium on Sunday, coach Ana Ruiz said.\n\n"
    "Even though Rovers FC had more possession in the match, the hosts had more shots on goal. "
    "Tom Pell scored the only goal from a cross by Sam Osei, and Jon Pardo was sent off.\n\n"
    "\"We kept going and the players deserved more,\" Ruiz said of Rovers FC."
)


def test_a_club_named_with_fc_is_an_organization_and_never_a_person():
    found = entities(MATCH_REPORT)
    assert "Rovers FC" in found["organization"]
    assert "Rovers FC" not in found.get("person", {})
    for question in questions(MATCH_REPORT):
        if question["type"] == "multiple_choice" and question["fact"]["kind"] == "person":
            assert "Rovers FC" not in options(question), question["stem"]
        if "Which person" in question["stem"]:
            assert question["fact"]["kind"] == "person", question["stem"]


def test_a_stadium_or_a_street_is_a_place_whatever_the_model_says():
    found = entities(MATCH_REPORT + "\n\nFans gathered on Keel Avenue before the match.")
    assert {"Kwame Mensah Stadium", "Keel Avenue"} <= set(found["place"])
    assert not {"Kwame Mensah Stadium", "Keel Avenue"} & set(found.get("organization", {}))


def test_a_numbered_address_is_not_cut_into_a_place_and_a_stray_number():
    text = ("Four new cases were found in one household at Block 12 Bay Street 7, officials said on Friday.\n\n"
            "The households nearby were told to stay at home for a week.")
    found = entities(text)
    assert "Block 12 Bay Street" not in found.get("place", {})
    assert not any("_____ 7" in q["stem"] for q in questions(text))


def test_an_age_written_before_a_name_is_not_part_of_it():
    text = ("Twenty-five-year-old Colin Frame admitted two counts of fraud on Tuesday.\n\n"
            "The judge said she had read letters from Frame's family before passing sentence.")
    found = entities(text)
    assert "Colin Frame" in found["person"]
    assert "Frame" not in found.get("organization", {})
    frame = found["person"]["Colin Frame"]
    assert len(frame["mentions"]) == 2  # "Frame's family" is his


def test_one_person_written_three_ways_is_one_person():
    text = ("Osei Mensah's remarks on ferries misread, says transport ministry\n\n"
            "The transport ministry said remarks by Transport Minister Kofi Osei Mensah about ferry "
            "safety had been misreported.\n\n"
            "The remarks were made by Hon. Kofi O. Mensah at a briefing on Thursday.")
    found = entities(text)
    assert "Kofi Osei Mensah" in found["person"]
    person = found["person"]["Kofi Osei Mensah"]
    assert {"Osei Mensah", "Kofi O. Mensah"} <= set(person["aliases"]) | {person["name"]}
    assert "Osei Mensah" not in found.get("organization", {})
    assert [name for name in found["person"] if "Mensah" in name] == ["Kofi Osei Mensah"]


def test_a_title_with_no_name_behind_it_is_nobody():
    text = ("The ministry said the Minister did not blame the navy for the delays.\n\n"
            "A committee chaired by the Vice President, Musa Dantani, will review the contracts.")
    people = set(entities(text).get("person", {}))
    assert "Musa Dantani" in people
    assert not people & {"Minister", "President", "Vice President"}


def test_a_surname_that_is_also_a_title_still_names_its_person():
    text = ("Judge Ellen Major heard the case in March.\n\n"
            "Major said the evidence was thin, and she ordered a new hearing.")
    person = entities(text)["person"]["Ellen Major"]
    assert len(person["mentions"]) == 2


def test_she_is_the_woman_the_article_calls_ms_not_the_man_named_last():
    text = ("Ms. Ade told reporters on Wednesday that she had never threatened a shutdown.\n\n"
            "\"At no point did I say the government would close,\" the minister said.\n\n"
            "The government, she said, has set up a committee led by the Vice President, Yusuf Bello, "
            "to deal with the budget.\n\n"
            "\"What I said was that salaries would be late, and that is the fact,\" she said.")
    quotes = {q["text"][:12]: q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)}
    assert quotes["What I said "] == "Ade"


def test_he_stays_with_the_man_named_last_when_his_gender_is_not_told():
    text = ("Mr. Carver spoke about the border wall at length on Monday.\n\n"
            "On the topic, chapter president Luis Ortega told reporters: \"We have 300 members of "
            "every background.\" He added that members are \"from every part of the state.\"")
    speakers = [q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)]
    assert speakers == ["Luis Ortega", "Luis Ortega"]


def test_a_unit_of_a_ministry_and_the_ministry_are_never_two_choices_of_one_question():
    unit = Candidate("organization", "Press Office of the Ministry")
    assert same_referent(unit, Candidate("organization", "Ministry of Water and Sanitation"))
    assert same_referent(Candidate("organization", "Ministry of Water and Sanitation"), unit)
    assert not same_referent(unit, Candidate("organization", "Coast Guard"))
    assert not same_referent(Candidate("organization", "University of Ghana"),
                             Candidate("organization", "Ghana Football Association"))


def test_a_thing_counted_is_not_a_name_to_fill_in():
    text = ("Defence Minister Kojo Mensah said a total of nine escalators, 127 Chanwang, one fuel pump and "
            "two generators had been destroyed.\n\n"
            "Mensah said the operation on the River Ofin would go on until the end of the month.")
    stems = [q["stem"] for q in questions(text)]
    assert any("on the _____ would go on" in stem for stem in stems)  # the river is asked
    assert not any("127 _____" in stem for stem in stems), stems


def test_the_tail_of_a_quotation_is_too_short_to_fill_in():
    text = ("Officer Dana Reyes addressed the court at the sentencing hearing on Tuesday.\n\n"
            "\"Is this the message you send to officers?\" Reyes asked Judge Omar Feld.")
    stems = [q["stem"] for q in questions(text)]
    assert any(stem.endswith("Officer _____ addressed the court at the sentencing hearing on Tuesday.")
               for stem in stems)
    assert not any(stem.endswith("Reyes asked Judge _____.") for stem in stems), stems


def test_an_event_is_never_a_clause_broken_where_its_date_was():
    text = ("All nine directors were re-elected until 2029 at yesterday's meeting. The firm has tried to "
            "prove it can grow since a November 6 listing. Shares fell after the lock-up ended on May 5. "
            "The chief executive left the company on January 9.")
    events = [d.event for d in extract(plain_article(text, published=PUBLISHED)).dates]
    assert events, "the dates of the text are found"
    assert "All nine directors were re-elected at yesterday's meeting" in events
    assert not any(event and re.search(r"(?:^| )'s\b|growth listing", event) for event in events), events
    # a sentence that ends in a number ends there: each event is its own sentence's
    assert "The lock-up ended" in events and "The chief executive left the company" in events


def test_a_sentence_ending_in_a_number_is_a_sentence():
    text = "Shares fell after the lock-up ended on May 5. The chief executive left. J. R. Smith met U.S. officials."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Shares fell after the lock-up ended on May 5.", "The chief executive left.", "J. R. Smith met U.S. officials."]


def test_the_city_of_a_dateline_is_a_place_and_its_agency_is_no_answer():
    text = ("MILLBROOK, Wash. (AP) - Health officials say nine cases of measles are linked to a Millbrook "
            "clinic.\n\n"
            "Experts from the Harlow County Health Department announced two new cases on Monday.\n\n"
            "Testing by the State Public Health Laboratory showed that the cases share one strain, "
            "and the Millbrook Clinic Trust said it would pay for the tests.")
    found = entities(text)
    assert "Millbrook" in found["place"]
    assert "Millbrook" not in found.get("organization", {})
    assert "AP" not in found.get("organization", {})
    for question in questions(text):
        assert "AP" not in options(question), question["stem"]


def test_a_law_is_not_an_organization_to_choose_from():
    text = ("The House has passed the Clean Rivers Restoration Act, sponsored by Rep. Ana Lopez, to fund "
            "new water plants. Lopez said: \"Our rivers cannot wait another year.\"\n\n"
            "The Senate will vote on the Harbour Safety Bill next week, and the Coast Guard backs it.")
    found = entities(text)
    laws = {"Clean Rivers Restoration Act", "Harbour Safety Bill"}
    assert not laws & set(found.get("organization", {})) and not laws & set(found.get("person", {}))
    assert "Ana Lopez" in found["person"]


def test_a_role_owned_by_a_common_noun_is_asked_with_its_article():
    text = ("The outbreak began on Sunday, said Ellen Dorsey, the hospital's chief operating officer.\n\n"
            "Dorsey said the unit would stay closed for a week.")
    stems = [q["stem"] for q in questions(text)]
    assert "Who is described in the article as the hospital's chief operating officer?" in stems, stems


def test_a_company_with_and_without_its_legal_form_is_one_organization():
    text = ("Lumen Foods Ltd Chief Executive Dana Hale faced angry shareholders on Tuesday. Hale said Lumen Foods "
            "was on the right path after its shares fell by a third.")
    found = entities(text)
    assert set(found["organization"]) == {"Lumen Foods"}  # not "Lumen Foods Ltd Chief" beside it
    assert "Lumen Foods Ltd" in found["organization"]["Lumen Foods"]["aliases"]


def test_a_description_by_company_and_role_is_the_person_named_last_at_that_company():
    opening = "Lumen Foods Ltd Chief Executive Dana Hale faced angry shareholders on Tuesday. "
    text = (opening + "Hale said Lumen Foods was on the right path after its shares fell by a third.\n\n"
            "Nothing \"has made me doubt the plan we chose for the company,\" the 52-year-old Lumen Foods "
            "co-founder said at the meeting in Leeds.")
    assert [q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)] == ["Dana Hale"]
    # someone named in between may be the one described: then the quotation is nobody's rather than hers
    text = (opening + "The first shop opened in 1998 in Leeds, by Tom Rowe. The late Lumen Foods co-founder "
            "called it \"a bakery with a future\".")
    assert [q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)] != ["Dana Hale"]


def test_a_quotation_that_starts_mid_sentence_is_asked_with_the_words_it_goes_on_from():
    text = ("Dana Hale faced angry shareholders at the annual meeting in Leeds on Tuesday.\n\n"
            "Nothing \"has made me think that the plan we chose for the company is wrong,\" Hale said.")
    stems = [q["stem"] for q in questions(text) if "who-said" in q["tags"]]
    assert stems and all(stem.startswith('Who said nothing "has made me think') for stem in stems), stems


def test_a_year_before_a_name_is_no_count():
    text = ("Caroline Hart presented her research at the 2018 Society for Neuroscience Meeting in San Diego.\n\n"
            "\"Music changes how we see a neutral picture,\" said Hart, a researcher at the lab.")
    assert any("at the 2018 _____ in San Diego." in q["stem"] for q in questions(text))


def test_a_quotation_two_people_said_together_is_not_asked_as_who_said_it():
    text = ("Ann Lowe and Tom Baird have studied reef fish at the institute since 2009.\n\n"
            "The warmer water could have \"grave consequences for every reef in the region,\" Lowe and Baird "
            "warned in their report.\n\n"
            "\"We need more data before anyone acts on this,\" Baird said at a briefing on Monday.")
    asked = [q["stem"] for q in questions(text) if "who-said" in q["tags"]]
    assert not any("grave consequences" in stem for stem in asked), asked
    assert any("We need more data" in stem for stem in asked), asked


def test_he_in_a_paragraph_naming_nobody_is_the_speaker_going_on_not_a_player_named_in_between():
    text = ("Harbourside coach Luis Prado said his side showed character in the 2-1 win on Sunday. \"The spirit "
            "we showed was the most important thing today,\" Prado said.\n\n"
            "Tom Pell scored first for the hosts and Sam Osei levelled before the break.\n\n"
            "The Spaniard was happy with the result after four games without a win. \"I feel very happy because "
            "we came from a difficult moment,\" he said.")
    assert [q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)] == ["Luis Prado", "Luis Prado"]
    # a paragraph that names someone before the quotation still gives "he" to them
    text = text.replace("The Spaniard was happy", "Sam Osei was happy")
    assert [q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)] == ["Luis Prado", "Sam Osei"]
    # and one named in a paragraph of their own between the quotations is the next to speak
    text = ("\"The club is in a good place,\" said Luis Prado, Harbourside's coach.\n\n"
            "Harbourside's chairman, Ken Abbott, echoed the claim that there was more to come.\n\n"
            "\"We have only just started building this team,\" he said.")
    assert [q["speaker"] for q in quotes_from_text(text, published=PUBLISHED)] == ["Luis Prado", "Ken Abbott"]
