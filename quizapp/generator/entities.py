"""People, organizations and places named in an article.

Rules, not a model: a run of capitalised words is classified by what it
contains ("Ministry", "Institute" make an organization; a title such as
"President" or "spokesman" before a name makes a person, and is kept as the
person's role), by the shipped gazetteer (``data/gazetteer.json``), and by
how the article uses it (an acronym defined in parentheses becomes an alias,
a bare surname joins the full name mentioned elsewhere).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .lexicon import (
    COMMON_CAPS,
    CONNECTORS,
    CUE_VERBS,
    DATE_WORDS,
    DETERMINERS,
    HONORIFICS,
    ORG_HEADS,
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

_ROLE_MODIFIERS = frozenset(
    "former retired chief senior top press communications communication campaign deputy vice"
    " acting foreign defense defence prime state national security presidential vice-presidential"
    " interim executive managing general associate assistant military intelligence party majority"
    " minority white house news".split()
)
_RUN_CONNECTORS = CONNECTORS - {"and", "y"}
_ROLE_ABBREVIATIONS = {
    "sen.": "Senator", "sen": "Senator", "rep.": "Representative", "rep": "Representative",
    "gov.": "Governor", "gov": "Governor", "gen.": "General", "lt.": "Lieutenant", "col.": "Colonel",
    "maj.": "Major", "capt.": "Captain", "sgt.": "Sergeant", "adm.": "Admiral", "cmdr.": "Commander",
    "sec.": "Secretary", "pres.": "President", "prof.": "Professor",
}


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
            self._surnames.setdefault(fold(name.split()[-1]), entity)

    def _add_alias(self, entity: Entity, alias: str) -> None:
        if fold(alias) in {fold(n) for n in entity.names()}:
            self._keys.setdefault(fold(alias), entity)
            return
        if entity.kind == "person" and " " not in alias:
            self._surnames.setdefault(fold(alias), entity)
            return
        entity.aliases.append(alias)
        self._keys.setdefault(fold(alias), entity)

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
            if words:
                found = self._surnames.get(words[-1]) if len(words) == 1 else None
        if found is not None and kind is not None and found.kind != kind:
            return None
        return found

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


class _Extractor:
    def __init__(self, body: str, index: EntityIndex, exclude: set[str]) -> None:
        self.body = body
        self.index = index
        self.exclude = exclude
        self.pending: list[tuple[int, int, str, bool, bool]] = []

    def run(self, paragraphs) -> None:
        for start, end in paragraphs:
            tokens = tokenize(self.body, start, end)
            self._paragraph(tokens)
        self._resolve_pending()

    def _paragraph(self, tokens: list[Token]) -> None:
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            if tok.kind != "w" or not is_cap(tok.text):
                i += 1
                continue
            j = i + 1
            while j < n and j - i < 12 and not _possessive(tokens[j - 1].text):
                nxt = tokens[j]
                if nxt.kind == "w" and is_cap(nxt.text) and nxt.start - tokens[j - 1].end <= 1:
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
            sentence_start = i == 0 or tokens[i - 1].text in '.!?"“”:;—' or tokens[i - 1].kind == "p" and tokens[i - 1].text in "(["
            self._run(tokens, i, j, sentence_start)
            i = j

    def _run(self, tokens: list[Token], i: int, j: int, sentence_start: bool) -> None:
        while i < j and tokens[i].text.casefold() in COMMON_CAPS:
            i += 1
            sentence_start = False
        while j > i and tokens[j - 1].text in _RUN_CONNECTORS:
            j -= 1
        if i >= j:
            return
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
        # a title before a name: "Russian President Vladimir Putin"
        title_at = -1
        for k in range(len(words) - 1):
            if folded[k] in TITLES and not any(f in ORG_HEADS for f in folded[k + 1:]):
                title_at = k
        if title_at >= 0:
            name_start = title_at + 1
            name_end = name_start
            while name_end < len(words) and words[name_end] not in _RUN_CONNECTORS:
                name_end += 1
            name_words = words[name_start:name_end]
            if name_words and not any(w.casefold() in DATE_WORDS for w in name_words):
                role_words = [w for w in words[:name_start] if w.casefold() not in HONORIFICS or w.casefold() in ROLE_NOUNS]
                role = " ".join(_ROLE_ABBREVIATIONS.get(w.casefold(), w) for w in words[:name_start]) if role_words else None
                before = self._role_before(tokens, i)
                if before and role:
                    role = f"{before} {role}"
                elif before:
                    role = before
                self._person(" ".join(name_words), run[name_start].start,
                             run[name_end - 1].end - (2 if possessive and name_end == len(words) else 0),
                             possessive and name_end == len(words), role)
                if name_end < len(words) - 1:
                    self._run(tokens, i + name_end + 1, j, False)
                return
        gaz = gazetteer_index().get(fold(text))
        if any(f in ORG_HEADS for f in folded) or (gaz and gaz[0] == "organization"):
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
        if all(w in demonyms() or w.casefold() in DATE_WORDS for w in words):
            return
        if any(w[:1].isdigit() for w in words):
            return
        if len(words) == 1 and _acronym(words[0]):
            known = self.index.find(words[0], "organization")
            if fold(words[0]) in self.exclude:
                return
            entity = known or self.index.entity("organization", words[0])
            self.index.mention(entity, start, end, possessive)
            return
        followed_by_cue = j < len(tokens) and tokens[j].text.casefold() in CUE_VERBS
        role = self._role_before(tokens, i)
        if len(words) >= 2 and words[0] in demonyms():
            return
        if len(words) >= 2 and (
            words[0] in first_names()
            or role
            or followed_by_cue
            or any(len(w.rstrip(".")) == 1 for w in words[1:-1])
        ):
            self._person(text, start, end, possessive, role)
            return
        if len(words) == 1 and followed_by_cue and not sentence_start_common(words[0]):
            known = self.index.find(words[0])
            if known is None:
                self._person(words[0], start, end, possessive, role)
                return
        self.pending.append((start, end, text, possessive, followed_by_cue or bool(role)))

    def _person(self, name: str, start: int, end: int, possessive: bool, role: str | None) -> None:
        entity = self.index.entity("person", name, role=role)
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
            if low in ROLE_NOUNS or low in _ROLE_MODIFIERS or (is_cap(tok.text) and words):
                words.insert(0, tok.text)
                k -= 1
                continue
            if is_cap(tok.text) and not words:
                break
            break
        if not any(w.casefold() in ROLE_NOUNS for w in words):
            return None
        while words and words[0].casefold() not in ROLE_NOUNS and words[0].casefold() in _ROLE_MODIFIERS \
                and words[0].casefold() in {"news", "white", "house"}:
            words.pop(0)
        return " ".join(words) or None

    def _resolve_pending(self) -> None:
        for start, end, text, possessive, speaker_like in self.pending:
            known = self.index.find(text)
            if known is not None:
                self.index.mention(known, start, end, possessive)
            elif speaker_like and len(text.split()) >= 2:
                self._person(text, start, end, possessive, None)


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
    _Extractor(body, index, exclude or set()).run(paragraphs)
    return index
