"""Quotations and speakers: the seed's 15, and the rules on small texts."""

from __future__ import annotations

import pytest

from quizapp.generator import quotes_from_text
from quizapp.generator.quotes import find_quote_spans

MOD = "Ministry of Defence"
ISW = "Institute for the Study of War"
LUKASHENKO = "Alexander Lukashenko"

#: Every attributed quotation of the seed, in order: (text start, speaker, cue).
SEED_QUOTES = [
    ("likely use", MOD, "said"),
    ("many", MOD, "wrote"),
    ("deployed in Ukraine or have become casualties", MOD, "wrote"),
    ("prominently publicize", MOD, "added"),
    ("significant, but more discreet role", MOD, "wrote"),
    ("Although Russia and Belarus have an extensive background", MOD, "said"),
    ("Belarusian forces have traditionally been considered", MOD, "said"),
    ("Strengthening Belarusian-Russian ties", LUKASHENKO, "said"),
    ("I believe that, despite some rough spots", LUKASHENKO, "said"),
    ("military issues", "Dmitry Peskov", "said"),
    ("extraordinarily unlikely", ISW, "said"),
    ("Belarus lacks capabilities to produce", ISW, "wrote"),
    ("because the Kremlin deployed training elements", ISW, "reported"),
    ("Russia is reportedly leveraging Belarusian trainers", ISW, "read"),
    ("Russia's officer corps has been eviscerated", ISW, "read"),
]


def test_seed_has_exactly_the_fifteen_attributed_quotes(seed_facts):
    quotes = seed_facts.quotes
    assert len(quotes) == 15
    for quote, (start, speaker, cue) in zip(quotes, SEED_QUOTES):
        assert quote.text.startswith(start)
        assert quote.speaker_name == speaker, quote.text
        assert quote.cue == cue, quote.text
    counts = {}
    for quote in quotes:
        counts[quote.speaker_name] = counts.get(quote.speaker_name, 0) + 1
    assert counts == {MOD: 7, LUKASHENKO: 2, "Dmitry Peskov": 1, ISW: 5}


def test_seed_quote_offsets_and_facts(seed_facts, seed_article):
    body = seed_article.body
    for fact in (f for f in seed_facts.to_list() if f["kind"] == "quote"):
        assert body[fact["start"]:fact["end"]] == fact["text"]
        assert body[fact["sentence_start"]:fact["sentence_end"]] == fact["sentence"]
        assert fact["text"] in fact["sentence"]
        assert fact["speaker_kind"] in ("person", "organization")
    report = [f for f in seed_facts.to_list() if f["kind"] == "quote" and f["text"].startswith("Although")][0]
    assert report["speaker_mention"] == "the report"
    assert report["speaker_kind"] == "organization"


def test_quote_marks_straight_curly_nested_and_unclosed():
    text = 'He said “one” and "two" then “a “nested” one” and finally "open to the end'
    spans = find_quote_spans(text)
    contents = [text[a + 1:b - 1] if text[b - 1] in '"”' else text[a + 1:b] for a, b in spans]
    assert contents == ["one", "two", "a “nested” one", "open to the end"]


def test_wrong_way_round_marks():
    text = 'The mayor called it ”outright fraud” and “deeply unfair.“'
    assert [q["text"] for q in quotes_from_text(text)] == ["outright fraud", "deeply unfair."]


def test_a_lone_quoted_word_nobody_said_is_emphasis_not_a_quotation():
    text = 'The so-called “reform” passed. “It is a disgrace,” Mayor Ann Bell said. Its cost is “unknown”.'
    assert [q["text"] for q in quotes_from_text(text)] == ["It is a disgrace,"]


def test_markup_attribute_values_are_not_quotations():
    text = '<post author="someone" id="77">A long day at the office,</post> she said.'
    assert quotes_from_text(text) == []


def test_a_name_and_a_verb_we_do_not_list_close_a_quotation():
    text = ('Mayor Ann Bell met the council. “Would you raise the levy?” Tom Ruiz pressed. '
            '“Not this year,” Bell answered.')
    speakers = [q["speaker"] for q in quotes_from_text(text)]
    assert speakers == ["Tom Ruiz", "Ann Bell"]


def test_a_lone_name_before_a_cue_is_a_name_even_when_it_is_a_common_word():
    # a demonym, a month, an auxiliary verb
    for name, surname in (("Lena Cuban", "Cuban"), ("Mei Jun", "Jun"), ("Jon Will", "Will")):
        text = f'The organizer {name} spoke at the fair. “The crowd was huge,” {surname} said.'
        assert quotes_from_text(text)[0]["speaker"] == name


def test_one_line_a_paragraph_without_blank_lines():
    text = ('“We will rebuild the bridge,” Mayor Ann Bell said.\n'
            'The council meets on Friday to vote on the plan and its cost.\n'
            '“It is far too expensive.”')
    quotes = quotes_from_text(text)
    assert [q["speaker"] for q in quotes] == ["Ann Bell", None]


def speakers(text: str) -> list[str | None]:
    return [q["speaker"] for q in quotes_from_text(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # cue after the quote, speaker before or after the verb
        ('"We will win," Warren said.', ["Warren"]),
        ('"We will win," said Rep. John Mica (R-Fla.), the chairman.', ["John Mica"]),
        # appositive between speaker and cue
        ('"It is over," Michael Flynn, a top Trump surrogate, said Thursday.', ["Michael Flynn"]),
        ('"It is over," Senate Majority Leader Mitch McConnell, R-Ky., said.', ["Mitch McConnell"]),
        # cue before the quote; title and role words in front of the name
        ('Kremlin spokesman Dmitry Peskov said "military issues" would be discussed.', ["Dmitry Peskov"]),
        ('Clinton communication director Jennifer Palmieri said Trump is reduced to "taunts."', ["Jennifer Palmieri"]),
        ('Benjamin Rhodes, one of the president\'s closest aides, recalled Obama reading "Collapse."', ["Benjamin Rhodes"]),
        ('Said Ellis: "I do not get the sense she is interested."', ["Ellis"]),
        # continuation after the attribution, and in the same sentence
        ('"That," he added, "makes life harder." Earlier, Mr. Obama spoke.', [None, None]),
        ('"First point," Mr. Obama said. "Second point."', ["Obama", "Obama"]),
        ('Trump called him a "nasty guy," an "anchor baby" and "sick."', ["Trump", "Trump", "Trump"]),
        # according to
        ('McAuliffe was greeted with chants of "Bobby!" last month, according to union president Doris Crouse-Mays.',
         ["Doris Crouse-Mays"]),
        # pronouns: the person named in the sentence, else the last one named
        ('Lynch said she recalled thinking, "This is what people talk about."', ["Lynch"]),
        ('Mr. Clarke hopes to offset the coal. "It is all I can afford," he said.', ["Clarke"]),
        # a possessive description is not the owner
        ('"That was outrageous," Obama\'s former campaign strategist said.', [None]),
        # transcript label
        ('"PENCE: Well, look, this is serious business."', ["Pence"]),
        # quoted show titles after a possessive are not quotations
        ('Johnson told MSNBC\'s "Morning Joe" that "exactly who did it" is unknown.', ["Johnson"]),
    ],
)
def test_speaker_rules(text, expected):
    assert speakers(text) == expected


def test_descriptions_resolve_to_the_right_entity():
    text = (
        "The Institute for the Study of War (ISW) published an update.\n\n"
        '"Belarus will not join," the think tank said.\n\n'
        "The Ministry of Defence (MOD) disagreed on Monday.\n\n"
        'In its assessment, the ministry wrote that training was "covert." '
        '"Russia is short of trainers," the report said.'
    )
    quotes = quotes_from_text(text)
    assert [(q["text"][:12], q["speaker"]) for q in quotes] == [
        ("Belarus will", ISW),
        ("covert.", MOD),
        ("Russia is sh", MOD),
    ]


def test_pronoun_prefers_person_named_since_last_quote(harbor_facts):
    by_text = {q.text: q for q in harbor_facts.quotes}
    assert by_text["We have waited far too long for this,"].speaker_name == "Maria Lopez"
    assert by_text["The vote shows that the region can still build."].speaker_name == "Maria Lopez"
    assert by_text["a gamble with public money"].speaker_name == "Halvorsen"
    assert by_text["Until they do, I will keep asking."].speaker_name == "Halvorsen"
    assert by_text["fully funded through 2025."].speaker_name == "Port Authority of Eastport"


def test_quote_only_paragraph_continues_previous_speaker():
    text = '"We are ready," the mayor, Ann Bell, said.\n\n"Nobody else was."'
    assert speakers(text) == ["Ann Bell", "Ann Bell"]


def test_no_quotes():
    assert quotes_from_text("Prices held steady, traders said on Monday.") == []


def test_a_cue_that_closes_the_sentence_after_other_words():
    text = 'The council met on Monday. “The levy is fair” to most families, said Mayor Ann Bell.'
    assert quotes_from_text(text)[0]["speaker"] == "Ann Bell"


def test_a_sentence_that_says_who_speaks_next():
    text = 'The vote was close. Mayor Tom Ruiz agreed. “This plan will work.”'
    assert quotes_from_text(text)[0]["speaker"] == "Tom Ruiz"


def test_a_quotation_paragraph_after_a_paragraph_that_ends_on_its_speaker():
    text = 'The council published its answer, and the Harbor Trust responded:\n\n“We will appeal the decision in court.”'
    assert quotes_from_text(text)[0]["speaker"] == "Harbor Trust"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"The bridge can wait," said Harbor campaign manager Lena Ortiz.', ["Lena Ortiz"]),
        ('"We were never asked," said Dover resident Paul Grady.', ["Paul Grady"]),
        ('"It is a tax on commuters," said former Maine councilman Eli Marsh.', ["Eli Marsh"]),
        ('"Nobody wanted this," said Ortiz’s top transport aide Sam Kline.', ["Sam Kline"]),
        ('"The tunnel is safe," said Vermont’s Ada Royce, an engineer.', ["Ada Royce"]),
    ],
)
def test_the_speaker_is_the_name_after_the_role_words_not_the_place_or_patron_before_them(text, expected):
    assert speakers(text) == expected


def test_a_capitalised_cue_word_inside_a_name_is_not_a_cue():
    text = 'Ann Bell described the port as "a gift" for the United States.'
    assert speakers(text) == ["Ann Bell"]
    text = 'Ann Bell described the levy as "a burden" for the Islamic State.'
    assert speakers(text) == ["Ann Bell"]


def test_a_sentence_opener_is_not_a_speaker():
    text = 'The council met. First, the mayor called the plan "a gamble" for the town.'
    assert quotes_from_text(text)[0]["speaker"] != "First"
    text = 'Nobody objected. It’s the old "pay later" promise again.'
    assert quotes_from_text(text)[0]["speaker"] is None


def test_a_name_inside_the_quotation_never_speaks_it():
    text = 'Harbor Trust chief Nina Vale spoke at the launch. "We sold out, ask Tom Hale," she said.'
    assert speakers(text) == ["Nina Vale"]
    text = ('Nina Vale runs Channel Ferries Ltd, which posted an update on Monday. '
            '"Tickets sold through Seaport Airlines are delayed," the company wrote.')
    assert speakers(text) == ["Channel Ferries Ltd"]


def test_a_role_description_is_the_person_holding_the_role_never_its_modifier():
    text = ('Coach Ivan Petrov of the Harbor Lions spoke after the match. '
            '"We defended well," said the Harbor Lions coach.\n\n'
            '"Nobody expected this," said the Maldives captain.')
    assert speakers(text) == ["Ivan Petrov", None]


def test_a_bare_surname_is_the_person_of_that_name_met_last():
    text = ('Lena Marsh was a nurse in Dover until 2019.\n\n'
            'Her mother, Ruth Marsh, spoke outside the court on Monday.\n\n'
            '"We waited six years for this day," Mrs Marsh said.')
    assert speakers(text) == ["Ruth Marsh"]


def test_an_unnamed_role_is_no_speaker_rather_than_the_nearest_person():
    text = ('Ruth Marsh spoke outside the court on Monday.\n\n'
            'The family lawyer said: "The court has done its work."')
    assert speakers(text) == [None]


def test_the_object_of_of_in_an_appositive_is_not_the_speaker():
    text = ('Tomas Ilves, 16, of Brightwater Valley school, where four of the injured pupils study, '
            'told reporters he was "still shaking" after the crash.')
    assert speakers(text) == ["Tomas Ilves"]


def test_a_noun_opening_a_sentence_is_not_part_of_the_name_after_it():
    from quizapp.generator import extract, plain_article

    text = ("Patient Dora Fenwick, 77, from Kelby, was the first patient to leave the new ward. "
            "Scans will follow for everyone treated this winter. Scans of the ward were published.")
    people = {e.name for e in extract(plain_article(text)).people()}
    assert "Dora Fenwick" in people and "Patient Dora Fenwick" not in people
    assert "Scans" not in {e.name for e in extract(plain_article(text + " Each scan took an hour.")).entities.entities}


def test_a_name_before_school_or_hospital_is_an_institution():
    from quizapp.generator import extract, plain_article

    facts = extract(plain_article("On Monday, pupils of Green Hollow school and staff of Saint Bride hospital marched."))
    kinds = {e.name: e.kind for e in facts.entities.entities}
    assert kinds.get("Green Hollow") == "organization" and kinds.get("Saint Bride") == "organization"


def test_a_quote_with_no_cue_nearby_belongs_to_the_subject_the_parser_finds():
    # the speaker is the subject of the verb the fragment hangs on, far from the quotation
    text = ("Mara Quill, who chairs the city's transport board, wrote in a letter on Monday "
            "that the new tram line was \"a promise kept at last\".")
    assert speakers(text) == ["Mara Quill"]
    text = ("Both councils met on Tuesday, with Mayor Ode Brennan calling the budget \"a fair start\" "
            "and promising more next year.")
    assert speakers(text) == ["Ode Brennan"]


def test_the_parser_never_makes_a_speaker_of_a_thing_or_a_vague_pronoun():
    text = ("The river rose all week. It was, by Thursday, \"higher than anyone remembered\", "
            "and the old bridge was called \"a relic\" by the weekend.")
    assert speakers(text) == [None, None]


def test_the_parser_gives_a_reported_clause_to_who_reports_it_not_who_it_is_about():
    text = ("Nia Okafor, the county auditor, testified that Peter Lund faced a \"slam-dunk\" case "
            "over the missing funds.")
    assert speakers(text) == ["Nia Okafor"]
    text = ("Governor Alma Reyes was quick to back the plan and said this week that Senator Joss Pike "
            "looks like he will be \"very hard to beat\" in May.")
    assert speakers(text) == ["Alma Reyes"]
    text = ("Coach Ben Harrow is asking whether Mayor Lise Dunn would have come to the final "
            "\"if it were played in the rain\".")
    assert speakers(text) == ["Ben Harrow"]


def test_a_clause_beside_the_quotes_clause_is_another_event_with_its_own_speaker():
    text = ("Coach Ivo Marsh was a relieved man after the draw, while a furious Sven Ottar made a "
            "bitter statement that \"the referee decided the game\" and left the ground early.")
    assert speakers(text) == ["Sven Ottar"]
    text = ("Mayor Rhea Stone signed the order on Monday, while Senator Amos Vell proposed that the city "
            "\"wait for the courts\" before it acts.")
    assert speakers(text) == ["Amos Vell"]


def test_the_parsed_subject_comes_before_the_first_capitalised_words_of_the_clause():
    # a place or an opening adverb is not who speaks
    text = "At a town meeting in Dover, N.H., Senator Rosa Vance offered a defense of the \"open borders\" bill."
    assert speakers(text) == ["Rosa Vance"]
    text = ("Early in his campaign, Senator Lee Marsh attacked Tom Eider, calling him, among other things, "
            "\"a failed mayor.\"")
    assert speakers(text) == ["Lee Marsh"]


def test_a_person_of_a_place_is_the_person_and_the_place_is_no_speaker():
    text = ("\"We came for the music,\" beamed Dora Keane of Millbrook, Ohio, who drove all night.\n\n"
            "Lena Roth of The Courier wrote, \"The square was full by noon.\"")
    assert speakers(text) == ["Dora Keane", "Lena Roth"]


def test_a_place_in_an_appositive_gives_way_to_the_subject_the_parser_finds():
    text = ("Abel Norris, a 58-year-old farmer from Tiverton, Devon, says the new road will "
            "\"cut the valley in two.\"")
    assert speakers(text) == ["Abel Norris"]


def test_a_name_before_a_colon_labels_the_quotation_after_it():
    text = ("Pollsters disagreed on the result. Julia Greer (Harlow Institute): \"The sample was too small.\"\n\n"
            "Then the count changed - Harlow Institute: \"We expect a recount.\"")
    assert speakers(text) == ["Julia Greer", "Harlow Institute"]


def test_a_short_connective_before_a_quotation_goes_on_from_the_last_speaker():
    text = ("Mayor Iris Vane defended the plan. \"It will pay for itself,\" Vane said. "
            "Instead, \"the critics offer nothing.\"")
    assert speakers(text) == ["Iris Vane", "Iris Vane"]


def test_a_pronoun_after_a_quotation_looks_back_to_the_sentence_the_quotation_opened_in():
    # the quotation holds a full stop, so "she said" sits in a sentence of its own
    text = ("Speaking in court, Mara Dune said that although Peter Vollan may leave prison soon, "
            "\"it is over. He will pay for it,\" she said, thanking the judge.")
    assert speakers(text) == ["Mara Dune"]


def test_a_capital_pronoun_after_a_closing_mark_starts_a_new_sentence():
    text = ("Ivo Marsh wrote to Lea Fenn in May, telling her, \"you are the best we have!\" "
            "She replied that it was \"an honor to serve.\"")
    assert speakers(text) == ["Ivo Marsh", "Lea Fenn"]


def test_a_nationality_standing_for_the_person_quoted_is_that_person():
    text = ("Lukas Brandt won the final on Sunday. \"It was a crazy match,\" said Brandt.\n\n"
            "He thanked his coach, who flew in from Madrid, and the Austrian added: \"I will be back next year.\"")
    assert speakers(text) == ["Lukas Brandt", "Lukas Brandt"]
