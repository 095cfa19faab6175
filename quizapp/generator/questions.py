"""Facts -> canonical draft questions, each with its fact and source sentence.

Every draft asks one *fact* of the article, and ``fact["key"]`` names it:

============ ==========================================================
fact         forms (best first when all are possible)
============ ==========================================================
quote        who said "…" / who said that <claim> (multiple choice with
             three plausible speakers, else short answer); true/false
             as stated or with a plausible speaker swapped
quote set    matching quotations to their speakers
person       who is described as the <specific role> (multiple choice,
             short answer, true/false); else fill in the name
organization what an acronym defined in the article stands for (short
             answer, multiple choice); fill in the name in its sentence
place        fill in the place in its sentence (multiple choice)
date         which date a relative expression ("Monday", "last month")
             means, given the publication date (multiple choice)
date set     ordering the article's dated events
============ ==========================================================

By default (:func:`build_questions` with ``all_forms=False``) a teacher gets
each fact once, in its best form, ranked by quality; with ``all_forms=True``
the other forms follow their best one, tagged ``alternative``.

Quality score: a base per type (multiple choice 0.60, matching 0.55, short
answer 0.50, ordering 0.40, true/false 0.40); +0.15 for a quotation of four
words or more, a stated claim or a specific role; +0.05 per extra mention of
the entity (at most +0.15); +0.05 when every distractor comes from the
article; -0.10 for a fill-in-the-blank; -0.05 for a stem over 200 characters.
By default each answer is asked once (a speaker's second quotation waits
among the alternatives), and three forms are alternatives only: which date
a relative expression means, what an acronym stands for, and matching
quotations already asked one by one.

What is not asked: blanks in lists, datelines, parentheses (tickers,
acronym definitions), headlines or half a name; quotations of fewer than four
words without a reported clause; names that are not proper names; roles of a
single generic word ("the President": world knowledge, not the article's);
dates whose expression already states the answer ("March 3, 2025") or that
mean the publication day, week, month or year itself ("today"). No stem is
longer than 250 characters: quotations are trimmed at word boundaries first.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re

from ..canonical import normalize_answer, slugify
from ..services.scoring import moodle_text
from .article import WIRE_DATELINE
from .dates import DateMention, event_sentences
from .distractors import (
    Candidate, date_choices, format_date, is_proper_name, plausible, same_referent, shifted, surname,
)
from .entities import Entity
from .facts import Facts
from .lexicon import CONNECTORS, CUE_VERBS, HONORIFICS, MONTHS, WEEKDAYS
from .quotes import Quote

MAX_STEM = 250
_NAME_PARTICLES = frozenset("al el ad an ar as at az bin ibn abu ben ould".split())
_MAX_QUOTE_WORDS = 28
_BASE = {
    "multiple_choice": 0.60,
    "matching": 0.55,
    "short_answer": 0.50,
    "ordering": 0.40,
    "true_false": 0.40,
}
#: Tag of a fact not asked by default: its answer is asked already, or its form is alternative-only.
MORE_TAG = "more"
#: Tags of forms offered only among the alternatives (see :meth:`_Builder.ranked`).
_ALTERNATIVE_ONLY = frozenset({"relative-date", "acronym", "matching"})
_PAST = {"says": "said", "say": "said", "writes": "wrote", "adds": "added", "reads": "said", "read": "said",
         "tells": "told", "notes": "noted", "reports": "reported", "report": "reported"}
_CUES = frozenset("said wrote added reported told noted stated warned argued claimed explained insisted recalled"
                  " tweeted asked continued".split())
#: Cues whose reported clause follows their object: "told reporters that …".
_CUES_WITH_OBJECT = frozenset("told warned assured informed reminded promised urged".split())
#: Words a quotation does not end on when it is a whole thought.
_FUNCTION_WORDS = frozenset("a an the of in on at to for with from by and or but as than that which who".split())
_PREPOSITIONS = frozenset("for of to in on at with from by about as than into over under after before".split())
_FINITE = frozenset("is are was were has have had will would could should can may might must did does do shall"
                    " isn't aren't wasn't weren't hasn't haven't won't wouldn't can't couldn't didn't doesn't"
                    " don't".split())
_DANGLING = frozenset("it they them this these those that there".split())


def trim_words(text: str, max_words: int = _MAX_QUOTE_WORDS) -> str:
    """Cut text at a word boundary, marking the cut with an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    words = text.split(" ")
    if len(words) <= max_words:
        return text.rstrip(" ,;:")
    cut = " ".join(words[:max_words]).rstrip(" ,;:.—-")
    return cut + "…"


def _quote_text(text: str, max_words: int = _MAX_QUOTE_WORDS) -> str:
    text = trim_words(text, max_words)
    if text.endswith("…"):
        return text
    text = text.rstrip(",").removesuffix("''")  # two apostrophes typed as the closing mark
    last = text.split()[-1].casefold() if text.split() else ""
    if last in _FUNCTION_WORDS:
        return text + "…"  # the quoted words run on outside the marks
    return text.rstrip(".")


def _fit(make, text: str, limit: int = MAX_STEM, start: int = _MAX_QUOTE_WORDS) -> str | None:
    """``make(trimmed)`` for the longest word-trim of ``text`` that keeps it within ``limit``."""
    for words in range(start, 5, -2):
        stem = make(_quote_text(text, words))
        if len(stem) <= limit:
            return stem
    return None


_THE_SINGLE = frozenset("kremlin pentagon senate ministry institute white".split())


def named(entity: Entity | Candidate) -> str:
    """The entity's name as it reads inside a sentence: "the Kremlin", "TASS", "Dmitry Peskov"."""
    name = entity.name
    if entity.kind == "person" or name.startswith("The "):
        return name
    first = name.split()[0]
    bare = first.replace(".", "")
    if bare.isupper() or (len(name.split()) == 1 and name.casefold() not in _THE_SINGLE):
        return name
    if entity.kind == "place" and entity.subtype not in (None, "country") or entity.kind == "place" and not any(
            w in name.split() for w in ("United", "Republic", "Kingdom", "States", "Netherlands")):
        return name
    return f"the {name}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_clause(claim: str) -> bool:
    """Whether a reported clause reads as English after "Who said that …?".

    It needs a finite verb, must not open with a preposition or a pronoun
    that points outside the stem ("it", "they"), and must not stop on a
    preposition.
    """
    words = [w.strip("\"'“”‘’,.;:!?()").casefold() for w in claim.split()]
    words = [w for w in words if w]
    if len(words) < 4:
        return False
    if words[0] in _PREPOSITIONS or words[0] in _DANGLING or words[-1] in _FUNCTION_WORDS:
        return False
    return any(w in _FINITE or (w.endswith("ed") and len(w) > 4) for w in words[1:])


def specific_role(role: str | None) -> bool:
    """A role that identifies someone within the article, not by world knowledge.

    "Regional governor" and "chief technology officer" are; "President",
    "Prime Minister" and "Vice President" are not.
    """
    words = [w.strip(".,").casefold() for w in (role or "").split()]
    if not (len(words) >= 2 and len(role) <= 60 and any(w not in _GENERIC_ROLE for w in words)):
        return False
    if _HEADS_OF_STATE.intersection(words):
        # "Argentine President", "former French president": a country's leader is world knowledge
        return not all(raw[:1].isupper() for w, raw in zip(words, role.split())
                       if w not in _GENERIC_ROLE and w not in ("of", "the"))
    return True


#: A count right before a capitalised word ("127 Chanfang", "two Boeings"): the word is a thing counted;
#: a year is no count ("the 2018 Society for Neuroscience Meeting").
_COUNT = re.compile(r"(?:(?!(?:18|19|20)\d\d\b)\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|eleven"
                    r"|twelve|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozen|dozens"
                    r"|million|millions)", re.IGNORECASE)
#: Words that end a lead into a quotation the way a cue does ("described it as", "called it").
_LEAD_STOPS = frozenset("that as it called described dubbed termed named labelled labeled".split())
#: Words that open a sentence with a capital only because they open it: lowercased in a lead.
_LOWER_LEADS = frozenset("nothing no not never none nobody neither nor everything everyone everybody all some"
                         " many most few officials critics experts residents".split())
#: Words a fill-in sentence keeps besides its blank: fewer say too little to find the name by.
_MIN_CLOZE_WORDS = 5
#: A courtesy title right before a name: blanked with it.
_COURTESY_END = re.compile(r"\b(?:Mrs|Mr|Ms|Miss|Mx)\.?[ \t]+\Z")
_DATELINE = re.compile(r"[A-Z][A-Z.,' ]{2,40}(?:\([^()]{0,40}\))?\s*(?:--|[-–—])")
_GENERIC_ROLE = frozenset(
    "prime vice deputy chief general senior former first acting interim minister president secretary justice"
    " executive officer chairman chairwoman chair leader head director governor mayor senator lady premier"
    " chancellor king queen spokesman spokeswoman spokesperson attorney judge coach captain".split()
)


#: Places every reader knows without the article: blanking them asks nothing.
_EVERYWHERE = frozenset({"earth", "the earth", "moon", "the moon", "sun", "the sun", "world", "the world"})
_HEADS_OF_STATE = frozenset("president premier chancellor king queen pope emperor monarch".split()) | {"prime"}


class _Builder:
    def __init__(self, facts: Facts, pool=None) -> None:
        self.facts = facts
        self.article = facts.article
        self.body = facts.article.body
        self.slug = facts.article.slug or "article"
        # the article's own citation when its reader knows it; seeds/ is where a bare slug lives
        self.source_path = self.article.path or (f"seeds/{self.article.slug}.txt" if self.article.slug else "")
        self.questions: list[tuple[float, str, dict]] = []
        self._said_by: dict[str, dict[int, Entity]] | None = None
        self._mentions: dict[int, int] = {}
        self.ids: set[str] = set()
        self._next: dict[str, int] = {}
        self._quote_opens = [q.open for q in facts.quotes]
        self._lower_words = frozenset(re.findall(r"\b[a-z]+\b", self.body))
        self.people = [e for e in facts.people() if self._named_here(e, "person")]
        self.orgs = [e for e in facts.organizations() if self._named_here(e, "organization")]
        self.places = [e for e in facts.places() if self._named_here(e, "place")]
        self._cands = {id(e): Candidate.of(e) for e in facts.entities.entities}
        self._clozed: list[Entity] = []  # places and organizations asked by a fill-in so far
        folded_body = f" {normalize_answer(self.body)} "
        for cand in self._cands.values():
            # show the name the reader met: "EU" rather than a canonical "European Union" never written
            if f" {normalize_answer(cand.name)} " not in folded_body:
                seen = [n for n in cand.aliases if f" {normalize_answer(n)} " in folded_body]
                if seen:
                    cand.display = max(seen, key=len)
        names = {normalize_answer(n) for e in facts.entities.entities for n in e.names()}
        self.bank = [Candidate.of(e, from_article=False) for e in pool or []]
        self.bank = [c for c in self.bank if c.kind and normalize_answer(c.name) not in names]
        #: people by the last word of their role ("coach"), for fill-ins whose sentence names one by role
        self._by_role_head: dict[str, list[Entity]] = {}
        for person in self.people:
            if person.role:
                self._by_role_head.setdefault(person.role.split()[-1].casefold().strip(".,"), []).append(person)
        self._surnames: dict[str, int] = {}
        for person in self.people:
            key = normalize_answer(surname(person.name))
            self._surnames[key] = self._surnames.get(key, 0) + 1
        # names written for exactly one entity: safe to accept as an answer for it
        self._written_names: dict[int, list[str]] = {}
        self._lower_body = " ".join(self.body.split()).casefold()
        self._with_the: dict[str, bool] = {}
        owners: dict[str, set[int]] = {}
        for entity in facts.entities.entities:
            for text in self._written(entity):
                owners.setdefault(normalize_answer(text), set()).add(id(entity))
        self._unique_names = {name for name, ids in owners.items() if name and len(ids) == 1}

    # -- plumbing --------------------------------------------------------
    def _named_here(self, entity: Entity, kind: str) -> bool:
        """A proper name the article itself uses: not only inside quotations ("FaceTime calls")
        nor only as a dateline in capitals ("DARMSTADT")."""
        if not is_proper_name(entity.name, kind):
            return False
        low = entity.name.casefold()
        if kind == "person" and (low in self._lower_words or low.removesuffix("s") in self._lower_words):
            return False  # "Jabs will be given …", "Aides said": a common noun opening a sentence
        outside = [(s, e) for s, e in entity.mentions if not self._in_quote(s)]
        if entity.mentions and not outside and not entity.speaker:
            return False
        written = {self.body[s:e] for s, e in outside}
        return not (written and all(w.isupper() and len(w) > 5 and " " not in w for w in written))

    def _in_quote(self, offset: int) -> bool:
        i = bisect.bisect_right(self._quote_opens, offset) - 1
        return i >= 0 and offset < self.facts.quotes[i].close

    def _quotations_whole(self, s: int, e: int) -> bool:
        """Whether every quotation that touches ``s:e`` opens and closes inside it."""
        marks = self.body[s:e].count('"') + self.body[s:e].count("“") + self.body[s:e].count("”")
        last = bisect.bisect_left(self._quote_opens, s) - 1
        if last >= 0 and self.facts.quotes[last].close > s:
            return False  # a quotation opened before the sentence runs into it
        inside = self._quotes_opened_in(s, e)
        return 2 * len(inside) == marks and all(q.close <= e for q in inside)

    def _quotes_opened_in(self, s: int, e: int) -> list[Quote]:
        return self.facts.quotes[bisect.bisect_left(self._quote_opens, s):bisect.bisect_left(self._quote_opens, e)]

    def _speaks_in(self, entity: Entity, s: int, e: int) -> bool:
        return any(q.speaker is entity for q in self._quotes_opened_in(s, e))

    def _id(self, kind: str, key: str) -> str:
        base = f"{slugify(self.slug, 40)}-gen-{kind}-{slugify(key, 50)}"
        qid, n = base, self._next.get(base, 2)
        while qid in self.ids:
            qid = f"{base}-{n}"
            n += 1
        self._next[base] = n
        self.ids.add(qid)
        return qid

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around ``start:end``, without a wire service's dateline ("(Gray News/AP) - ")."""
        s, e = self.facts.sentence_of(start, end)
        wire = WIRE_DATELINE.match(self.body, s, e)
        return (wire.end(), e) if wire and wire.end() <= start else (s, e)

    def _source(self, start: int, end: int) -> dict:
        s, e = self.facts.sentence_of(start, end)
        return {"article": self.source_path, "sentence": self.body[s:e], "start": s, "end": e}

    def _add(self, key: str, score: float, question: dict) -> None:
        if len(question["stem"]) > MAX_STEM:
            return
        question.setdefault("title", None)
        question.setdefault("stem_format", "plain")
        question.setdefault("category", "Generated")
        question["status"] = "draft"
        question["fact"] = {**question["fact"], "key": key}
        if len(question["stem"]) > 200:
            score -= 0.05
        self.questions.append((round(score, 3), key, question))

    @staticmethod
    def _choices(answer: str, distractors: list[str], feedback: str | None = None) -> list[dict]:
        choices = [{"text": answer, "weight": 1.0, "feedback": feedback}]
        choices += [{"text": d, "weight": 0.0, "feedback": None} for d in distractors]
        # a stable order that does not always put the answer first
        return sorted(choices, key=lambda c: slugify(c["text"])[::-1])

    def _pool(self, kind: str) -> list[Candidate]:
        entities = {"person": self.people, "organization": self.orgs, "place": self.places}[kind]
        return [self._cands[id(e)] for e in entities] + [c for c in self.bank if c.kind == kind]

    def _distractors(self, entity: Entity, exclude: list[Entity] = ()) -> tuple[list[str], bool]:
        answer = self._cands[id(entity)]
        chosen = plausible(answer, [c for c in self._pool(entity.kind) if c is not answer], 3,
                           [self._cands[id(e)] for e in exclude])
        return [c.display or c.name for c in chosen], all(c.from_article for c in chosen)

    def _score(self, base_type: str, entity: Entity | None, from_article: bool = False, rich: bool = False) -> float:
        score = _BASE[base_type]
        if rich:
            score += 0.15
        if entity is not None:
            score += min(max(self._mention_count(entity) - 1, 0), 3) * 0.05
        if from_article and base_type == "multiple_choice":
            score += 0.05
        return score

    def _written_with_the(self, name: str) -> bool:
        """Whether the article writes "the <name>" (searched once per name)."""
        if name not in self._with_the:
            self._with_the[name] = f"the {name}".casefold() in self._lower_body
        return self._with_the[name]

    def _written(self, entity: Entity) -> list[str]:
        """The distinct ways the article writes an entity's name, in reading order (computed once)."""
        key = id(entity)
        if key not in self._written_names:
            seen: dict[str, None] = {}
            for s, e in sorted(set(entity.mentions)):
                text = self.body[s:e].removesuffix("'s").removesuffix("’s")
                if text:
                    seen.setdefault(text, None)
            self._written_names[key] = list(seen)
        return self._written_names[key]

    def _accepted(self, entity: Entity, answer: str | None = None) -> list[dict]:
        """Forms a person would type: full name, surname, no title, acronym and full name.

        Short answers are graded as Moodle grades them (case and spacing
        only), so the forms a person types differently are each written:
        "the Kremlin" and "Kremlin", "U.K." and "UK".
        """
        forms = [answer or entity.name, entity.name, *entity.aliases]
        if entity.kind == "person":
            words = entity.name.split()
            while len(words) > 1 and words[0].casefold() in HONORIFICS:
                words = words[1:]
            forms.append(" ".join(words))
            last = surname(" ".join(words))
            written = self._written(entity)
            family_first = len(words) > 1 and normalize_answer(words[0]) in {normalize_answer(w) for w in written}
            if last != " ".join(words) and self._surnames.get(normalize_answer(last), 0) <= 1 and not family_first:
                forms.append(last)
                if "-" in last and last.split("-", 1)[0].casefold() in _NAME_PARTICLES:
                    forms.append(last.split("-", 1)[1])  # "el-Enany" is typed "Enany" too
            # the names the article itself uses for them: "Mr Gan" for Gan Kim Yong
            forms += [w for w in written if w[0].isupper() and normalize_answer(w) in self._unique_names]
        variants = []
        for form in forms:
            text = " ".join(form.split())
            variants.append(text)
            if text[:4].casefold() == "the ":
                variants.append(text[4:])
            elif entity.kind != "person" and self._written_with_the(text):
                variants.append(f"the {text}")  # the article writes "the Harbor Trust"
            if "." in text and text.replace(".", "").replace(" ", "").isupper():
                variants.append(text.replace(".", ""))  # "U.K." is typed "UK"
        out, seen = [], set()
        for text in variants:
            key = moodle_text(text)  # what grading tells apart: case and spacing only
            if key and key not in seen:
                seen.add(key)
                out.append({"text": text, "weight": 1.0, "feedback": None})
        return out

    # -- quotes ----------------------------------------------------------
    def quotes(self) -> None:
        groups: dict[tuple, list[Quote]] = {}
        for quote in self.facts.quotes:
            speaker = quote.speaker
            if speaker is None or speaker.kind == "place" or not is_proper_name(speaker.name, speaker.kind):
                continue  # "Argentina said": who in Argentina is not known
            if speaker.kind == "person" and len(speaker.name.split()) == 1 and not speaker.speaker:
                continue
            # one fact per speaker and sentence: quotes of one sentence are asked once
            key = (id(speaker), self.facts.sentence_of(quote.open, quote.close)[0])
            groups.setdefault(key, []).append(quote)
        quoted = []
        for members in groups.values():
            quote = max(members, key=lambda q: len(q.text))
            if self._who_said(quote, len(quoted)):
                quoted.append(quote)
        self._matching(quoted)

    def _speakers_of(self, text: str) -> list[Entity]:
        """Everyone the article quotes saying ``text`` (indexed once: linear in the quotes)."""
        if self._said_by is None:
            self._said_by = {}
            for q in self.facts.quotes:
                if q.speaker is not None:
                    self._said_by.setdefault(normalize_answer(q.text), {})[id(q.speaker)] = q.speaker
        return list(self._said_by.get(normalize_answer(text), {}).values())

    def _mention_count(self, entity: Entity) -> int:
        """Distinct mentions of ``entity``, counted once per entity, not once per draft."""
        key = id(entity)
        if key not in self._mentions:
            self._mentions[key] = len(set(entity.mentions))
        return self._mentions[key]

    def _quote_fact(self, quote: Quote) -> dict:
        fact = self.facts.quote_fact(quote)
        return {k: fact[k] for k in ("kind", "text", "speaker", "speaker_kind", "cue", "start", "end")}

    def _who_said(self, quote: Quote, n: int) -> bool:
        """The forms of one quotation; False when it is not worth asking."""
        speaker = quote.speaker
        if self._said_together(quote):
            return False  # '"…," Munday and Dixson warned': two right answers to "Who said"
        org = speaker.kind != "person"
        who = "Which organization" if org else "Who"
        cue = _PAST.get((quote.cue or "said").casefold(), (quote.cue or "said").casefold())
        if cue not in _CUES:
            cue = "said"
        words = len(quote.text.split())
        stem = None
        if quote.claim and words < 6:
            claim = trim_words(quote.claim, 40).rstrip(".")
            claim = re.sub(r"[.!?]([\"”])", r"\1", claim)
            if is_clause(claim) and not claim.endswith("…"):
                told = re.match(r"(?:[\w’'-]+,?\s+){1,6}that\s", claim) and cue in _CUES_WITH_OBJECT
                # "told reporters near the scene that …": the object comes before "that"
                that = "" if claim.startswith(('"', "“")) or told else "that "
                stem = f"{who} {cue} {that}{claim}?"
                if len(stem) > MAX_STEM:
                    stem = None
        if stem is None:
            ends_open = quote.text.split()[-1].strip(",.").casefold() in _FUNCTION_WORDS if words else True
            if words < 4 or (ends_open and words < 6):
                return False  # scare quotes and fragments: not worth a question
            lead = self._lead(quote)
            stem = _fit(lambda text: f'{who} said {lead}"{text}"?', quote.text)
            if stem is None:
                return False
        rich = True
        others = [s for s in self._speakers_of(quote.text) if s is not speaker]
        distractors, from_article = self._distractors(speaker, others)
        source = self._source(quote.open, max(quote.close, quote.attribution_end))
        shown = _quote_text(quote.text, 40)
        feedback = f'{_cap(named(speaker))} is quoted in the article: "{shown}"'
        key = f"quote:{slugify(speaker.name, 30)}:{self.facts.sentence_of(quote.open, quote.close)[0]}"
        slug = slugify(quote.text, 30)
        fact = self._quote_fact(quote)
        if len(distractors) == 3:
            self._add(key, self._score("multiple_choice", speaker, from_article, rich), {
                "id": self._id("quote-mc", slug),
                "type": "multiple_choice",
                "stem": stem,
                "choices": self._choices(speaker.name, distractors),
                "general_feedback": feedback,
                "tags": ["generated", "quote", "who-said"],
                "fact": fact,
                "source": source,
            })
        self._add(key, self._score("short_answer", speaker, rich=rich), {
            "id": self._id("quote-sa", slug),
            "type": "short_answer",
            "stem": stem,
            "accepted": self._accepted(speaker),
            "general_feedback": feedback,
            "tags": ["generated", "quote", "who-said"],
            "fact": fact,
            "source": source,
        })
        self._true_false_quote(quote, key, n, distractors, source)
        return True

    def _said_together(self, quote: Quote) -> bool:
        """Whether the quotation's speaker is named with another person as one subject ("Munday
        and Dixson warned", "said Ann Lee and Tom Pell") in its sentence outside the quotation."""
        start, end = self.facts.sentence_of(quote.open, max(quote.close, quote.attribution_end))
        people = [m for m in self.facts.entities.mentions_in(start, end) if m.entity.kind == "person"
                  and not self._in_quote(m.start)]
        for a, b in zip(people, people[1:]):
            if a.entity is not b.entity and (quote.speaker is a.entity or quote.speaker is b.entity) \
                    and re.fullmatch(r",?\s+and\s+", self.body[a.end:b.start]):
                return True
        return False

    def _lead(self, quote: Quote) -> str:
        """The words a quotation that starts mid-sentence goes on from, with a space after them:
        'Nothing "has made me doubt the plan," she said' is asked as 'Who said nothing "has made
        me doubt the plan"?', never as the quotation alone, which says the opposite. Empty when
        the quotation opens its sentence or follows a cue ('said:'), a clause or a long lead."""
        if not quote.text[:1].islower():
            return ""
        start = self.facts.sentence_of(quote.open)[0]
        words = self.body[start:quote.open].split()
        if not 1 <= len(words) <= 4 or words[-1][-1:] in ",:;—–-" or any(
                w.casefold().strip(",.") in CUE_VERBS | _LEAD_STOPS for w in words):
            return ""
        lead = " ".join(words).casefold()
        if quote.speaker is not None and any(name.casefold() in lead for name in
                                             [*quote.speaker.names(), quote.speaker.surname()]):
            return ""  # the lead would name the answer
        first = words[0]
        if first[:1].isupper() and first.casefold() in _LOWER_LEADS:
            words[0] = first.casefold()
        return " ".join(words) + " "

    def _true_false_quote(self, quote: Quote, key: str, n: int, distractors: list[str], source: dict) -> None:
        speaker = quote.speaker
        if not distractors:
            return  # with nobody else to name, "X said …" is always true
        swap = None
        if n % 2 == 1:
            swap = distractors[0]
        said = swap or named(speaker)
        stem = _fit(lambda text: f'True or false: according to the article, {said} said "{text}".', quote.text, 
                    start=22)
        if stem is None:
            return
        text = _quote_text(quote.text, 22)
        feedback = f'It was {named(speaker)} who said "{text}".'
        self._add(key, self._score("true_false", speaker, rich=len(quote.text.split()) >= 4), {
            "id": self._id("quote-tf", slugify(quote.text, 30)),
            "type": "true_false",
            "stem": stem,
            "answer": swap is None,
            "feedback_true": None if swap is None else feedback,
            "feedback_false": feedback if swap is None else None,
            "general_feedback": feedback,
            "tags": ["generated", "quote", "true-false"],
            "fact": {**self._quote_fact(quote), **({"swapped_speaker": swap} if swap else {})},
            "source": source,
        })

    def _matching(self, quoted: list[Quote]) -> None:
        chosen: list[Quote] = []
        prompts: set[str] = set()
        for quote in quoted:
            prompt = f'"{_quote_text(quote.text, 12)}"'
            if prompt in prompts or len(quote.text.split()) < 4:
                continue
            prompts.add(prompt)
            chosen.append(quote)
        # speakers must be told apart: not the same person under two names
        groups: list[list[Quote]] = []
        for quote in chosen:
            for group in groups:
                if group[0].speaker is quote.speaker or same_referent(self._cands[id(group[0].speaker)],
                                                                      self._cands[id(quote.speaker)]):
                    if group[0].speaker is quote.speaker:
                        group.append(quote)
                    break
            else:
                groups.append([quote])
        if len(groups) < 2:
            return
        picked: list[Quote] = []
        for round_ in range(2):  # round robin: at most two quotations each, five in all
            for group in groups:
                if len(group) > round_ and len(picked) < 5:
                    picked.append(group[round_])
        picked.sort(key=lambda q: q.open)
        if len(picked) < 3:
            return
        first, last = picked[0], picked[-1]
        s, _ = self.facts.sentence_of(first.open, first.open + 1)
        _, e = self.facts.sentence_of(last.close - 1, last.close)
        self._add("quote-set", _BASE["matching"] + 0.15, {
            "id": self._id("quote-match", "speakers"),
            "type": "matching",
            "stem": "Match each quotation from the article to the person or organization who said it.",
            "pairs": [{"prompt": f'"{_quote_text(q.text, 12)}"', "match": q.speaker.name} for q in picked],
            "general_feedback": "; ".join(f'{q.speaker.name}: "{_quote_text(q.text, 12)}"' for q in picked),
            "tags": ["generated", "quote", "matching"],
            "fact": {"kind": "quote", "quotes": [{"text": q.text, "speaker": q.speaker.name} for q in picked]},
            "source": {"article": self.source_path, "sentence": self.body[s:e], "start": s, "end": e},
        })

    # -- organizations, people, places -------------------------------------
    def _blank_ok(self, start: int, end: int, s: int, e: int, date: bool = False) -> bool:
        """Whether the mention at ``start:end`` can be blanked out of its sentence ``s:e``.

        Not in a list, a dateline, parentheses (tickers, acronym
        definitions), a headline, nor half of a longer name. A ``date`` is
        not half of a name: "On Jun 23, MOH detected" blanks the date.
        """
        sentence = self.body[s:e].rstrip()
        if not sentence or sentence[-1] not in ".!?\"”’'":
            return False  # a headline or a caption, not a sentence
        if any(mark in sentence for mark in "\"“”") and not self._quotations_whole(s, e):
            return False  # a quotation cut in two by the sentence: the blanked text would be half of it
        if _DATELINE.match(sentence):
            return False
        opening = sentence.split(maxsplit=1)[0]
        if opening.isupper() and len(opening) > 1 and opening.casefold() in self._lower_words:
            return False  # "THE SNP'S dream of …": a lead set in capitals, not the article's sentence
        before = self.body[s:start]
        after = self.body[end:e]
        if before.count("(") > before.count(")"):
            return False
        if not before.strip() and re.match(r"\s*(?:\([^)]{0,40}\))?\s*[-–—]", after):
            return False  # a dateline: "LONDON (Agency) —"
        words_before = before.split()
        prev = words_before[-2:]
        titled = len(words_before)
        while words_before and words_before[-1].casefold().rstrip(".") in HONORIFICS:
            words_before.pop()  # "Crump and Rev. _____": the list goes on behind a title
        if len(words_before) < titled:
            prev = words_before[-2:]
            if prev and (prev[-1].casefold() in ("and", "or") or prev[-1].endswith(",")):
                return False
        nxt = after.split()[:2]
        def capital(word: str) -> bool:
            return word[:1].isupper() and word.casefold().strip(",.") not in ("i",)
        if before.rstrip().endswith(",") or (prev and prev[-1].casefold() in ("and", "or")):
            if len(prev) >= 1 and capital((prev[-2] if prev[-1].casefold() in ("and", "or") and len(prev) > 1
                                           else prev[-1]).strip(",")):
                return False  # "…, Paris, _____" or "Paris and _____"
        if date:
            return True  # what follows a date starts the clause ("…, MOH detected"), it is not more of it
        if prev and _COUNT.fullmatch(prev[-1]):
            return False  # "127 _____": what is counted is a thing, not a name
        if re.match(r" \d", after):
            return False  # "at _____ 11": half of an address
        if after.startswith(",") and nxt and len(nxt) > 1 and capital(nxt[1]) and nxt[0] == ",":
            return False
        if nxt and (nxt[0].startswith(",") is False) and after[:1] == "," and len(nxt) > 1 and capital(nxt[1]):
            return False  # "_____, Rome and Paris"
        if nxt and nxt[0].casefold() in ("and", "or") and len(nxt) > 1 and capital(nxt[1]):
            return False
        if prev and before[-1:] == " " and capital(prev[-1]) and prev[-1][-1:] not in ".,;:" and before.strip() != \
                prev[-1]:
            return False  # the blank would be half a name: "Securities and _____" / "Bank _____"
        if prev and before[-1:] == " " and prev[-1].casefold() in CONNECTORS and len(prev) > 1 and capital(prev[-2]):
            return False
        if nxt and after[:1] == " " and capital(nxt[0]) and not nxt[0].casefold().strip(",.") in WEEKDAYS:
            return False
        if re.match(r"['’]s [A-Z]", after):
            return False  # "_____'s Hospital"
        if re.match(r"['’](?![a-z])", after):
            return False  # "_____' coach": the plural possessive reads as a stray mark
        if nxt and after[:1] == " " and nxt[0].casefold() in CONNECTORS - {"and", "the"} and len(nxt) > 1 \
                and capital(nxt[1]):
            return False  # "_____ of Commerce", "_____ do Sul": half a name
        return True

    def _cloze(self, entity: Entity, label: str) -> None:
        if entity.kind == "person" and len(entity.name.split()) == 1 and not entity.speaker:
            return
        if entity.name.casefold() in _EVERYWHERE:
            return  # "the long trip back to _____": Earth is known without the article
        if entity.kind != "person":
            # "Notre Dame" and "Notre Dame Cathedral" are one place: asked once
            cand = self._cands[id(entity)]
            if any(same_referent(cand, self._cands[id(e)]) for e in self._clozed if e.kind == entity.kind):
                return
        prefix = f"Which {label} completes this sentence from the article? "
        for start, end in sorted(entity.mentions):
            if self._in_quote(start):
                continue
            s, e = self._sentence(start, end)
            sentence = self.body[s:e]
            if len(prefix) + len(sentence) > MAX_STEM or not self._blank_ok(start, end, s, e):
                continue
            if self._speaks_in(entity, s, e):
                continue  # "“…,” said _____": who said it is the quotation's own question
            if entity.kind == "person" and re.search(r"\bthe\s+$", self.body[s:start], re.IGNORECASE):
                continue  # "the _____ family lawyer": a family, not the person
            if entity.kind == "person" and (courtesy := _COURTESY_END.search(self.body, s, start)):
                start = courtesy.start()  # "in front of Mr _____" tells a man from a woman among the choices
            blanked = sentence[: start - s] + "_____" + sentence[end - s:]
            if len(re.findall(r"\w+", blanked)) < _MIN_CLOZE_WORDS:
                continue  # "_____ asked Boykin.": the tail of a quotation, too little to know the name by
            # another mention of the same entity in the sentence would give it away
            if any(len(n) > 2 and re.search(rf"\b{re.escape(n)}\b", blanked) for n in entity.names()):
                continue
            break
        else:
            return
        self._clozed.append(entity)
        # nobody the sentence itself names can fill its blank ("India's coach … shutting out _____")
        in_sentence = {id(m.entity): m.entity for m in self.facts.entities.mentions_in(s, e)
                       if m.entity is not entity and m.entity.kind == entity.kind}
        # nor anyone it names by role ("India's Dutch coach … shutting out _____" never offers that coach)
        if entity.kind == "person":
            for word in set(_folded_words(sentence)):
                for other in self._by_role_head.get(word, ()):
                    if other is not entity:
                        in_sentence[id(other)] = other
        distractors, from_article = self._distractors(entity, list(in_sentence.values()))
        answer = self.body[start:end]
        answer_text = answer if normalize_answer(answer) != normalize_answer(entity.name) else entity.name
        if entity.kind == "person":
            answer_text = entity.name  # "Federer" among full names would stand out
        key = f"{entity.kind}:{slugify(entity.name, 50)}"
        common = {
            "general_feedback": f"The article says: {sentence}",
            "tags": ["generated", entity.kind, "fill-in"],
            "fact": entity.to_fact(),
            "source": {"article": self.source_path, "sentence": sentence, "start": s, "end": e},
        }
        if len(distractors) == 3:
            self._add(key, self._score("multiple_choice", entity, from_article) - 0.10, {
                "id": self._id(f"{entity.kind[:3]}-cloze", entity.name),
                "type": "multiple_choice",
                "stem": prefix + blanked,
                "choices": self._choices(answer_text, distractors),
                **common,
            })
        # typed from memory: the fact is asked even where the article names too few of its kind;
        # "which name", since no choices show the kind and a kind read wrong would mislead
        self._add(key, self._score("short_answer", entity) - 0.10, {
            "id": self._id(f"{entity.kind[:3]}-cloze-sa", entity.name),
            "type": "short_answer",
            "stem": "Which name completes this sentence from the article? " + blanked,
            "accepted": self._accepted(entity, answer_text),
            **common,
            "tags": list(common["tags"]),
            "fact": dict(common["fact"]),
        })

    def organizations(self) -> None:
        for org in self.orgs:
            acronyms = [a for a in org.names() if a.replace(".", "").isupper() and 2 <= len(a) <= 6
                        and any(self.body[s:e] == a for s, e in org.mentions)]
            full = [n for n in org.names() if not n.replace(".", "").isupper() and len(n.split()) > 1]
            if acronyms and full and any(self.body[s:e] in full for s, e in org.mentions):
                self._acronym(org, acronyms[0], full)
            self._cloze(org, "organization")

    def _acronym(self, org: Entity, acronym: str, full: list[str]) -> None:
        mention = next(m for m in sorted(org.mentions) if self.body[m[0]:m[1]] == acronym)
        stem = f'In the article, what does "{acronym}" stand for?'
        answer = full[0]
        key = f"organization:{slugify(org.name, 50)}"
        feedback = f"{acronym} is {named(Candidate('organization', answer))}."
        accepted = [a for a in self._accepted(org, answer) if not a["text"].replace(".", "").isupper()]
        self._add(key, self._score("short_answer", org, rich=True), {
            "id": self._id("org-sa", f"{acronym}-stands-for"),
            "type": "short_answer",
            "stem": stem,
            "accepted": accepted,
            "general_feedback": feedback,
            "tags": ["generated", "organization", "acronym"],
            "fact": org.to_fact(),
            "source": self._source(*mention),
        })
        answer_cand = self._cands[id(org)]
        pool = [c for c in self._pool("organization") if c is not answer_cand
                and len(c.name.split()) > 1 and not c.name.replace(".", "").isupper()]
        chosen = plausible(answer_cand, pool, 3)
        if len(chosen) == 3:
            self._add(key, self._score("multiple_choice", org, all(c.from_article for c in chosen), True), {
                "id": self._id("org-mc", f"{acronym}-stands-for"),
                "type": "multiple_choice",
                "stem": stem,
                "choices": self._choices(answer, [c.display or c.name for c in chosen]),
                "general_feedback": feedback,
                "tags": ["generated", "organization", "acronym"],
                "fact": org.to_fact(),
                "source": self._source(*mention),
            })

    def people_questions(self) -> None:
        roles: dict[str, int] = {}
        for person in self.people:
            if person.role:
                roles[normalize_answer(person.role)] = roles.get(normalize_answer(person.role), 0) + 1
        for n, person in enumerate(self.people):
            role = person.role
            if role and specific_role(role) and roles[normalize_answer(role)] == 1:
                self._role(person, n)
            else:
                self._cloze(person, "person")

    def _role(self, person: Entity, n: int) -> None:
        role = person.role
        mention = self._role_mention(person)
        stem = f"Who is described in the article as {_the(role)}?"
        distractors, from_article = self._distractors(person)
        fact = person.to_fact()
        key = f"person:{slugify(person.name, 50)}"
        feedback = f"The article names {person.name} as {_the(role)}."
        source = self._source(*mention)
        if len(distractors) == 3:
            self._add(key, self._score("multiple_choice", person, from_article, True), {
                "id": self._id("person-mc", f"{person.name}-role"),
                "type": "multiple_choice",
                "stem": stem,
                "choices": self._choices(person.name, distractors),
                "general_feedback": feedback,
                "tags": ["generated", "person", "role"],
                "fact": fact,
                "source": source,
            })
        self._add(key, self._score("short_answer", person, rich=True), {
            "id": self._id("person-sa", f"{person.name}-role"),
            "type": "short_answer",
            "stem": stem,
            "accepted": self._accepted(person),
            "general_feedback": feedback,
            "tags": ["generated", "person", "role"],
            "fact": fact,
            "source": source,
        })
        others = [p for p in self.people if p is not person and specific_role(p.role)
                  and normalize_answer(p.role) != normalize_answer(role)]
        swap = others[0] if others and n % 2 == 1 else None
        shown = swap.role if swap else role
        self._add(key, self._score("true_false", person, rich=True), {
            "id": self._id("person-tf", f"{person.name}-role"),
            "type": "true_false",
            "stem": f"True or false: the article describes {person.name} as {_the(shown)}.",
            "answer": swap is None,
            "general_feedback": feedback,
            "tags": ["generated", "person", "true-false"],
            "fact": {**fact, **({"swapped_role": swap.role} if swap else {})},
            "source": source,
        })

    def _role_mention(self, person: Entity) -> tuple[int, int]:
        """The mention whose sentence states the person's role (the feedback quotes it), else the first."""
        mentions = sorted(person.mentions)
        role = person.role.casefold().replace("’", "'")
        head = role.split()[-1] if role.split() else ""
        for wanted in (lambda text: role in text, lambda text: head in _folded_words(text)):
            for start, end in mentions:
                s, e = self._sentence(start, end)
                if wanted(self.body[s:e].casefold().replace("’", "'")):
                    return start, end
        return mentions[0]

    def places_questions(self) -> None:
        for place in self.places:
            self._cloze(place, "place")

    # -- dates -----------------------------------------------------------
    def dates(self) -> None:
        published = self.article.published
        resolved = [d for d in self.facts.dates if d.value]
        if published is not None:
            self._relative_dates(resolved, published)
        self._ordering(resolved)
        self._date_fill_ins(resolved)

    def _relative_dates(self, resolved: list[DateMention], published) -> None:
        """Which day "Wednesday" or "last week" means, for an article with a publication date."""
        asked: set[tuple[str, str]] = set()
        pub = format_date(published.isoformat(), "day")
        for date in resolved:
            if (date.text.casefold(), date.value) in asked or not self._date_worth_asking(date, published):
                continue
            asked.add((date.text.casefold(), date.value))
            weekday = any(w in WEEKDAYS for w in _folded_words(date.text))
            others = date_choices(date.value, date.granularity, 3, same_weekday=weekday)
            answer = format_date(date.value, date.granularity, weekday=weekday)
            distractors = [format_date(v, date.granularity, weekday=weekday) for v in others]
            if len(set(distractors) - {answer}) < 3:
                continue
            s, e = self.facts.sentence_of(date.start, date.end)
            what = {"day": "date", "week": "week", "month": "month", "year": "year"}.get(date.granularity, "period")
            lead = f'In an article published on {pub}, which {what} does "{date.text}" mean here: '
            window = self.body[max(s, date.start - 160):min(e, date.end + 160)]
            offset = date.start - max(s, date.start - 160)
            snippet = _snippet(window, offset, offset + (date.end - date.start))
            stem = _fit(lambda text: f"{lead}“{text}”?", snippet, start=40)
            if stem is None or date.text not in stem:
                continue
            self._add(f"date:{date.value}:{slugify(date.text, 30)}",
                      self._score("multiple_choice", None, rich=date.granularity in ("day", "week", "month")), {
                "id": self._id("date-mc", date.text),
                "type": "multiple_choice",
                "stem": stem,
                "choices": self._choices(answer, distractors),
                "general_feedback": f'"{date.text}" means {answer} for an article published on {pub}.',
                "tags": ["generated", "date", "relative-date"],
                "fact": date.to_fact(),
                "source": {"article": self.source_path, "sentence": self.body[s:e], "start": s, "end": e},
            })

    def _date_fill_ins(self, resolved: list[DateMention]) -> None:
        """When something happened: a date the article writes out, blanked from its sentence.

        Only a date whose own words state it ("9 January 2007", "in June",
        "since 2013"); its distractors are the article's other dates of the
        same precision, then the nearest ones ("8 January 2007").
        """
        prefix = "Which date completes this sentence from the article? "
        written: dict[str, list[str]] = {}  # the article's dates of each precision, as choices read
        for date in resolved:
            written.setdefault(date.granularity, []).append(format_date(date.value, date.granularity, weekday=False))
        for date in resolved:
            words = _folded_words(date.text)
            stated = any(w in MONTHS for w in words) or any(w.isdigit() and len(w) == 4 for w in words)
            if not stated or date.granularity not in ("day", "month", "year") or self._in_quote(date.start):
                continue
            s, e = self._sentence(date.start, date.end)
            sentence = self.body[s:e]
            if len(prefix) + len(sentence) > MAX_STEM or not self._blank_ok(date.start, date.end, s, e, date=True):
                continue
            blanked = sentence[: date.start - s] + "_____" + sentence[date.end - s:]
            answer = format_date(date.value, date.granularity, weekday=False)
            if date.text in blanked or any(w in _folded_words(blanked) for w in words if w.isdigit()):
                continue  # the sentence states it twice
            if re.search(r"\b(?:last|next|this|that)\s+$", self.body[s:date.start], re.IGNORECASE):
                continue  # "last _____": the blank would not read as a date
            near = [format_date(v, date.granularity, weekday=False) for v in _near_dates(date)]
            distractors = list(dict.fromkeys(x for x in [*written[date.granularity], *near] if x != answer))[:3]
            if len(distractors) < 3:
                continue
            self._add(f"date:{date.value}:{slugify(date.text, 30)}", self._score("multiple_choice", None) - 0.10, {
                "id": self._id("date-cloze", date.text),
                "type": "multiple_choice",
                "stem": prefix + blanked,
                "choices": self._choices(answer, distractors),
                "general_feedback": f"The article says: {sentence}",
                "tags": ["generated", "date", "fill-in"],
                "fact": date.to_fact(),
                "source": {"article": self.source_path, "sentence": sentence, "start": s, "end": e},
            })

    @staticmethod
    def _date_worth_asking(date: DateMention, published) -> bool:
        """A relative or partial expression whose answer is not in its own words."""
        from .dates import week_of

        words = _folded_words(date.text)
        has_month = any(w in MONTHS for w in words)
        has_number = any(w.isdigit() for w in words)
        has_year = any(w.isdigit() and len(w) == 4 for w in words)
        if has_year or (has_month and has_number) or (date.granularity == "month" and has_month):
            return False  # "March 3, 2025", "June 23", "June": the words are the answer
        if date.granularity == "season":
            return True  # "the summer": which year's
        if date.granularity not in ("day", "week", "month", "year"):
            return False
        iso = published.isoformat()
        current = {"day": iso, "month": iso[:7], "year": iso[:4],
                   "week": week_of(published)}[date.granularity]
        return date.value != current  # "today", "this month": the publication date itself

    def _ordering(self, resolved: list[DateMention]) -> None:
        events: dict[str, DateMention] = {}
        precision = {"day": 0, "week": 1, "month": 2}
        candidates = [d for d in resolved if d.event and d.granularity in precision and len(d.event.split()) >= 5
                      and d.event[:1].isupper() and not d.event.endswith("…")]
        candidates.sort(key=lambda d: precision[d.granularity])
        taken: list[tuple[str, str]] = []
        for date in candidates:
            lo, hi = _interval(date)
            if any(lo < t_hi and t_lo < hi for t_lo, t_hi in taken):
                continue  # "earlier this month" cannot be ordered against "December 11"
            if any(normalize_answer(date.event) == normalize_answer(e.event) for e in events.values()):
                continue
            taken.append((lo, hi))
            events[lo] = date
        if len(events) < 3:
            return
        ordered = [events[k] for k in sorted(events)][:6]
        article = {"article": self.source_path, "sentence": self.body, "start": 0, "end": len(self.body)}
        source = event_sentences(article, [d.to_fact() for d in ordered])
        self._add("date-set", _BASE["ordering"] + 0.1, {
            "id": self._id("date-order", "timeline"),
            "type": "ordering",
            "stem": "Put these events from the article in the order they happened, earliest first.",
            "items": [d.event for d in ordered],
            "general_feedback": "; ".join(f"{format_date(d.value, d.granularity)}: {d.event}" for d in ordered),
            "tags": ["generated", "date", "ordering"],
            "fact": {"kind": "date", "events": [d.to_fact() for d in ordered]},
            "source": source,
        })

    # -- result ----------------------------------------------------------
    def ranked(self, all_forms: bool = False) -> list[tuple[float, dict]]:
        """Best form of each fact, ranked; with ``all_forms``, each followed by its alternatives.

        By default one draft asks each answer: the second quotation of the
        same speaker, or that speaker's role, is guessable once the first is
        asked, so it waits among the alternatives. Forms a reviewer rejects
        as not worth asking by default (:data:`_ALTERNATIVE_ONLY`: calendar
        arithmetic on the publication date, what an acronym stands for,
        matching the quotations already asked one by one) are alternatives
        only.
        """
        seen: set[tuple[str, str]] = set()
        by_fact: dict[str, list[tuple[float, dict]]] = {}
        named = len(self.people)
        for score, key, question in self.questions:
            fact = question.get("fact")
            if isinstance(fact, dict) and fact.get("kind") in ("quote", "person", "organization"):
                # what makes a second typed "who …?" a giveaway, kept with the draft for the review page
                fact["people_named"] = named
            dedup = (question["type"], normalize_answer(question["stem"]))
            if dedup in seen:
                continue
            seen.add(dedup)
            by_fact.setdefault(key, []).append((score, question))
        forms = {key: sorted(items, key=lambda sq: (not _default_form(sq[1]), -sq[0]))
                 for key, items in by_fact.items()}
        best = sorted(((items[0][0], key) for key, items in forms.items() if _default_form(items[0][1])),
                      key=lambda sk: -sk[0])
        chosen: list[tuple[float, str]] = []
        later: list[str] = []
        asked: dict[str, int] = {}
        for _, key in best:
            # the best form whose answer is not asked enough already: a speaker's third quotation
            # is asked "true or false" when "who said" has been asked of them twice
            form = next((n for n, (_, question) in enumerate(forms[key]) if _default_form(question)
                         and all(asked.get(slot, 0) < limit for slot, limit in answer_slots(question, named))), None)
            if form is None:
                later.append(key)
                continue
            forms[key].insert(0, forms[key].pop(form))
            for slot, _ in answer_slots(forms[key][0][1], named):
                asked[slot] = asked.get(slot, 0) + 1
            chosen.append((forms[key][0][0], key))
        chosen.sort(key=lambda sk: -sk[0])
        out: list[tuple[float, dict]] = []
        for score, key in chosen:
            out.append((score, forms[key][0][1]))
            if all_forms:
                out.extend(_as_alternatives(forms[key][1:]))
        if all_forms:
            later += [key for key, items in forms.items() if not _default_form(items[0][1])]
            for key in later:
                out.extend(_as_alternatives(forms[key], MORE_TAG))
        return out


def _the(role: str) -> str:
    """A role after "as": "the Health Secretary", "the hospital's chief nurse", but "Apple's CEO"."""
    first = role.split()[0]
    return role if first.endswith(("'s", "’s")) and first[:1].isupper() else f"the {role}"


def _default_form(question: dict) -> bool:
    return not _ALTERNATIVE_ONLY.intersection(question["tags"])


def _as_alternatives(items: list[tuple[float, dict]], *extra: str) -> list[tuple[float, dict]]:
    for _, question in items:
        question["tags"] = [*question["tags"], "alternative", *extra]
    return items


def answer_slots(question: dict, people: int = 2) -> list[tuple[str, int]]:
    """What a draft asks, each with how many drafts of a default list may ask it.

    The same question asked twice must be one among choices: in an article
    quoting one person, a second short answer "Who said …?" answered by that
    person is a giveaway, while among three other people of the article it
    is not. So a person or organization is the answer of one typed "who
    said", one other typed question (their role, a blank in a sentence) and
    up to three multiple-choice drafts, three drafts in all; a speaker is
    asked "who said" twice at most, and "true or false: X said …" once.
    How many ``people`` the article names changes what is a giveaway: with
    one, that person is typed once in all (any second "who …?" has one
    answer to guess); with three or more, a speaker may be typed twice. One sentence gives one
    fill-in: a second blank in it would print the first one's answer. A date
    is asked once; sets of quotations or events have no single answer.
    """
    fact = question.get("fact") or {}
    tags = question.get("tags") or []
    slots = []
    if "fill-in" in tags:
        slots.append((f"sentence:{(question.get('source') or {}).get('start')}", 1))
    if fact.get("kind") == "date" and "events" not in fact:
        return [*slots, (f"date:{fact.get('value')}", 1)]
    if "quotes" in fact or "events" in fact:
        return slots
    choice = question.get("type") == "multiple_choice"
    if fact.get("kind") == "quote" and question.get("type") == "true_false":
        answer = normalize_answer(str(fact.get("speaker") or ""))
        return [*slots, (f"true-false:{answer}", 1), (f"answer:{answer}", 3)]
    if fact.get("kind") == "quote":
        answer = normalize_answer(str(fact.get("speaker") or ""))
        slots.append((f"said:{answer}", 2))
        person = fact.get("speaker_kind") == "person"
        typed = f"typed:{answer}" if person and people < 2 else f"typed-said:{answer}"
        typed_limit = 2 if person and people >= 3 else 1
    else:
        answer = normalize_answer(str(fact.get("name") or fact.get("key") or ""))
        typed, typed_limit = f"typed:{answer}", 1
    return [*slots, (f"chosen:{answer}", 3) if choice else (typed, typed_limit), (f"answer:{answer}", 3)]


def _folded_words(text: str) -> list[str]:
    return [w.strip(".,").casefold() for w in text.split() if w.strip(".,")]


def _snippet(window: str, start: int, end: int, words: int = 14) -> str:
    """About ``words`` words either side of ``window[start:end]``, cut at word boundaries, spacing kept."""
    spaces = [m.start() for m in re.finditer(r"\s+", window)]
    left = [p for p in spaces if p < start]
    right = [p for p in spaces if p >= end]
    lo = left[-words] + 1 if len(left) >= words else 0
    hi = right[words - 1] if len(right) >= words else len(window)
    text = re.sub(r"\s+", " ", window[lo:hi]).strip()
    if lo:
        text = "…" + text
    if hi < len(window):
        text = text.rstrip(",;:") + "…"
    return text


def _near_dates(date: DateMention) -> list[str]:
    """Values a learner could confuse with a date: a day a month or a year off, a neighbouring month or year."""
    if date.granularity == "day":
        day = date.value
        out = [shifted(day[:7], "month", step) for step in (1, -1)]
        out = [f"{m}-{day[8:]}" for m in out if m] + [f"{int(day[:4]) + step:04d}{day[4:]}" for step in (-1, 1)]
        valid = []
        for value in out:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                continue  # "31 February"
            valid.append(value)
        return valid
    return date_choices(date.value, date.granularity, 6)


def _interval(date: DateMention) -> tuple[str, str]:
    """``[start, end)`` of a resolved date as ISO day strings."""
    import datetime as dt

    from .distractors import shifted

    if date.granularity == "day":
        day = dt.date.fromisoformat(date.value)
        return day.isoformat(), (day + dt.timedelta(days=1)).isoformat()
    if date.granularity == "week":
        from .dates import week_monday

        monday = week_monday(date.value)
        return monday.isoformat(), (monday + dt.timedelta(days=7)).isoformat()
    return f"{date.value}-01", f"{shifted(date.value, 'month', 1)}-01"


def _builder(facts: Facts, pool=None) -> _Builder:
    builder = _Builder(facts, pool)
    builder.quotes()
    builder.people_questions()
    builder.organizations()
    builder.dates()
    builder.places_questions()
    return builder


def build_questions(facts: Facts, all_forms: bool = False, pool=None) -> list[dict]:
    """Draft questions for the facts of one article, best first.

    :param all_forms: also return every other form of each fact, tagged
        ``alternative``, right after its best form.
    :param pool: entities of other articles in the bank (fact dicts with
        ``kind``, ``name`` and optional ``aliases``, ``role``, ``type``, or
        :class:`Entity` objects) that may serve as distractors when the
        article has too few; the caller chooses articles that share this
        one's entities or topic.
    """
    return [q for _, q in _builder(facts, pool).ranked(all_forms)]


def quality_ranked(facts: Facts, all_forms: bool = True, pool=None) -> list[tuple[float, dict]]:
    """The drafts with their quality scores, best first (for review tools)."""
    return _builder(facts, pool).ranked(all_forms)
