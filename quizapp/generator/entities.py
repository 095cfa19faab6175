"""People, organizations and places named in an article.

A run of capitalised words is classified by what it contains ("Ministry",
"Institute" make an organization; a title such as "President" or
"spokesman" before a name makes a person, and is kept as the person's role),
by the shipped gazetteer (``data/gazetteer.json``), by the labels of the
statistical model (:mod:`.nlp`: PERSON, ORG, GPE/LOC/FAC, NORP), and by how
the article uses it (an acronym defined in parentheses becomes an alias, a
bare surname joins the full name mentioned elsewhere).

The rules and the model check each other: the gazetteer, an organization
word and a title are strong evidence; the model's label decides what the
weak cues ("a capitalised word before *said*", a first name) would guess,
and is itself overruled for words that are not names ("PM", "EV", "AI",
tickers after a stock exchange, datelines).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from .lexicon import (
    AUXILIARIES,
    COMMON_CAPS,
    CONNECTORS,
    CUE_VERBS,
    DATE_WORDS,
    DETERMINERS,
    FACILITY_HEADS,
    HONORIFICS,
    LAW_HEADS,
    NAME_TITLES,
    NER_KINDS,
    NER_PLACE_TYPES,
    NOT_NAMES,
    OCCUPATIONS,
    ORG_DESCRIPTORS,
    ORG_HEADS,
    ORG_MARKERS,
    PLACE_DESCRIPTORS,
    PRONOUNS,
    PRONOUNS_PERSON,
    STOCK_EXCHANGES,
    ROLE_NOUNS,
    TITLES,
    Token,
    demonyms,
    first_names,
    fold,
    gazetteer_index,
    is_cap,
    tokenize,
)
from .nlp import NamedSpan, named_spans

_ROLE_MODIFIERS = frozenset(
    "former retired chief senior top press communications communication campaign deputy vice"
    " acting foreign defense defence prime state national security presidential vice-presidential"
    " interim executive managing general associate assistant military intelligence party majority"
    " minority white house news".split()
)
_RUN_CONNECTORS = CONNECTORS - {"and", "y"}
#: Role words capitalised only because they open a sentence or follow a dateline ("Former officer").
_NEVER_TITLES = frozenset({"former", "retired", "acting", "interim"})
#: Lowercase words that never make a role more precise (cue verbs, pronouns, "and").
_NOT_COMPOUNDS = CUE_VERBS | AUXILIARIES | PRONOUNS | CONNECTORS | DETERMINERS | frozenset(
    "new top veteran longtime long-time then now also who whose which that with without from"
    " for about after before into over under against between among including like".split())
#: A courtesy title right before a name: it is the family name ("Mr Gan").
_COURTESY_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Madam)\.?\s$")
#: Particles inside a person's name: "Lula da Silva", "Ursula von der Leyen".
_PARTICLES = frozenset("da de del della di do dos du van von der den le la bin ibn al el".split())
#: A surname joined to its particle: "el-Enany", "al-Assad", "bin-Salman".
_PARTICLE_NAME = re.compile(r"(?:al|el|ad|an|ar|as|at|az|bin|ibn|abu|ben|ould)[-‑][A-Z]")
_ROLE_ABBREVIATIONS = {
    "sen.": "Senator", "sen": "Senator", "rep.": "Representative", "rep": "Representative",
    "gov.": "Governor", "gov": "Governor", "gen.": "General", "lt.": "Lieutenant", "col.": "Colonel",
    "maj.": "Major", "capt.": "Captain", "sgt.": "Sergeant", "adm.": "Admiral", "cmdr.": "Commander",
    "sec.": "Secretary", "pres.": "President", "prof.": "Professor", **NAME_TITLES,
}
_TITLES = TITLES | frozenset(NAME_TITLES)
#: A courtesy title right before a mention, and the gender it tells.
_TITLE_BEFORE = re.compile(r"\b(Mrs|Ms|Miss|Madam|Mme|Dame|Lady|Mr|Sir|Lord)\.?\s$")
_GENDER_OF_TITLE = {"mrs": "female", "ms": "female", "miss": "female", "madam": "female", "mme": "female",
                    "dame": "female", "lady": "female", "mr": "male", "sir": "male", "lord": "male"}
_FEMALE_WORDS = frozenset("actress queen princess duchess countess empress sister mother wife daughter"
                          " girl grandmother widow niece aunt".split())
_MALE_WORDS = frozenset("king prince duke emperor brother father husband son boy grandfather widower nephew"
                        " uncle man spokesman chairman congressman businessman councilman policeman fireman"
                        " assemblyman alderman anchorman cameraman salesman statesman sportsman clergyman"
                        " craftsman foreman gunman layman".split())


def _gender_of_word(word: str) -> str | None:
    """The gender a role word tells: "spokeswoman", "queen"; "chairman", "king"; else None."""
    if word in _FEMALE_WORDS or word.endswith("woman") or word.endswith("women"):
        return "female"
    if word in _MALE_WORDS:
        return "male"
    return None


#: Lower-case nouns that, right after a name, make it the name of an institution ("Mae Sai school").
_INSTITUTIONS_AFTER = frozenset(
    "school schools university college academy hospital clinic church mosque temple synagogue monastery".split()
)
_DASHES = frozenset("-–—")


@dataclass
class Entity:
    """One person, organization or place, with every mention's offsets."""

    kind: str  # "person" | "organization" | "place"
    name: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    subtype: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    speaker: bool = False
    #: "female" or "male" when the article says so ("Ms Ade", "a spokeswoman"), else None
    gender: str | None = None

    def names(self) -> list[str]:
        """The name and every alias."""
        return [self.name, *self.aliases]

    def surname(self) -> str:
        return self.name.split()[-1] if self.kind == "person" else self.name

    def to_fact(self) -> dict:
        fact = {"kind": self.kind, "name": self.name}
        if self.kind != "place" or self.aliases:
            fact["aliases"] = list(self.aliases)
        if self.kind == "person":
            fact["role"] = self.role
        if self.subtype:
            fact["type"] = self.subtype
        fact["mentions"] = [list(m) for m in sorted(set(self.mentions))]
        return fact


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Entity
    possessive: bool = False


class EntityIndex:
    """The entities of one article and a position index of their mentions."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self._keys: dict[str, Entity] = {}
        self._surnames: dict[str, Entity] = {}
        self._firsts: dict[str, Entity | None] = {}  # first word of a full name; None when two people share it
        #: a capitalised middle word of a long name ("Lula" in "Luiz Inacio Lula da Silva"); None when shared
        self._inner: dict[str, Entity | None] = {}
        self._mentions: list[Mention] = []
        self._starts: list[int] = []
        self._sorted = True

    # -- building --------------------------------------------------------
    def entity(self, kind: str, name: str, role: str | None = None, aliases=(), subtype=None) -> Entity:
        """Return the entity called ``name`` (or an alias), creating it if new."""
        found = self.find(name, kind)
        if found is None:
            for alias in aliases:
                found = self.find(alias, kind)
                if found:
                    break
        if found is None and kind == "person" and " " in name.strip():
            # "Dominic LeBlanc" after a bare "LeBlanc": the same person, now in full
            short = self._surnames.get(fold(name.split()[-1]))
            if short is not None and short.kind == "person" and " " not in short.name:
                found = short
            for word in _inner_words(name) if found is None else ():
                # "Luiz Inacio Lula da Silva" after a bare "Lula"
                short = self._surnames.get(fold(word))
                if short is not None and short.kind == "person" and " " not in short.name:
                    found = short
                    break
        if found is None:
            found = Entity(kind, name, subtype=subtype)
            self.entities.append(found)
            gaz = gazetteer_index().get(fold(name))
            if gaz and gaz[0] == kind:
                entry = gaz[1]
                found.subtype = found.subtype or entry.get("type")
                if kind == "organization" and entry["name"] != name:
                    # the gazetteer's name is canonical; the article's spelling is an alias
                    found.name = entry["name"]
                    self._key(found, entry["name"])
                for alias in [name, entry["name"], *entry.get("aliases", [])]:
                    self._add_alias(found, alias)
            self._key(found, name)
        elif kind == "person" and len(name.split()) > len(found.name.split()):
            old = found.name
            found.name = name  # a fuller form of a name seen first as a surname
            self._add_alias(found, old)
        elif kind == "organization" and _longer_form(name, found.name) and fold(found.name) not in gazetteer_index():
            old = found.name
            found.name = name
            self._add_alias(found, old)
            self._key(found, name)
        for alias in aliases:
            self._add_alias(found, alias)
        if role and not found.role:
            found.role = role
        return found

    def _key(self, entity: Entity, name: str) -> None:
        self._keys.setdefault(fold(name), entity)
        if entity.kind == "person":
            # a bare surname means the person of that name met last: "Mrs Steenkamp" after "June Steenkamp"
            if " " in name.strip():
                self._surnames[fold(name.split()[-1])] = entity
                first = fold(name.split()[0])
                self._firsts[first] = entity if self._firsts.get(first, entity) is entity else None
                for word in _inner_words(name):
                    inner = fold(word)
                    self._inner[inner] = entity if self._inner.get(inner, entity) is entity else None
            else:
                self._surnames.setdefault(fold(name), entity)

    def _add_alias(self, entity: Entity, alias: str) -> None:
        if fold(alias) in {fold(n) for n in entity.names()}:
            self._keys.setdefault(fold(alias), entity)
            return
        if entity.kind == "person" and " " not in alias:
            self._surnames.setdefault(fold(alias), entity)
            return
        entity.aliases.append(alias)
        self._keys.setdefault(fold(alias), entity)

    def absorb(self, target: Entity, other: Entity) -> None:
        """Merge ``other`` into ``target``: its names become aliases, its mentions move."""
        if target is other:
            return
        for table in (self._keys, self._surnames):
            for key, value in table.items():
                if value is other:
                    table[key] = target
        for alias in other.names():
            self._add_alias(target, alias)
        target.mentions.extend(other.mentions)
        target.role = target.role or other.role
        target.subtype = target.subtype or other.subtype
        target.speaker = target.speaker or other.speaker
        self.entities = [e for e in self.entities if e is not other]
        self._mentions = [Mention(m.start, m.end, target, m.possessive) if m.entity is other else m
                          for m in self._mentions]

    def mention(self, entity: Entity, start: int, end: int, possessive: bool = False) -> None:
        entity.mentions.append((start, end))
        mention = Mention(start, end, entity, possessive)
        if self._sorted and self._mentions:
            i = bisect.bisect_right(self._starts, start)
            self._mentions.insert(i, mention)
            self._starts.insert(i, start)
        else:
            self._mentions.append(mention)
            self._sorted = False

    # -- lookups ---------------------------------------------------------
    def find(self, name: str, kind: str | None = None) -> Entity | None:
        """Find an entity by name, alias or (for people) surname."""
        key = fold(name)
        found = self._keys.get(key)
        if found is None and (kind in (None, "person")):
            words = key.split()
            if len(words) == 1:
                found = self._surnames.get(words[0]) or self._inner.get(words[0])
        if found is not None and kind is not None and found.kind != kind:
            return None
        return found

    def family_name_first(self, name: str) -> Entity | None:
        """The one person whose full name starts with ``name``: "Mr Gan" after "Gan Kim Yong"."""
        key = fold(name)
        return None if " " in key or key in self._surnames else self._firsts.get(key)

    def mentions(self) -> list[Mention]:
        if not self._sorted:
            self._mentions.sort(key=lambda m: (m.start, -m.end))
            self._starts = [m.start for m in self._mentions]
            self._sorted = True
        return self._mentions

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions that lie inside ``[start, end)``."""
        mentions = self.mentions()
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(mentions) and mentions[i].start < end:
            if mentions[i].end <= end:
                out.append(mentions[i])
            i += 1
        return out

    def mentions_before(self, offset: int, limit: int = 60) -> list[Mention]:
        """Up to ``limit`` mentions ending before ``offset``, nearest first."""
        mentions = self.mentions()
        i = bisect.bisect_left(self._starts, offset)
        out = []
        while i > 0 and len(out) < limit:
            i -= 1
            if mentions[i].end <= offset:
                out.append(mentions[i])
        return out

    def facts(self) -> list[dict]:
        order = {"organization": 0, "person": 1, "place": 2}
        kept = [e for e in self.entities if e.mentions]
        kept.sort(key=lambda e: (order[e.kind], min(e.mentions)))
        return [e.to_fact() for e in kept]


_COMPOUND_PARTICLES = frozenset("da de do dos das del della di du".split())


def _inner_words(name: str) -> list[str]:
    """The capitalised middle words of a compound name with a particle ("Lula" in "Luiz Inacio Lula da Silva").

    Only such names: elsewhere a middle word is a middle name or part of a
    longer title ("Rachel Maddow Show"), not what the article calls the person.
    """
    words = name.split()
    if len(words) < 3 or not _COMPOUND_PARTICLES.intersection(words):
        return []
    return [w for w in words[1:-1] if w[:1].isupper() and len(w) > 2]


def _particle_before_name(words: list[str], k: int) -> bool:
    """Whether ``words[k]`` starts the particles of a surname: "da Silva", "von der Leyen"."""
    while k < len(words) and words[k].casefold() in _PARTICLES:
        k += 1
    return k < len(words) and is_cap(words[k])


def _longer_form(new: str, old: str) -> bool:
    """Whether ``new`` spells out the acronym or short form ``old``."""
    return old.replace(".", "").isupper() and not new.replace(".", "").isupper() and len(new) > len(old)


def _clean_word(word: str) -> str:
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _acronym(word: str) -> bool:
    bare = word.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()


_NAME_LABELS = frozenset(NER_KINDS) | {"NORP"}


class _Named:
    """The model's entity spans, trimmed to the name ("the", "'s" off), by offset."""

    def __init__(self, body: str, spans: list[NamedSpan]) -> None:
        self.enabled = bool(spans)
        self.body = body
        self.votes: dict[str, dict[str, int]] = {}
        self.exact: dict[tuple[int, int], str] = {}
        self.by_start: dict[int, tuple[int, str]] = {}
        self.spans: list[tuple[int, int, str]] = []
        for label, start, end in spans:
            if label not in _NAME_LABELS:
                continue
            text = body[start:end]
            if text[:4].casefold() == "the ":
                start += 4
            if body[start:end].endswith(("'s", "’s")):
                end -= 2
            elif body[start:end].endswith(("'", "’")):
                end -= 1
            if end <= start:
                continue
            self.exact[(start, end)] = label
            votes = self.votes.setdefault(fold(body[start:end]), {})
            votes[label] = votes.get(label, 0) + 1
            self.by_start[start] = (end, label)
            self.spans.append((start, end, label))
        self.spans.sort()
        self._starts = [s for s, _, _ in self.spans]

    def label(self, start: int, end: int) -> str | None:
        """The label of a span that is exactly ``[start, end)``.

        The model is inconsistent on a name it sees several times ("Concepcion"
        a person here, an organization there): the label most often given to
        the same text in the article wins, the local one breaking ties.
        """
        local = self.exact.get((start, end))
        if local is None:
            return None
        votes = self.votes.get(fold(self.body[start:end]), {})
        best = max(votes.values(), default=0)
        return local if votes.get(local, 0) == best else max(votes, key=votes.get)

    def inside(self, start: int, end: int) -> list[tuple[int, int, str]]:
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] <= end:
                out.append(self.spans[i])
            i += 1
        return out


def _headline(tokens: list[Token]) -> bool:
    """A title-case line without a sentence end ("Boss Says Firm Will Grow")."""
    words = [t.text for t in tokens if t.kind == "w" and len(t.text) > 3]
    if len(words) < 3 or len(tokens) > 40 or tokens[-1].text in '.!?"”':
        return False
    return sum(is_cap(w) for w in words) >= 0.7 * len(words)


def _dateline_end(tokens: list[Token]) -> int:
    """Tokens of a leading dateline ("WASHINGTON (Agency) -") to skip, 0 if none."""
    k = 0
    while k < len(tokens) and k < 6 and (
        tokens[k].kind == "w" and tokens[k].text.replace(".", "").isupper() and len(tokens[k].text) > 1
        or tokens[k].text == "," and k > 0
    ):
        k += 1
    if k == 0 or not any(t.kind == "w" and len(t.text.replace(".", "")) > 2 for t in tokens[:k]):
        return 0
    if tokens[k - 1].text == ",":
        # the state or the date after the city: "FORT SMITH, Ark. (AP) —", "PARIS, June 11 (Reuters) -"
        m = k
        while m < len(tokens) and m < k + 4 and (
                tokens[m].kind == "w" and (is_cap(tokens[m].text) or tokens[m].text.isdigit())
                or tokens[m].text == "." and m > k):
            m += 1
        if m > k and m < len(tokens) and (tokens[m].text == "(" or tokens[m].text in _DASHES):
            k = m
    if k < len(tokens) and tokens[k].text == "(":
        close = next((m for m in range(k + 1, min(len(tokens), k + 8)) if tokens[m].text == ")"), None)
        if close is None:
            return 0
        k = close + 1
    if k < len(tokens) and tokens[k].text in _DASHES:
        return k + 1
    return 0


class _Extractor:
    def __init__(self, body: str, index: EntityIndex, exclude: set[str], named: _Named) -> None:
        self.body = body
        self.index = index
        self.exclude = exclude
        self.named = named
        self.pending: list[tuple[int, int, str, bool, bool]] = []
        self.skip: set[int] = set()  # token starts that are not names (tickers)
        #: words the article writes in lower case somewhere ("the first patient"), found once
        self.lower_words = frozenset(re.findall(r"\b[a-z]+\b", body))

    def run(self, paragraphs) -> None:
        headlines = []
        for start, end in paragraphs:
            tokens = tokenize(self.body, start, end)
            if _headline(tokens):
                headlines.append(tokens)
                continue
            dateline = _dateline_end(tokens)
            if dateline:
                self._dateline_place(tokens[:dateline])
            self._paragraph(tokens[dateline:])
        self._resolve_pending()
        for tokens in headlines:
            self._headline(tokens)
        self._consolidate()
        self._appositive_roles()
        self._genders()

    def _genders(self) -> None:
        """Whom "she" or "he" may stand for: a courtesy title before a mention ("Ms. Ade") or a
        gendered role ("spokeswoman", "chairman") says; evidence both ways says nothing."""
        for entity in self.index.entities:
            if entity.kind != "person":
                continue
            said = {_GENDER_OF_TITLE[m.group(1).casefold()]
                    for start, _ in entity.mentions
                    if (m := _TITLE_BEFORE.search(self.body, max(0, start - 8), start))}
            said.update(g for w in re.findall(r"[a-z]+", (entity.role or "").casefold())
                        if (g := _gender_of_word(w)))
            entity.gender = said.pop() if len(said) == 1 else None

    def _dateline_place(self, tokens: list[Token]) -> None:
        """The city a dateline opens with ("PUYALLUP, Wash. (AP) —") is a place: the article's
        "a Puyallup hospital" names that place, whatever the model calls it."""
        words = []
        for token in tokens:
            if token.kind != "w" or not token.text.isupper():
                break
            words.append(token.text.capitalize())
        name = " ".join(words)
        gaz = gazetteer_index().get(fold(name))
        if 0 < len(words) <= 3 and not (gaz and gaz[0] != "place") and fold(name) not in self.exclude:
            self.index.entity("place", gaz[1]["name"] if gaz else name, subtype=gaz[1].get("type") if gaz else "city")

    def _appositive_roles(self) -> None:
        """A person's role written after the name: "Ann Lee, chief engineer at Volta, said"."""
        for entity in self.index.entities:
            if entity.kind != "person" or entity.role:
                continue
            for _, end in sorted(entity.mentions):
                role = appositive_role(self.body, end)
                if role:
                    entity.role = role
                    break

    def _paragraph(self, tokens: list[Token]) -> None:
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            if tok.kind != "w" or not is_cap(tok.text):
                i += 1
                continue
            if fold(tok.text) in STOCK_EXCHANGES and i + 2 < n and tokens[i + 1].text == ":":
                i += 3  # "NYSE: GM": an exchange and a ticker, not two organizations
                continue
            j = i + 1
            while j < n and j - i < 12 and not _possessive(tokens[j - 1].text):
                nxt = tokens[j]
                if nxt.kind == "w" and (is_cap(nxt.text) or _PARTICLE_NAME.match(nxt.text)) \
                        and nxt.start - tokens[j - 1].end <= 1:
                    j += 1
                    continue
                k = j
                while k < n and k - j < 2 and tokens[k].kind == "w" and tokens[k].text in _RUN_CONNECTORS:
                    k += 1
                if k > j and k < n and tokens[k].kind == "w" and is_cap(tokens[k].text) and not (
                    tokens[j].text == "the" and k == j + 1
                ):
                    j = k + 1
                    continue
                break
            j = self._extend(tokens, i, j)
            sentence_start = i == 0 or tokens[i - 1].text in '.!?"“”:;—' or tokens[i - 1].kind == "p" and tokens[i - 1].text in "(["
            self._run(tokens, i, j, sentence_start)
            i = j

    def _extend(self, tokens: list[Token], i: int, j: int) -> int:
        """Grow a run to the end of a longer name the model found ("Bosnia and Herzegovina")."""
        first = i + 1 if tokens[i].text.casefold() == "the" and i + 1 < j else i
        found = self.named.by_start.get(tokens[first].start)
        if found is None or found[1] not in ("ORG", "GPE", "LOC", "FAC") or found[0] <= tokens[j - 1].end:
            return j
        if _possessive(tokens[j - 1].text):
            return j
        k = j
        while k < len(tokens) and tokens[k].end <= found[0] and (tokens[k].kind == "w" or tokens[k].text == "&"):
            k += 1
        if tokens[k - 1].end != found[0] or any(_possessive(t.text) for t in tokens[j:k - 1]):
            return j
        return k

    def _kind_of(self, start: int, end: int) -> str | None:
        """What the model calls ``[start, end)``: a kind, "NORP", or None."""
        label = self.named.label(start, end)
        if label is None:
            return None
        if fold(self.body[start:end]) in NOT_NAMES:
            return None
        return NER_KINDS.get(label, label)

    def _run(self, tokens: list[Token], i: int, j: int, sentence_start: bool) -> None:
        while i < j and (tokens[i].text.casefold() in COMMON_CAPS and not self._name_from(tokens, i, j)
                         or tokens[i].text.casefold().endswith("-old")):  # "Forty-year-old Ann Lee"
            i += 1
            sentence_start = False
        while j > i and tokens[j - 1].text in _RUN_CONNECTORS:
            j -= 1
        if i >= j:
            return
        opened_by = None
        if sentence_start and j - i == 1 and self.index.find(tokens[i].text) is None and (
                self._common_opening(tokens[i].text) or tokens[i].text.endswith("s")
                and self._common_opening(tokens[i].text[:-1])):
            return  # "Jabs will be given …" in an article about "the jab": a noun opening the sentence
        if sentence_start and j - i >= 3 and self._common_opening(tokens[i].text):
            # "Patient Lyn Wheeler, 81, … was the first patient": a noun opens the sentence
            opened_by = self._kind_of(tokens[i].start, tokens[j - 1].end)
            i += 1
            sentence_start = False
        if sentence_start and j - i > 2:
            # "Shares of Ford Motor Company": a capitalised opening word joined to a name by "of"
            for k in range(i + 2, j):
                if tokens[k - 1].text in _RUN_CONNECTORS and tokens[k].start in self.named.by_start:
                    if not any(t.start in self.named.by_start or t.text.casefold() in _TITLES for t in tokens[i:k]):
                        i = k
                    break
        run = tokens[i:j]
        words = [t.text for t in run]
        possessive = _possessive(words[-1])
        words[-1] = _clean_word(words[-1])
        start, end = run[0].start, run[-1].end - (2 if possessive else 0)
        text = self.body[start:end]
        # hyphenated pairs: "Russia-Ukraine war"
        if len(run) == 1 and "-" in words[0]:
            offset = start
            for part in words[0].split("-"):
                gaz = gazetteer_index().get(fold(part))
                if gaz and gaz[0] == "place":
                    entity = self.index.entity("place", gaz[1]["name"], subtype=gaz[1].get("type"))
                    self.index.mention(entity, offset, offset + len(part))
                offset += len(part) + 1
            return
        if end < len(self.body) and self.body[end:end + 1] == "-" and len(run) == 1:
            return  # "U.S.-based": an adjective, not a mention
        folded = [w.casefold() for w in words]
        model = self._kind_of(start, end) or opened_by
        gaz = gazetteer_index().get(fold(text))
        # a title before a name: "Russian President Vladimir Putin" (not "General Motors")
        title_at = -1
        for k in range(len(words) - 1):
            if folded[k] in _TITLES and not any(f in ORG_HEADS for f in folded[k + 1:]):
                title_at = k
        # an occupation capitalised for opening the sentence: "Engineer Tove Marsh, 52, …"
        if title_at < 0 and sentence_start and len(words) >= 3 and folded[0] in OCCUPATIONS \
                and self._kind_of(run[1].start, end) == "person":
            title_at = 0
        if title_at >= 0 and (gaz and gaz[0] != "person" or model in ("organization", "place")
                              or self._kind_of(run[title_at].start, end) in ("organization", "place")):
            title_at = -1
        if title_at >= 0:
            name_start = title_at + 1
            if name_start < len(words) and folded[name_start] in ("for", "of"):
                # "Minister for Health Gan Kim Yong": the model tells where the department ends
                people = [s for s, _, label in self.named.inside(run[name_start].end, end) if label == "PERSON"]
                at = next((k for k, t in enumerate(run) if people and t.start == people[0]), None)
                if at is not None:
                    name_start = at
            name_end = name_start
            while name_end < len(words) and (words[name_end] not in _RUN_CONNECTORS or _particle_before_name(words, name_end)):
                name_end += 1
            name_words = words[name_start:name_end]
            if name_words and not any(w.casefold() in DATE_WORDS for w in name_words):
                role_words = [w for w in words[:name_start] if w.casefold() not in HONORIFICS or w.casefold() in ROLE_NOUNS]
                role = " ".join(_ROLE_ABBREVIATIONS.get(w.casefold(), w) for w in words[:name_start]) if role_words else None
                if role and sentence_start and self._capital_of_position(role, run[0]):
                    role = role[:1].lower() + role[1:]  # "Flight director Ann Lee said": a flight director
                before = self._role_before(tokens, i)
                if before and role:
                    role = f"{before} {role}"
                elif before:
                    role = before
                employer_end = title_at - 1
                while employer_end >= 0 and folded[employer_end] in _TITLES | _ROLE_MODIFIERS:
                    employer_end -= 1  # "Facebook Inc Chief Executive": the employer ends before "Chief"
                if employer_end >= 0:
                    self._employer(run[0].start, run[employer_end].end)
                self._person(" ".join(name_words), run[name_start].start,
                             run[name_end - 1].end - (2 if possessive and name_end == len(words) else 0),
                             possessive and name_end == len(words), role)
                if name_end < len(words) - 1:
                    self._run(tokens, i + name_end + 1, j, False)
                return
        if fold(text) in NOT_NAMES or len(words) == 1 and i > 0 and fold(tokens[i - 1].text) in STOCK_EXCHANGES:
            return
        if len(words) >= 2 and folded[-1] in LAW_HEADS and not (gaz and gaz[0] == "person"):
            return  # "the Federal Firefighters Fairness Act": a law, asked about as one by nobody here
        if len(words) >= 2 and folded[-1] in FACILITY_HEADS and not (gaz and gaz[0] != "place") \
                and not any(w[:1].isdigit() for w in words):
            if fold(text) not in self.exclude:
                self.index.mention(self.index.entity("place", text, subtype="facility"), start, end, possessive)
            return
        if (any(f in ORG_HEADS for f in folded) and not (len(words) == 1 and sentence_start and model != "organization")
                and model not in ("person", "place")) or (gaz and gaz[0] == "organization") \
                or any(f in ORG_MARKERS for f in folded):
            aliases = []
            after = j
            if after + 2 < len(tokens) and tokens[after].text == "(" and tokens[after + 2].text == ")" \
                    and _acronym(tokens[after + 1].text):
                aliases.append(tokens[after + 1].text)
            if fold(text) in self.exclude:
                return
            entity = self.index.entity("organization", text, aliases=aliases)
            self.index.mention(entity, start, end, possessive)
            if aliases:
                acr = tokens[after + 1]
                self.index.mention(entity, acr.start, acr.end)
            return
        if len(words) == 1 and folded[0] in ORG_HEADS and sentence_start:
            return  # "Airlines are agreeing": a plural noun opening the sentence
        if gaz:
            kind, entry = gaz
            if kind == "person":
                self._person(text, start, end, possessive, self._role_before(tokens, i))
                return
            if fold(entry["name"]) in self.exclude:
                return
            entity = self.index.entity(kind, entry["name"], subtype=entry.get("type"))
            self.index.mention(entity, start, end, possessive)
            return
        if all(w in demonyms() or w[:-1] in demonyms() and w.endswith("s") or w.casefold() in DATE_WORDS for w in words):
            return
        if not possessive and j < len(tokens) and tokens[j].text in _INSTITUTIONS_AFTER:
            if fold(text) not in self.exclude:
                self._typed("organization", text, start, end, possessive)  # "of Lakeview Heights school"
            return
        if any(w[:1].isdigit() for w in words):
            return
        if model == "NORP":
            return  # "Labour", "Republicans": a group named by its people, not a speaker
        if len(words) == 1 and _acronym(words[0]):
            if fold(words[0]) in self.exclude:
                return
            known = self.index.find(words[0])
            if known is not None and known.kind != "person":
                self.index.mention(known, start, end, possessive)
            elif model in ("organization", "place"):
                self._typed(model, text, start, end, possessive)
            elif model is None and (not self.named.enabled or self._followed_by_cue(tokens, j)):
                entity = self.index.entity("organization", words[0])
                self.index.mention(entity, start, end, possessive)
            return
        followed_by_cue = self._followed_by_cue(tokens, j)
        role = self._role_before(tokens, i)
        if len(words) >= 2 and words[0] in demonyms():
            return
        known = self.index.find(text)
        if known is not None and (len(words) == 1 or known.kind != "person" or model in (None, "person")):
            self.index.mention(known, start, end, possessive)
            return
        described = self._described(tokens, i)
        if described and not role:
            model = described
        if model in ("organization", "place") and not described and any(
                t.text.casefold() in PRONOUNS_PERSON for t in tokens[j:j + 3]):
            model = None  # "Lynch said she": a person, whatever the model says
        if model in ("organization", "place") and len(words) >= 2 and words[0] in first_names() \
                and self.named.votes.get(fold(text), {}).get("PERSON"):
            model = "person"  # "Oscar Pistorius": a first name, and the model says a person elsewhere
        if model in ("organization", "place") and not role:
            # "Al Jazeera said", "Juan Fernandez Islands": the model knows better than a cue or a first name
            if fold(text) not in self.exclude:
                self._typed(model, text, start, end, possessive)
            return
        if len(words) >= 2 and (
            words[0] in first_names()
            or role
            or followed_by_cue
            or model == "person"
            or self._role_after(tokens, j)
            or any(len(w.rstrip(".")) == 1 for w in words[1:-1])
        ):
            if "of" in words[2:-1]:
                # "Donald Hartley of Madison", "Ann Bell of Human Rights Watch": a person, then where from
                at = words.index("of", 2)
                self._person(" ".join(words[:at]), start, run[at - 1].end, False, role)
                self._where_from(run[at + 1:], possessive)
                return
            self._person(text, start, end, possessive, role)
            return
        if len(words) == 1 and followed_by_cue and not sentence_start_common(words[0]):
            known = self.index.find(words[0])
            if known is None:
                self._person(words[0], start, end, possessive, role)
                return
        self.pending.append((start, end, text, possessive, followed_by_cue or bool(role)))

    def _capital_of_position(self, role: str, first: Token) -> bool:
        """Whether a role opening a sentence is capitalised only for that: "Flight director", not "French envoy"."""
        head, *rest = role.split()
        return bool(rest) and all(w.islower() for w in rest) and head not in demonyms() \
            and fold(head) not in gazetteer_index() and self.named.label(first.start, first.end) is None

    def _common_noun_opening(self, word: str, start: int) -> bool:
        """A word capitalised for opening a sentence that the article also writes in lower case ("Jabs", "jab")."""
        before = self.body[max(0, start - 3):start].rstrip(" \"“‘'")
        if before and before[-1] not in ".!?\n":
            return False
        low = word.casefold()
        return low in self.lower_words or (low.endswith("s") and low[:-1] in self.lower_words)

    def _common_opening(self, word: str) -> bool:
        """A capitalised first word the article also writes in lower case, and no first name."""
        folded = word.casefold()
        return (word[:1].isupper() and word[1:].islower() and folded in self.lower_words
                and word not in first_names() and folded not in _TITLES and folded not in HONORIFICS)

    def _described(self, tokens: list[Token], i: int) -> str | None:
        """The kind a lowercase noun before a name gives it ("carrier Qantas", "the city of Concepcion")."""
        if i > 0 and tokens[i - 1].kind == "w" and tokens[i - 1].text in ORG_DESCRIPTORS:
            return "organization"
        if i > 1 and tokens[i - 1].text == "of" and tokens[i - 2].text in PLACE_DESCRIPTORS:
            return "place"
        if i > 0 and tokens[i - 1].kind == "w" and tokens[i - 1].text in PLACE_DESCRIPTORS \
                and tokens[i - 1].text not in ("state", "republic", "kingdom"):
            return "place"  # "the state capital Porto Alegre", "the port town Dover"
        return None

    @staticmethod
    def _role_after(tokens: list[Token], j: int) -> bool:
        """An appositive that says who someone is: "…, 45, …" or "…, the French secretary to …"."""
        if j + 1 >= len(tokens) or tokens[j].text != ",":
            return False
        if tokens[j + 1].text.isdigit() and j + 2 < len(tokens) and tokens[j + 2].text == ",":
            return True  # an age
        for token in tokens[j + 1:j + 7]:
            if token.text in ",.;:":
                return False
            if token.text.casefold() in ROLE_NOUNS:
                return True
        return False

    def _followed_by_cue(self, tokens: list[Token], j: int) -> bool:
        return j < len(tokens) and tokens[j].text.casefold() in CUE_VERBS

    def _name_from(self, tokens: list[Token], i: int, j: int) -> bool:
        """Whether a common capitalised word opens a longer name ("New York", "The Hague")."""
        if j - i < 2:
            # "The WHO said": an acronym the model names, not the pronoun
            return tokens[i].text.isupper() and len(tokens[i].text) > 1 and tokens[i].start in self.named.by_start
        text = self.body[tokens[i].start:tokens[j - 1].end]
        gaz = gazetteer_index().get(fold(_clean_word(text)))
        if gaz is not None and not tokens[i].text.casefold() == "the":
            return True
        found = self.named.by_start.get(tokens[i].start)
        return found is not None and found[1] in NER_KINDS and found[0] > tokens[i].end

    def _typed(self, kind: str, text: str, start: int, end: int, possessive: bool) -> None:
        """An entity of the kind the model gave, typed as a place where it tells."""
        subtype = NER_PLACE_TYPES.get(self.named.label(start, end) or "") if kind == "place" else None
        entity = self.index.find(text, kind) or self.index.entity(kind, text, subtype=subtype)
        self.index.mention(entity, start, end, possessive)

    def _where_from(self, run: list[Token], possessive: bool) -> None:
        """The place or organization after a person's "of" ("of Madison", "of The Nation"): never a person."""
        if run and run[0].text.casefold() == "the":
            run = run[1:]
        if not run:
            return
        start, end = run[0].start, run[-1].end - (2 if possessive else 0)
        text = self.body[start:end]
        gaz = gazetteer_index().get(fold(text))
        kind = gaz[0] if gaz and gaz[0] != "person" else self._kind_of(start, end)
        if fold(text) not in self.exclude:
            self._typed(kind if kind in ("organization", "place") else "organization", text, start, end, possessive)

    def _employer(self, start: int, end: int) -> None:
        """The organization or place named in a role ("Qantas CEO", "Chiang Rai Gov.")."""
        text = self.body[start:end]
        gaz = gazetteer_index().get(fold(text))
        kind = gaz[0] if gaz and gaz[0] != "person" else self._kind_of(start, end)
        if not gaz and any(w in ORG_MARKERS for w in fold(text).split()):
            kind = "organization"  # "Acme Ltd CEO"
        if kind in ("organization", "place") and fold(text) not in self.exclude:
            if gaz:
                entity = self.index.entity(kind, gaz[1]["name"], subtype=gaz[1].get("type"))
                self.index.mention(entity, start, end)
            else:
                self._typed(kind, text, start, end, False)

    def _person(self, name: str, start: int, end: int, possessive: bool, role: str | None) -> None:
        if " " not in name and not role and self._common_noun_opening(name, start):
            return
        if all(w.casefold() in _TITLES or w.casefold() in ROLE_NOUNS for w in name.split()) \
                and self.index.find(name, "person") is None:
            return  # "the Minister did not say", "the Vice President": a title, nobody (but "King" after "Ann King")
        entity = None
        if " " not in name and _COURTESY_BEFORE.search(self.body, max(0, start - 6), start):
            entity = self.index.family_name_first(name)  # "Mr Gan" after "Gan Kim Yong"
        entity = entity or self.index.entity("person", name, role=role)
        self.index.mention(entity, start, end, possessive)

    def _role_before(self, tokens: list[Token], i: int) -> str | None:
        """Lowercase role words right before a name: "Kremlin spokesman"."""
        k = i
        words: list[str] = []
        while k > 0 and len(words) < 5:
            tok = tokens[k - 1]
            low = tok.text.casefold()
            if tok.kind != "w" or low in DETERMINERS:
                break
            if low in ROLE_NOUNS or low in _ROLE_MODIFIERS or (is_cap(tok.text) and words) \
                    or low in OCCUPATIONS and not words \
                    or self._role_compound(tokens, k - 1, words):
                words.insert(0, tok.text)
                k -= 1
                continue
            if is_cap(tok.text) and not words:
                break
            break
        if not any(w.casefold() in ROLE_NOUNS or w.casefold() in OCCUPATIONS for w in words):
            return None
        while words and words[0].casefold() not in ROLE_NOUNS and words[0].casefold() in _ROLE_MODIFIERS \
                and words[0].casefold() in {"news", "white", "house"}:
            words.pop(0)
            k += 1
        role = " ".join(words)
        if role and ((k == 0 or tokens[k - 1].text in ".!?") and self._capital_of_position(role, tokens[k])
                     or words[0].casefold() in _NEVER_TITLES):
            role = role[:1].lower() + role[1:]  # "Flight director Ann Lee said": a flight director
        return role or None

    @staticmethod
    def _role_compound(tokens: list[Token], k: int, words: list[str]) -> bool:
        """A noun that makes a role precise, right before its head: "police" officer, "family" attorney.

        Only when the noun phrase opens there (a capitalised word, a modifier,
        "the" or the start of a sentence before it), so that "said spokesman",
        "a veteran police officer" stay what they were.
        """
        low = tokens[k].text.casefold()
        if len(words) != 1 or not (words[0].casefold() in ROLE_NOUNS or words[0].casefold() in OCCUPATIONS) \
                or not low.isalpha() or len(low) < 3 \
                or low in _NOT_COMPOUNDS or tokens[k].text != low:
            return False
        before = tokens[k - 1] if k > 0 else None
        return before is None or before.text in ".!?,;:" or (before.kind == "w" and (
            is_cap(before.text) or before.text.casefold() in DETERMINERS or before.text.casefold() in _ROLE_MODIFIERS))

    def _resolve_pending(self) -> None:
        kinds = [self._kind_of(start, end) for start, end, *_ in self.pending]
        # a lone surname the model calls a person more than once ("Trump launched …", "… Trump said")
        # (not a team's or a people's name, which the article also writes in the plural: "Springboks")
        # (nor a town the model misreads: "from Cairns", "between Townsville and Cairns")
        surnames = Counter(fold(text) for (start, _, text, _, _), kind in zip(self.pending, kinds)
                           if kind == "person" and " " not in text and not sentence_start_common(text)
                           and text + "s" not in self.body
                           and not _AFTER_PLACE_WORD.search(self.body, max(0, start - 40), start))
        for (start, end, text, possessive, speaker_like), model in zip(self.pending, kinds):
            known = self.index.find(text)
            if known is not None:
                self.index.mention(known, start, end, possessive)
            elif model in ("organization", "place") and fold(text) not in self.exclude:
                self._typed(model, text, start, end, possessive)
            elif (speaker_like or model == "person") and (len(text.split()) >= 2 or surnames[fold(text)] >= 2):
                self._person(text, start, end, possessive, None)

    def _headline(self, tokens: list[Token]) -> None:
        """Mentions in a title-case headline: only names the body or the gazetteer knows."""
        if not tokens:
            return
        taken: list[tuple[int, int]] = []
        candidates = [(s, e) for s, e, _ in self.named.inside(tokens[0].start, tokens[-1].end)]
        candidates += [(t.start, t.end - (2 if _possessive(t.text) else 0)) for t in tokens
                       if t.kind == "w" and is_cap(t.text)]
        for start, end in candidates:
            if any(s < end and start < e for s, e in taken):
                continue
            text = self.body[start:end]
            if fold(text) in NOT_NAMES or fold(text) in self.exclude or text.casefold() in COMMON_CAPS:
                continue
            entity = self.index.find(text)
            if entity is None:
                gaz = gazetteer_index().get(fold(text))
                if gaz is None or gaz[0] == "person":
                    continue
                entity = self.index.entity(gaz[0], gaz[1]["name"], subtype=gaz[1].get("type"))
            self.index.mention(entity, start, end)
            taken.append((start, end))

    def _consolidate(self) -> None:
        """Merge what the article names twice: an acronym and its full name, a surname and its person."""
        index = self.index
        orgs = [e for e in index.entities if e.kind == "organization"]
        for acronym in [e for e in orgs if _acronym(e.name)]:
            key = acronym.name.replace(".", "")
            full = [e for e in orgs if e is not acronym and not _acronym(e.name) and _initials(e.name) == key]
            if len(full) == 1 and acronym in index.entities:
                index.absorb(full[0], acronym)
        by_bare: dict[str, Entity] = {}
        for org in sorted((e for e in index.entities if e.kind == "organization"), key=lambda e: len(e.name)):
            # "Facebook" and "Facebook Inc", "Goa" and "FC Goa": one organization, its legal form or club
            # mark left out
            bare = " ".join(w for w in fold(org.name).split() if w not in ORG_MARKERS)
            if bare and bare in by_bare and by_bare[bare] in index.entities:
                index.absorb(by_bare[bare], org)
            elif bare:
                by_bare[bare] = org
        people = [e for e in index.entities if e.kind == "person"]
        for short in people:
            # "Mensah" or "Osei Mensah" beside "Kofi Osei Mensah": the end of one longer name
            full = _ending_with(short.name, people)
            if len(full) == 1 and full[0] in index.entities:
                index.absorb(full[0], short)
        people = [e for e in index.entities if e.kind == "person"]
        for other in [e for e in index.entities if e.kind != "person" and fold(e.name) not in gazetteer_index()
                      and not any(w.casefold() in ORG_HEADS for w in e.name.split())]:
            # "Fernandez said" or "Abu Jinapor's statement", mislabelled by the model, after
            # "Carmen Fernandez" or "Samuel Abu Jinapor": the end of one person's name
            full = _ending_with(other.name, people)
            if len(full) == 1:
                index.absorb(full[0], other)
        people = [e for e in index.entities if e.kind == "person"]
        for short in sorted(people, key=lambda e: len(e.name)):
            # "Samuel A. Jinapor" beside "Samuel Abu Jinapor": one person, the middle name an initial
            same = [e for e in people if e is not short and e in index.entities and _same_person(short.name, e.name)]
            if len(same) == 1 and short in index.entities:
                index.absorb(same[0], short)
        by_name: dict[str, list[Entity]] = {}
        for entity in index.entities:
            by_name.setdefault(fold(entity.name), []).append(entity)
        for same in by_name.values():
            if len(same) > 1:
                best = max(same, key=self._votes)
                for other in same:
                    index.absorb(best, other)

    def _votes(self, entity: Entity) -> int:
        """How many of an entity's mentions the model labels with its kind."""
        return sum(NER_KINDS.get(self.named.label(s, e) or "") == entity.kind for s, e in entity.mentions)


def _ending_with(name: str, people: list[Entity]) -> list[Entity]:
    """The people whose longer name ends with the words of ``name``: "Osei Mensah" in "Kofi Osei Mensah"."""
    words = fold(name).split()
    return [e for e in people if len(e.name.split()) > len(words) and fold(e.name).split()[-len(words):] == words]


def _same_person(short: str, full: str) -> bool:
    """Whether two full names of one first and last name differ only in a middle name written
    as an initial or left out: "John Kennedy", "John F. Kennedy", "John Fitzgerald Kennedy"."""
    a, b = fold(short).split(), fold(full).split()
    if len(a) < 2 or len(b) < 2 or a[0] != b[0] or a[-1] != b[-1] or len(a) > len(b) or a == b:
        return False
    middle_a, middle_b = a[1:-1], b[1:-1]
    if not middle_a:
        return True
    if len(middle_a) != len(middle_b):
        return False
    for x, y in zip(middle_a, middle_b):
        x, y = x.rstrip("."), y.rstrip(".")
        if x != y and not (len(x) == 1 and y.startswith(x) or len(y) == 1 and x.startswith(y)):
            return False
    return True


def appositive_role(body: str, end: int) -> str | None:
    """The role in an appositive right after a name ending at ``end``, without its article.

    ", chief engineer at Volta," and ", a spokesman for the ministry." give
    the role; a clause (", who ...", ", said ..."), a list of names or an age
    does not. The role needs a role noun ("engineer", "spokesman").
    """
    if not body.startswith(", ", end):
        return None
    words: list[str] = []
    closed = False
    for word in body[end + 2:end + 160].split("\n", 1)[0].split(" ")[:_MAX_ROLE_WORDS + 1]:
        bare = word.rstrip(",;.")
        if not bare or any(mark in bare for mark in "\"“”()[]\n"):
            return None
        words.append(bare)
        if word != bare and not (word.endswith(".") and "." in bare):  # "U.S." goes on
            closed = True
            break
    if not closed or len(words) > _MAX_ROLE_WORDS:
        return None
    while words and words[0].casefold() in ("the", "a", "an"):
        words.pop(0)
    folded = [w.casefold().removesuffix("'s").removesuffix("’s") for w in words]
    if not folded or not folded[0][:1].isalpha() or folded[0] in _NOT_ROLE_OPENERS:
        return None
    if _NOT_IN_ROLE.intersection(folded) or PRONOUNS.intersection(folded) or CUE_VERBS.intersection(folded):
        return None
    if not ROLE_NOUNS.intersection(part for word in folded for part in word.split("-")):  # "secretary-general"
        return None
    return " ".join(words)


_MAX_ROLE_WORDS = 10
#: Words after which a lone capitalised name is a place: "from Cairns", "between Townsville and Cairns".
_AFTER_PLACE_WORD = re.compile(r"\b(?:from|in|near|outside|across|between\s+\S+\s+and)\s+\Z")
_NOT_IN_ROLE = frozenset(
    "who whom whose which that when while where if because said says told is was are were has had have"
    " will would can could".split()
)
_NOT_ROLE_OPENERS = _NOT_IN_ROLE | {"and", "or", "but", "as", "after", "before"}


def _initials(name: str) -> str:
    """"Federal Aviation Administration" -> "FAA"; "U.S. Geological Survey" -> "USGS";
    "Kerala Blasters FC" -> "KBFC" (a word in capitals is kept whole)."""
    out = []
    for word in name.split():
        if word.casefold() in CONNECTORS:
            continue
        out.append(word.replace(".", "") if "." in word or word.isupper() else word[:1])
    return "".join(out).upper()


def sentence_start_common(word: str) -> bool:
    """Capitalised words that are not names even before a verb ("Officials said")."""
    return word.casefold() in COMMON_CAPS or word in demonyms() or word.endswith("s") and word[:-1].casefold() in ROLE_NOUNS \
        or word.casefold() in {"officials", "critics", "experts", "analysts", "sources", "protesters", "police",
                               "witnesses", "residents", "people", "others", "supporters", "democrats", "republicans"}


def extract_entities(body: str, paragraphs, exclude: set[str] | None = None) -> EntityIndex:
    """Find the people, organizations and places named in ``body``.

    :param paragraphs: ``(start, end)`` spans of the body's paragraphs.
    :param exclude: folded names to leave out (the article's own publisher).
    """
    index = EntityIndex()
    paragraphs = list(paragraphs)
    named = _Named(body, named_spans(body, paragraphs))
    _Extractor(body, index, exclude or set(), named).run(paragraphs)
    return index
