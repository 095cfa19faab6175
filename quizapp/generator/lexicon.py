"""Word lists and the tokenizer shared by the fact extractors.

Hand-written on purpose: attribution in news follows a small grammar
("…," the ministry said; Kremlin spokesman Dmitry Peskov said "…"), and these
lists are that grammar's vocabulary. Everything here is plain data plus one
linear-time tokenizer; no model is loaded.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple


class Token(NamedTuple):
    """A word, a punctuation mark, or (kind ``"q"``) a whole quotation."""

    kind: str  # "w" word, "p" punctuation, "q" quotation
    text: str
    start: int
    end: int
    index: int = -1  # quotation number for kind "q"


ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col maj sgt capt cmdr adm rev st jr sr inc ltd co corp"
    " jan feb mar apr aug sept sep oct nov dec no vs etc dept pres sec atty supt ft mt".split()
)
_WORD = re.compile(r"[^\W_](?:\w|[-'’.&](?=[^\W_]))*|\S")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text[start:end]`` into word and punctuation tokens.

    A period joins the word before it when that word is an abbreviation
    ("Sen."), an initial ("G.") or dotted ("U.S."), so the period that ends a
    sentence stays a token of its own.
    """
    end = len(text) if end is None else end
    tokens: list[Token] = []
    joined = -1
    for match in _WORD.finditer(text, start, end):
        word = match.group()
        s, e = match.span()
        if s == joined:
            continue  # the period already joined to the word before
        if word[0].isalnum() or word[0] == "_":
            if e < end and text[e] == "." and (
                len(word) == 1 or "." in word or word.casefold() in ABBREVIATIONS
                or (e + 1 < end and text[e + 1] in "),;")
            ):
                word += "."
                e += 1
                joined = s + len(word) - 1
            tokens.append(Token("w", word, s, e))
        elif word == "." and tokens and tokens[-1].text == "." and tokens[-1].end == s:
            continue  # keep an ellipsis of periods as one mark
        else:
            tokens.append(Token("p", word, s, e))
    return tokens


def _forms(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


#: Verbs that introduce or close a quotation (every inflection written out).
CUE_VERBS = _forms(
    "say says said saying tell tells told telling write writes wrote writing written"
    " add adds added adding ask asks asked asking continue continues continued continuing"
    " explain explains explained explaining note notes noted noting argue argues argued arguing"
    " insist insists insisted insisting recall recalls recalled recalling reply replies replied"
    " respond responds responded declare declares declared state states stated"
    " announce announces announced warn warns warned warning claim claims claimed claiming"
    " tweet tweets tweeted tweeting read reads report reports reported"
    " acknowledge acknowledges acknowledged admit admits admitted concede concedes conceded"
    " complain complains complained suggest suggests suggested predict predicts predicted"
    " conclude concludes concluded observe observes observed remark remarks remarked"
    " comment comments commented urge urges urged vow vows vowed promise promises promised"
    " pledge pledges pledged caution cautions cautioned emphasize emphasizes emphasized"
    " emphasise emphasised stress stresses stressed maintain maintains maintained"
    " contend contends contended counter counters countered quip quips quipped joke jokes joked"
    " yell yells yelled shout shouts shouted scream screams screamed sing sings sang"
    " chant chants chanted whisper whispers whispered testify testifies testified"
    " describe describes described describing call calls called calling dub dubs dubbed"
    " label labels labeled labelled brand brands branded characterize characterizes characterized"
    " accuse accuses accused accusing blast blasts blasted slam slams slammed praise praises praised"
    " condemn condemns condemned condemning criticize criticizes criticized denounce denounces denounced"
    " mock mocks mocked dismiss dismisses dismissed bemoan bemoans bemoaned bemoaning"
    " lament laments lamented decry decries decried tout touts touted hail hails hailed"
    " boast boasts boasted brag brags bragged indicate indicates indicated find finds found"
    " assert asserts asserted allege alleges alleged muse mused recount recounts recounted"
    " confirm confirms confirmed deny denies denied demand demands demanded charge charges charged"
    " proclaim proclaims proclaimed exclaim exclaims exclaimed retort retorts retorted"
    " agree agrees agreed acknowledging posit posits posited quote quotes quoted cite cites cited"
    " echo echoes echoed mutter muttered sigh sighed laugh laughed wonder wondered wondering"
    " opine opines opined reiterate reiterates reiterated rate rates rated"
)
#: Cue forms that never have their own subject (gerunds, bare infinitives).
NON_FINITE_CUES = frozenset(
    w for w in CUE_VERBS if w.endswith("ing")
) | _forms("say tell write add ask call describe")
#: Cues that only introduce a quotation when they follow it or when a report is the subject.
WEAK_CUES = _forms("read reads find finds found call calls called calling")

PRONOUNS_PERSON = _forms("he she him her")
PRONOUNS_ORG = _forms("it")
PRONOUNS_OTHER = _forms("i we they you me us them")
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_ORG | PRONOUNS_OTHER

DETERMINERS = _forms("the a an his her its their our my your this that these those one another some several")

#: Words allowed between a speaker and the cue verb ("has also said").
AUXILIARIES = _forms(
    "has have had would will could should may might must did does do is was were are been be"
    " then later previously repeatedly recently further once again already publicly privately"
    " reportedly earlier never often frequently simply just still even first initially last"
    " separately flatly bluntly also too now today yesterday tonight this morning afternoon evening"
    " night week month on in at via by email phone"
)

#: Title words that precede a person's name; they mark the name as a person.
TITLES = _forms(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sen sen. senator rep rep. representative"
    " gov gov. governor president vice secretary sec. general gen. lt. col. colonel maj. major"
    " capt. captain sgt. sergeant adm. admiral cmdr. commander judge justice mayor chancellor"
    " minister premier king queen prince princess pope rev rev. reverend sir dame lord lady sheikh"
    " ayatollah chairman chairwoman chair speaker leader spokesman spokeswoman spokesperson"
    " director chief ambassador attorney councilman councilwoman commissioner sheriff officer"
    " lawmaker candidate nominee treasurer deputy adviser advisor aide economist analyst professor"
    " founder ceo executive editor correspondent columnist activist strategist pollster official"
    " coach manager head envoy diplomat prosecutor lawyer"
)
#: Occupations written before a name like a title ("Jordanian referee Ann Lee", "Barcelona star X"):
#: a role where they open one, though not a title that makes a name a person's.
OCCUPATIONS = _forms(
    "referee umpire athlete paralympian olympian champion player striker midfielder defender goalkeeper"
    " quarterback pitcher jockey driver pilot astronaut scientist researcher physicist chemist biologist"
    " historian archaeologist economist doctor surgeon physician nurse paramedic teacher headteacher"
    " principal student author writer novelist poet journalist reporter photographer artist singer"
    " songwriter actor actress musician rapper comedian producer designer architect engineer"
    " entrepreneur investor banker farmer detective inspector constable soldier firefighter priest"
    " pastor bishop archbishop rabbi imam cardinal co-founder cofounder supremo boss chef owner tycoon"
    " magnate mogul star"
)
#: Title words that are a whole role by themselves (not "vice", "deputy").
ROLE_NOUNS = TITLES - _forms(
    "mr mr. mrs mrs. ms ms. miss dr dr. vice deputy sir dame lord lady rev rev. sec. lt. col. maj. capt."
)
#: Honorifics dropped from a canonical name ("Mr. Obama" is "Obama").
HONORIFICS = _forms(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sen sen. senator rep rep. representative gov gov."
    " governor president gen. general rev rev. reverend sir dame lord lady judge justice mayor"
    " sheikh ayatollah lt. col. maj. capt. sgt. adm. cmdr. chancellor minister premier speaker"
)

#: Words that make a capitalised name an organization whatever else it looks like: a club's
#: "FC" ("Kerala Blasters FC", "FC Goa") or a company's legal form ("Acme Holdings Ltd").
ORG_MARKERS = _forms("fc f.c. afc inc inc. ltd ltd. llc plc gmbh corp corp.")
#: Words in a capitalised name that make it an organization.
ORG_HEADS = _forms(
    "ministry department institute institution agency council committee commission party"
    " association university college bank company corporation group"
    " foundation fund center centre office bureau administration service services court congress"
    " senate parliament assembly army navy force forces guard police union organization"
    " organisation federation league network news times post journal tribune herald press"
    " magazine review daily club board authority coalition alliance caucus campaign cabinet school"
    " academy society trust laboratory command embassy mission partners holdings airlines media"
    " studios pictures television radio channel broadcasting reserve kremlin pentagon government"
    " duma staff"
) | ORG_MARKERS
#: Nouns that describe an organization or its output ("the ministry", "the report").
ORG_NOUNS = _forms(
    "ministry department agency report assessment update statement study analysis survey think"
    " tank institute group organization organisation company firm committee commission council"
    " campaign government administration court party union network newspaper paper outlet bank"
    " office bureau intelligence memo document letter release briefing website account review"
    " evaluation audit poll newsroom broadcaster channel magazine site force army military"
    " alliance coalition kremlin ministry's"
)
REPORT_NOUNS = _forms(
    "report assessment update statement study analysis survey memo document letter release"
    " briefing website account review evaluation audit poll post tweet message bulletin"
)
#: Nouns that describe a person ("the Belarusian leader", "the senator").
PERSON_NOUNS = ROLE_NOUNS | _forms(
    "man woman boy girl father mother wife husband son daughter friend leader senator congressman"
    " congresswoman president minister spokesman nominee candidate governor mayor official"
    " businessman businesswoman billionaire chief"
)
#: Words that can start a sentence with a capital without being part of a name.
COMMON_CAPS = _forms(
    "the a an in on at for from to of by with as but and or if when while since after before"
    " during although though however meanwhile like last next this that these those it he she"
    " they we i you his her their our its my your there here what who why how where which some"
    " many most more other another such each every all both one two three no not yes so then now"
    " still also even just only already asked according under over despite because until unlike"
    " instead once earlier later today yesterday tomorrow tonight among amid against between"
    " without within across through about above below new first second third finally"
    " mr mrs ms dr"
)
CONNECTORS = _forms("of for the and de del della da das di do dos du van von der den bin al la le y")
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "january jan jan.", "february feb feb.", "march mar mar.", "april apr apr.", "may",
            "june jun jun.", "july jul jul.", "august aug aug.", "september sep sep. sept sept.",
            "october oct oct.", "november nov nov.", "december dec dec.",
        ]
    )
    for m in names.split()
}
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS) | _forms(
    "day eve christmas easter thanksgiving ramadan halloween weekend morning night afternoon evening"
)


@lru_cache(maxsize=1)
def gazetteer() -> dict:
    """The shipped gazetteer (``data/gazetteer.json``), loaded once."""
    data = resources.files("quizapp.generator").joinpath("data/gazetteer.json").read_text("utf-8")
    return json.loads(data)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return frozenset(gazetteer()["first_names"].split())


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    names = {p["demonym"] for p in gazetteer()["places"] if p.get("demonym")}
    names |= {"Belarusian", "Byelorussian", "Soviet", "Western", "Eastern", "Republican", "Democratic",
              "Democrat", "Democrats", "Republicans", "Muslim", "Muslims", "Christian", "Jewish",
              "Catholic", "Hispanic", "Latino", "Latinos", "African-American", "Arab", "Kurdish",
              "Scottish", "Welsh", "English", "Korean", "European", "NATO-backed"}
    return frozenset(names)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold a name for lookups: case, dots, possessive and spacing ignored."""
    text = re.sub(r"[’']s$", "", text.strip())
    text = re.sub(r"\b(\w)\.", r"\1", text.replace("’", "'"))
    text = re.sub(r"[^\w\s-]", "", text.casefold())
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def gazetteer_index() -> dict[str, tuple[str, dict]]:
    """Folded name or alias -> (kind, entry) for every gazetteer entry."""
    index: dict[str, tuple[str, dict]] = {}
    for kind, key in (("place", "places"), ("organization", "organizations"), ("person", "people")):
        for entry in gazetteer()[key]:
            for name in [entry["name"], *entry.get("aliases", [])]:
                folded = fold(name)
                if kind == "person" and " " not in folded:
                    continue  # a bare surname names too many people to be a key
                index.setdefault(folded, (kind, entry))
    return index


def is_cap(word: str) -> bool:
    """Whether a word token starts with a capital letter."""
    return word[:1].isupper()


# -- entity vocabulary (entities.py) ------------------------------------------

#: Capitalised words and acronyms that are common nouns in news, never a name
#: ("the PM", "EV sales", "AI tools", "the CEO"); folded.
NOT_NAMES = _forms(
    "pm pms mp mps mep meps ev evs ai agi ceo ceos cfo cto coo gdp ipo ipos tv pc pcs gps dna rna hiv"
    " covid covid-19 lgbt lgbtq lgbtq+ vat etf etfs esg it ok q1 q2 q3 q4 fy yoy pr hr suv suvs co2 gmt"
    " est edt pst pdt cet bst utc et pt am usd eur gbp jpy icu phd mba vr ar api apis url sms nft nfts atm"
    " atms id ids vip vips faq diy rsvp asap mvp nba-style tbd eta"
)
#: Title abbreviations that precede a name without being in TITLES ("PM Modi").
NAME_TITLES = {"pm": "Prime Minister", "mp": "MP", "mep": "MEP", "cfo": "CFO", "cto": "CTO", "coo": "COO"}
#: Stock exchanges whose ticker symbols follow them ("NYSE: GM", "NASDAQ:XYZ"); folded.
STOCK_EXCHANGES = _forms("nyse nasdaq amex lse tsx tsxv asx hkex sgx bse nse otc otcqx euronext xetra tse jse")
#: Entity labels of the statistical model and the kind each one is evidence for.
NER_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
#: Place subtypes the model's label tells when the gazetteer does not know the place.
NER_PLACE_TYPES = {"LOC": "region", "FAC": "facility"}
#: Lowercase nouns that, right before a capitalised name, say it is an
#: organization ("parent company Facebook", "rebel group Hamas", "carrier Qantas").
ORG_DESCRIPTORS = _forms(
    "company firm giant group carrier airline retailer automaker carmaker maker manufacturer"
    " bank lender insurer startup start-up platform app network broadcaster newspaper tabloid"
    " agency brand chain conglomerate operator provider supplier developer publisher tool"
    " service website outlet charity regulator watchdog organisation organization militia"
    " movement faction subsidiary rival rivals competitor competitors insurer broker fund"
    " exchange union outfit label studio"
)
#: Nouns for a person of a nation ("the Spaniard said"), where the demonym is an adjective.
NATIONALS = _forms("spaniard briton dutchman dutchwoman frenchman frenchwoman englishman englishwoman irishman"
                   " irishwoman scot welshman welshwoman swede dane pole finn turk swiss icelander")
#: Last words that make a capitalised name of two or more words a law or a pact ("Clean Air Act",
#: "Paris Agreement"): a thing voted or signed, never a person, an organization or a place.
LAW_HEADS = _forms("act bill treaty accord agreement amendment")
#: Last words that make a capitalised name of two or more words a place built by people
#: ("Nehru Stadium", "Heathrow Airport", "Michigan Avenue"), whatever the model calls it.
FACILITY_HEADS = _forms("stadium arena airport airfield street avenue boulevard road highway bridge square")
#: Lowercase nouns that, with "of" before a capitalised name, say it is a place ("the city of Concepcion").
PLACE_DESCRIPTORS = _forms(
    "city town village province state region county district capital island islands port"
    " municipality suburb neighbourhood neighborhood republic kingdom"
)
