"""Wrong answers a reader of *this* article would find plausible.

A distractor is of the answer's kind (a person for a person, an organization
for an organization, a place for a place, a date of the same granularity for
a date) and, where both are known, of its role or type: a governor for a
governor, a ministry for a ministry, a city for a city. Names come from the
article first (the reader has just met them) and then from a pool of other
articles' entities the caller passes (the bank), where the role or type must
agree. The shipped gazetteer is never a source: world leaders offered for a
company executive's quote are absurd, not hard.

A name is never offered when it is also right: the answer under another name
(an alias, the surname alone, a longer or shorter form, an acronym, the
organization's parent), nor when it is not a proper name at all ("Says",
"Officials", "Executive"). When fewer than three plausible names remain, the
question builder asks the fact another way (short answer) or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..canonical import normalize_answer
from .dates import week_monday
from .lexicon import (COMMON_CAPS, CONNECTORS, DATE_WORDS, ORG_HEADS, ORG_NOUNS, PERSON_NOUNS, PRONOUNS,
                      REPORT_NOUNS, TITLES, gazetteer_index)

#: Words that never appear inside a proper name: a headline or clause was
#: read as a name ("Trump Says FAA Will Ground Boeing").
_CLAUSE_WORDS = frozenset(
    "says say said saying tells told will would could should is are was were has have had be been being"
    " to after amid over against as if when while".split()
)
#: Capitalised words that name a thing, not an entity.
_NOT_NAMES = (TITLES | PERSON_NOUNS | ORG_NOUNS | REPORT_NOUNS | COMMON_CAPS | DATE_WORDS | PRONOUNS) | frozenset(
    "officials official executives executive people authorities police airlines government ceo cfo cto coo"
    " pm mp mps ev evs ai gdp tv it ceos eu-wide covid covid-19 internet web app apps".split()
)
#: Common nouns that name one institution when capitalised.
_ONE_OF_A_KIND = frozenset("kremlin pentagon".split())
#: Particles that start a surname: "da Silva", "von der Leyen".
_PARTICLES = frozenset("da de del della di do dos du van von der den le la bin ibn al el".split())


@dataclass
class Candidate:
    """A named thing that could be offered as an answer."""

    kind: str  # "person" | "organization" | "place"
    name: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    subtype: str | None = None
    speaker: bool = False
    mentions: int = 1
    from_article: bool = True
    display: str | None = None  # the name as the article writes it, when that differs

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    @classmethod
    def of(cls, entity, from_article: bool = True) -> "Candidate":
        """From an :class:`~.entities.Entity` or a fact dict (``quizapp extract``'s shape)."""
        if isinstance(entity, dict):
            mentions = entity.get("mentions")
            return cls(str(entity.get("kind") or ""), str(entity.get("name") or ""),
                       [str(a) for a in entity.get("aliases") or [] if a], entity.get("role") or None,
                       entity.get("type") or entity.get("subtype") or None, bool(entity.get("speaker")),
                       len(mentions) if isinstance(mentions, list) else 1, from_article)
        return cls(entity.kind, entity.name, list(entity.aliases), entity.role, entity.subtype,
                   bool(getattr(entity, "speaker", False)), len(entity.mentions), from_article)


def _words(name: str) -> list[str]:
    return [w.strip(".,'’\"()").casefold() for w in name.split() if w.strip(".,'’\"()")]


def is_proper_name(name: str, kind: str = "person") -> bool:
    """Whether ``name`` reads as the name of a person, organization or place.

    Not a name: an empty string, a role or common noun alone ("Executive",
    "Officials"), a clause read as a name ("Trump Says FAA Will Ground
    Boeing"), or words that start in lower case other than connectors
    ("of", "de").
    """
    raw = name.split()
    words = _words(name)
    if not words or len(words) > 7:
        return False
    if any(w in _CLAUSE_WORDS for w in words):
        return False
    for token in raw:
        first = token.lstrip("\"'“‘(")[:1]
        if first.islower() and token.casefold().strip(".,") not in CONNECTORS | _PARTICLES \
                and not (kind == "person" and token.split("-", 1)[0] in _PARTICLES and "-" in token):
            return False
    if len(words) == 1 and words[0] in _NOT_NAMES and words[0] not in _ONE_OF_A_KIND:
        return False
    if words[0] in COMMON_CAPS and not (words[0] == "the" and kind != "person"):
        return False  # "In Policing Act": a phrase, not a name
    if kind == "person" and all(w in _NOT_NAMES for w in words):
        return False
    if kind == "person":
        known = gazetteer_index().get(" ".join(words))
        if known and known[0] != "person":
            return False  # a place or organization read as a person
    return True


def surname(name: str) -> str:
    """A person's surname as a reader would type it: "Lula da Silva" -> "da Silva"."""
    words = name.split()
    if len(words) < 2:
        return name
    for i in range(1, len(words) - 1):
        if words[i].casefold() in _PARTICLES:
            return " ".join(words[i:])
    return words[-1]


def _initials(name: str) -> str:
    return "".join(w[0] for w in _words(name) if w not in CONNECTORS and w[:1].isalpha())


def same_referent(a: Candidate, b: Candidate) -> bool:
    """Whether ``b`` could be read as the same person or organization as ``a``.

    True for a shared name or alias, one name inside the other ("Boeing" and
    "Boeing Commercial Airplanes", "LeBlanc" and "Dominic LeBlanc"), a shared
    surname, and an acronym of the other's name.
    """
    names_a = {normalize_answer(n) for n in a.names() if n}
    names_b = {normalize_answer(n) for n in b.names() if n}
    names_a.discard("")
    names_b.discard("")
    if names_a & names_b:
        return True
    for x in names_a:
        tx = set(x.split())
        for y in names_b:
            ty = set(y.split())
            if tx <= ty or ty <= tx:
                return True
            if len(x.split()) == 1 and len(x) >= 2 and _initials(y) == x:
                return True
            if len(y.split()) == 1 and len(y) >= 2 and _initials(x) == y:
                return True
    if a.kind == "person" and b.kind == "person":
        if normalize_answer(surname(a.name)) == normalize_answer(surname(b.name)):
            return True
    if a.kind == "organization" and b.kind == "organization":
        # "Press Office of the Ministry" beside "Ministry of Health": a part and what it is part of
        for x in names_a:
            for y in names_b:
                if _part_of(x, y) or _part_of(y, x):
                    return True
    return False


_PART_OF = re.compile(r"\bof (?:the )?(\w+)$")


def _part_of(part: str, whole: str) -> bool:
    """Whether the folded name ``part`` is a unit "of the <Head>" and ``whole`` names such a head."""
    found = _PART_OF.search(part)
    return bool(found) and found.group(1) in ORG_HEADS and found.group(1) in whole.split()


_ROLE_TAIL = re.compile(r"\s+(?:of|at|for|in|with|from|to)\s")


def _role_head(role: str | None) -> str | None:
    """The noun a role is: "executive" in "chief executive of Lumen Foods" and in "Apple's chief executive"."""
    words = _words(_ROLE_TAIL.split(role or "", maxsplit=1)[0])
    return words[-1] if words else None


def _affinity(answer: Candidate, other: Candidate) -> int:
    """How alike two candidates are: same role/type 2, a known role 1, else 0."""
    if answer.kind == "person":
        head, other_head = _role_head(answer.role), _role_head(other.role)
        if head and head == other_head:
            return 2
        return 1 if other.role or other.speaker else 0
    if answer.subtype and answer.subtype == other.subtype:
        return 2
    return 1 if other.mentions > 1 or other.speaker else 0


def _weak(other: Candidate) -> bool:
    """A lone capitalised word seen once: too often not a name at all ("Jabs")."""
    return len(other.name.split()) == 1 and other.mentions < 2 and not other.name.replace(".", "").isupper()


def compatible(answer: Candidate, other: Candidate) -> bool:
    """Whether ``other`` is of the answer's kind and, where both are known, its role or type.

    A name from another article (``from_article`` False) must match a known
    role or type of the answer, so only likely confusions come from the bank.
    """
    if other.kind != answer.kind:
        return False
    if answer.kind == "place" and not (answer.subtype and answer.subtype == other.subtype):
        return False  # a city for a city: "Chile" is also right for "an airport in _____" (Santiago)
    if answer.kind in ("place", "organization"):
        if answer.subtype and other.subtype and answer.subtype != other.subtype:
            return False
        if not other.from_article and answer.subtype and answer.subtype != other.subtype:
            return False
    if answer.kind == "person" and not other.from_article:
        head = _role_head(answer.role)
        if head and head != _role_head(other.role):
            return False
    return True


def plausible(answer: Candidate, pool: list[Candidate], n: int = 3,
              exclude: list[Candidate] = ()) -> list[Candidate]:
    """Up to ``n`` distractors for ``answer`` from ``pool``, most alike first.

    :param answer: the right answer.
    :param pool: candidates in reading order: the article's, then the bank's.
    :param exclude: others that are also right (e.g. every speaker of the
        same words); neither they nor their other names are offered.
    """
    chosen: list[Candidate] = []
    ranked = sorted(
        ((i, c) for i, c in enumerate(pool)),
        key=lambda ic: (not ic[1].from_article, _weak(ic[1]), -_affinity(answer, ic[1]), ic[0]),
    )
    for _, other in ranked:
        if not compatible(answer, other) or not is_proper_name(other.name, other.kind):
            continue
        if _weak(other) and not (other.speaker or other.role):
            continue
        if same_referent(answer, other) or any(same_referent(e, other) for e in exclude):
            continue
        if any(same_referent(c, other) for c in chosen):
            continue
        chosen.append(other)
        if len(chosen) == n:
            break
    return chosen


def pick(answer_names: list[str], article_pool: list[str], bank_pool: list[str] = (),
         n: int = 3, person: bool = False) -> list[str]:
    """Names-only form of :func:`plausible` for callers without entities.

    :param answer_names: the answer and all its aliases (none is picked).
    :param article_pool: same-kind names from the article, in reading order.
    :param bank_pool: same-kind names from other articles.
    :param person: the answer is a person (surnames count as the same person).
    """
    kind = "person" if person else "organization"
    answer = Candidate(kind, answer_names[0], list(answer_names[1:]))
    pool = [Candidate(kind, name, speaker=True) for name in article_pool]
    pool += [Candidate(kind, name, speaker=True, from_article=False) for name in bank_pool]
    return [c.name for c in plausible(answer, pool, n)]


# -- dates ----------------------------------------------------------------

_MONTH_NAMES = "January February March April May June July August September October November December".split()


def format_date(value: str, granularity: str, weekday: bool = True) -> str:
    """Spell a resolved date for a learner: "Monday, 19 December 2022".

    :param weekday: name the weekday of a day (leave it out when the weekday
        alone would tell the answer from its distractors).
    """
    if granularity == "day":
        d = dt.date.fromisoformat(value)
        text = f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"
        return f"{d.strftime('%A')}, {text}" if weekday else text
    if granularity == "month":
        year, month = value.split("-")
        return f"{_MONTH_NAMES[int(month) - 1]} {year}"
    if granularity == "week":
        monday = week_monday(value)
        return f"the week of {monday.day} {_MONTH_NAMES[monday.month - 1]} {monday.year}"
    if granularity == "season":
        year, season = value.split("-")
        return f"{season} {year}"
    return value


def shifted(value: str, granularity: str, step: int) -> str | None:
    """The value ``step`` units away (days, weeks, months, seasons, years)."""
    try:
        if granularity == "day":
            return (dt.date.fromisoformat(value) + dt.timedelta(days=step)).isoformat()
        if granularity == "week":
            return (week_monday(value) + dt.timedelta(weeks=step)).isoformat()
        if granularity == "month":
            year, month = (int(x) for x in value.split("-"))
            index = year * 12 + month - 1 + step
            return f"{index // 12:04d}-{index % 12 + 1:02d}"
        if granularity == "season":
            seasons = ["winter", "spring", "summer", "fall"]
            year, season = value.split("-")
            index = int(year) * 4 + seasons.index(season) + step
            return f"{index // 4}-{seasons[index % 4]}"
        if granularity == "year":
            return str(int(value) + step)
    except ValueError:
        return None
    return None


def date_choices(value: str, granularity: str, n: int = 3, same_weekday: bool = False) -> list[str]:
    """Distractor values for a date: the same granularity, near it, never it.

    :param same_weekday: for a weekday ("Monday"), the same weekday a week or
        two away, so the weekday does not give the answer away.
    """
    steps = (-7, 7, -14, 14) if same_weekday and granularity == "day" else (-1, 1, -2, 2, -3, 3)
    out: list[str] = []
    for step in steps:
        other = shifted(value, granularity, step)
        if other and other != value and other not in out:
            out.append(other)
        if len(out) == n:
            break
    return out


def written_in(body: str, entity: dict) -> bool:
    """Whether ``body`` writes the entity's name (or an alias of two words or more) as whole words."""
    for name in [entity["name"], *(a for a in entity.get("aliases", []) if len(a.split()) > 1 or a.isupper())]:
        if len(name) < 3:
            continue
        at = body.find(name)
        while at != -1:
            end = at + len(name)
            if (at == 0 or not body[at - 1].isalnum()) and (end == len(body) or not body[end].isalnum()):
                return True
            at = body.find(name, at + 1)
    return False


#: Organizations every kind of story cites: sharing one does not make two stories alike.
_EVERY_STORY = frozenset({"news agency", "newspaper", "broadcaster", "magazine", "news site", "fact-checker"})


def shares_subject(body: str, entities: list[dict]) -> bool:
    """Whether an article (its ``body``) names a person or an organization of another article's
    ``entities`` (fact dicts), so that the other's names are plausible distractors for it.

    A person counts by a full name (two words or more); an organization by a name of two words
    or more, or an acronym, and not when it is a news outlet ("Associated Press"). A place alone
    ("China"), one capitalised word ("Congress", "Union") or an outlet any story quotes does not
    make two stories alike.
    """
    for entity in entities:
        name = str(entity.get("name") or "")
        if entity.get("kind") == "person":
            telling = len(name.split()) >= 2
        elif entity.get("kind") == "organization":
            acronym = name.replace(".", "").isupper() and len(name.replace(".", "")) >= 2
            telling = (len(name.split()) >= 2 or acronym) and entity.get("type") not in _EVERY_STORY
        else:
            telling = False
        if telling and written_in(body, entity):
            return True
    return False
