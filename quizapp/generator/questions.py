"""Facts -> canonical draft questions, each with its fact and source sentence.

Templates, by fact kind:

============ ==========================================================
quote        who said "…" (multiple choice; short answer for people);
             true/false as stated or with the speaker swapped;
             matching quotations to speakers
organization what an acronym stands for (short answer, multiple choice);
             fill in the organization's name in its sentence
person       who is the <role> (multiple choice, short answer);
             true/false on the role, as stated or swapped
date         what date "Monday" refers to, given the publication date;
             ordering the article's dated events
place        fill in the place in its sentence (multiple choice)
============ ==========================================================

Quality score (``quality`` in the returned list's order, not stored in the
question): a base per type (multiple choice 0.60, matching 0.55, short
answer 0.50, ordering 0.50, true/false 0.45), +0.15 for a quotation of four
words or more or a stated claim, +0.05 per extra mention of the entity (up to
+0.15), +0.05 when every distractor comes from the article, -0.10 for each
missing distractor, -0.15 for a stem over 250 characters. Candidates are
returned best first; near duplicates (same type, same normalized stem or the
same answer to the same claim) are merged, keeping the better one.
"""

from __future__ import annotations

import bisect
import re

from ..canonical import normalize_answer, slugify
from .dates import DateMention
from .distractors import date_choices, format_date, gazetteer_names, pick
from .entities import Entity
from .facts import Facts
from .quotes import Quote

_MAX_QUOTE_WORDS = 28
_BASE = {
    "multiple_choice": 0.60,
    "matching": 0.55,
    "short_answer": 0.50,
    "ordering": 0.50,
    "true_false": 0.45,
}
_PAST = {"says": "said", "say": "said", "writes": "wrote", "adds": "added", "reads": "said", "read": "said",
         "tells": "told", "notes": "noted", "reports": "reported", "report": "reported"}


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
    return text.rstrip(",.") if not text.endswith("…") else text


def _display(entity: Entity) -> str:
    return entity.name


_THE_SINGLE = frozenset("kremlin pentagon senate ministry institute white".split())


def named(entity: Entity) -> str:
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


class _Builder:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.article = facts.article
        self.body = facts.article.body
        self.slug = facts.article.slug or "article"
        self.source_path = f"seeds/{self.article.slug}.txt" if self.article.slug else ""
        self.questions: list[tuple[float, dict]] = []
        self.ids: set[str] = set()
        self._next: dict[str, int] = {}
        self.people = facts.people()
        self.orgs = facts.organizations()
        self.places = facts.places()
        self._quote_opens = [q.open for q in facts.quotes]
        self._speakers = {
            kind: [e for e in pool if e.speaker] for kind, pool in (("person", self.people), ("organization", self.orgs))
        }

    # -- plumbing --------------------------------------------------------
    def _in_quote(self, offset: int) -> bool:
        i = bisect.bisect_right(self._quote_opens, offset) - 1
        return i >= 0 and offset < self.facts.quotes[i].close
    def _id(self, kind: str, key: str) -> str:
        base = f"{slugify(self.slug, 40)}-gen-{kind}-{slugify(key, 50)}"
        qid, n = base, self._next.get(base, 2)
        while qid in self.ids:
            qid = f"{base}-{n}"
            n += 1
        self._next[base] = n
        self.ids.add(qid)
        return qid

    def _source(self, start: int, end: int) -> dict:
        s, e = self.facts.sentence_of(start, end)
        return {"article": self.source_path, "sentence": self.body[s:e], "start": s, "end": e}

    def _add(self, score: float, question: dict) -> None:
        question.setdefault("title", None)
        question.setdefault("stem_format", "plain")
        question.setdefault("category", "Generated")
        question["status"] = "draft"
        if len(question["stem"]) > 250:
            score -= 0.15
        self.questions.append((round(score, 3), question))

    @staticmethod
    def _choices(answer: str, distractors: list[str], feedback: str | None = None) -> list[dict]:
        choices = [{"text": answer, "weight": 1.0, "feedback": feedback}]
        choices += [{"text": d, "weight": 0.0, "feedback": None} for d in distractors]
        # a stable order that does not always put the answer first
        order = sorted(choices, key=lambda c: slugify(c["text"])[::-1])
        return order

    def _pool(self, kind: str, exclude: Entity | None = None, subtype: str | None = None) -> list[str]:
        pool = {"person": self.people, "organization": self.orgs, "place": self.places}[kind]
        out = []
        for entity in pool:
            if entity is exclude:
                continue
            if subtype and entity.subtype and entity.subtype != subtype:
                continue
            out.append(_display(entity))
        return out

    def _distractors(self, entity: Entity, seed: str, n: int = 3) -> tuple[list[str], bool]:
        kind = entity.kind
        article_pool = self._pool(kind, entity, entity.subtype if kind == "place" else None)
        gaz_pool = gazetteer_names(kind, entity.subtype if kind == "place" else None)
        chosen = pick(entity.names(), article_pool, gaz_pool, n, seed, person=kind == "person")
        from_article = all(c in article_pool for c in chosen)
        return chosen, from_article

    def _score(self, base_type: str, entity: Entity | None, n_distractors: int, from_article: bool,
               rich: bool = False, wanted: int = 3) -> float:
        score = _BASE[base_type]
        if rich:
            score += 0.15
        if entity is not None:
            score += min(max(len(entity.mentions) - 1, 0), 3) * 0.05
        if from_article and n_distractors:
            score += 0.05
        score -= 0.10 * max(wanted - n_distractors, 0)
        return score

    # -- quotes ----------------------------------------------------------
    def quotes(self) -> None:
        groups: dict[tuple, list[Quote]] = {}
        for quote in self.facts.quotes:
            if quote.speaker is None:
                continue
            key = (id(quote.speaker), normalize_answer(quote.claim) if quote.claim else normalize_answer(quote.text))
            groups.setdefault(key, []).append(quote)
        for n, members in enumerate(groups.values()):
            quote = max(members, key=lambda q: len(q.text))
            words = len(quote.text.split())
            if words < 2 and not quote.claim:
                continue
            self._who_said(quote, n)
        quoted, seen = [], set()
        for q in self.facts.quotes:
            if q.speaker is not None and len(q.text.split()) >= 3 and (id(q.speaker), q.text) not in seen:
                seen.add((id(q.speaker), q.text))
                quoted.append(q)
        for n, quote in enumerate(quoted):
            self._true_false_quote(quote, n)
        self._matching(quoted)

    def _quote_fact(self, quote: Quote) -> dict:
        fact = self.facts.quote_fact(quote)
        return {k: fact[k] for k in ("kind", "text", "speaker", "speaker_kind", "cue", "start", "end")}

    def _who_said(self, quote: Quote, n: int) -> None:
        speaker = quote.speaker
        org = speaker.kind != "person"
        who = "Which organization" if org else "Who"
        cue = _PAST.get((quote.cue or "said").casefold(), (quote.cue or "said").casefold())
        if cue not in ("said", "wrote", "added", "reported", "told", "noted", "stated", "warned", "argued",
                       "claimed", "explained", "insisted", "recalled", "tweeted", "asked", "continued"):
            cue = "said"
        if quote.claim and len(quote.text.split()) < 6:
            claim = trim_words(quote.claim, 40).rstrip(".")
            claim = re.sub(r"[.!?]([\"”])", r"\1", claim)
            stem = f"{who} {cue} that {claim}?" if not claim.startswith(('"', "“")) else f"{who} {cue} {claim}?"
            rich = True
        else:
            stem = f'{who} said "{_quote_text(quote.text)}"?'
            rich = len(quote.text.split()) >= 4
        distractors, from_article = self._distractors(speaker, stem)
        source = self._source(quote.open, max(quote.close, quote.attribution_end))
        feedback = f'{_cap(named(speaker))} is quoted in the article: "{_quote_text(quote.text, 40)}"'
        key = slugify(quote.text, 30)
        if len(distractors) >= 1:
            self._add(self._score("multiple_choice", speaker, len(distractors), from_article, rich), {
                "id": self._id("quote-mc", key),
                "type": "multiple_choice",
                "stem": stem,
                "choices": self._choices(speaker.name, distractors),
                "general_feedback": feedback,
                "tags": ["generated", "quote", "who-said"],
                "fact": self._quote_fact(quote),
                "source": source,
            })
        accepted = self._accepted(speaker)
        self._add(self._score("short_answer", speaker, 3, False, rich), {
            "id": self._id("quote-sa", key),
            "type": "short_answer",
            "stem": stem,
            "accepted": accepted,
            "general_feedback": feedback,
            "tags": ["generated", "quote", "who-said"],
            "fact": self._quote_fact(quote),
            "source": source,
        })

    def _accepted(self, entity: Entity) -> list[dict]:
        forms = [entity.name, *entity.aliases]
        if entity.kind == "person" and len(entity.name.split()) > 1:
            forms.append(entity.name.split()[-1])
        out, seen = [], set()
        for form in forms:
            key = normalize_answer(form)
            if key and key not in seen:
                seen.add(key)
                out.append({"text": form, "weight": 1.0, "feedback": None})
        return out

    def _true_false_quote(self, quote: Quote, n: int) -> None:
        speaker = quote.speaker
        swap = None
        if n % 2 == 1:
            kind = "person" if speaker.kind == "person" else "organization"
            pool = self._speakers[kind] + (self.people if kind == "person" else self.orgs)[:3]
            swap = next((e for e in pool if e is not speaker), None)
        said = swap or speaker
        text = _quote_text(quote.text, 22)
        stem = f'True or false: according to the article, {named(said)} said "{text}".'
        feedback = f'It was {named(speaker)} who said "{text}".'
        self._add(self._score("true_false", speaker, 3, True, len(quote.text.split()) >= 4), {
            "id": self._id("quote-tf", slugify(quote.text, 30)),
            "type": "true_false",
            "stem": stem,
            "answer": swap is None,
            "feedback_true": None if swap is None else feedback,
            "feedback_false": feedback if swap is None else None,
            "general_feedback": feedback,
            "tags": ["generated", "quote", "true-false"],
            "fact": {**self._quote_fact(quote), **({"swapped_speaker": swap.name} if swap else {})},
            "source": self._source(quote.open, max(quote.close, quote.attribution_end)),
        })

    def _matching(self, quoted: list[Quote]) -> None:
        chosen: list[Quote] = []
        prompts: set[str] = set()
        for quote in quoted:
            prompt = f'"{_quote_text(quote.text, 12)}"'
            if prompt in prompts:
                continue
            prompts.add(prompt)
            chosen.append(quote)
        speakers = {id(q.speaker) for q in chosen}
        if len(chosen) < 3 or len(speakers) < 2:
            return
        # spread over speakers, round robin: at most two quotations each, five in all
        by_speaker: dict[int, list[Quote]] = {}
        for quote in chosen:
            by_speaker.setdefault(id(quote.speaker), []).append(quote)
        picked: list[Quote] = []
        for round_ in range(2):
            for group in by_speaker.values():
                if len(group) > round_ and len(picked) < 5:
                    picked.append(group[round_])
        picked.sort(key=lambda q: q.open)
        if len(picked) < 3:
            return
        first, last = picked[0], picked[-1]
        self._add(_BASE["matching"] + 0.15, {
            "id": self._id("quote-match", "speakers"),
            "type": "matching",
            "stem": "Match each quotation from the article to the person or organization who said it.",
            "pairs": [{"prompt": f'"{_quote_text(q.text, 12)}"', "match": q.speaker.name} for q in picked],
            "general_feedback": "; ".join(f'{q.speaker.name}: "{_quote_text(q.text, 12)}"' for q in picked),
            "tags": ["generated", "quote", "matching"],
            "fact": {"kind": "quote", "quotes": [{"text": q.text, "speaker": q.speaker.name} for q in picked]},
            "source": {"article": self.source_path, "sentence": self.body[first.open:last.close],
                       "start": first.open, "end": last.close},
        })

    # -- organizations and people -----------------------------------------
    def _first_mention(self, entity: Entity, outside_quotes: bool = True, max_sentence: int = 0) -> tuple[int, int] | None:
        for start, end in sorted(entity.mentions):
            if outside_quotes and self._in_quote(start):
                continue
            if max_sentence:
                s, e = self.facts.sentence_of(start, end)
                if e - s > max_sentence:
                    continue
            before = self.body[start - 1:start] if start else " "
            after = self.body[end:end + 1]
            if before == "-" or after == "-":
                continue
            return start, end
        return None

    def _cloze(self, entity: Entity, label: str) -> None:
        mention = self._first_mention(entity, max_sentence=300) or self._first_mention(entity)
        if mention is None:
            return
        start, end = mention
        s, e = self.facts.sentence_of(start, end)
        sentence = self.body[s:e]
        if len(sentence) > 400:
            return
        blanked = sentence[: start - s] + "_____" + sentence[end - s:]
        # other mentions of the same entity in the sentence would give it away
        for name in entity.names():
            if len(name) > 2 and re.search(rf"\b{re.escape(name)}\b", blanked):
                return
        distractors, from_article = self._distractors(entity, blanked)
        if not distractors:
            return
        answer = self.body[start:end]
        if normalize_answer(answer) != normalize_answer(entity.name):
            answer_text = answer
        else:
            answer_text = entity.name
        distractors = [d for d in distractors if normalize_answer(d) != normalize_answer(answer_text)]
        self._add(self._score("multiple_choice", entity, len(distractors), from_article), {
            "id": self._id(f"{entity.kind[:3]}-cloze", entity.name),
            "type": "multiple_choice",
            "stem": f"Which {label} completes this sentence from the article? {blanked}",
            "choices": self._choices(answer_text, distractors),
            "general_feedback": f"The article says: {sentence}",
            "tags": ["generated", entity.kind, "fill-in"],
            "fact": entity.to_fact(),
            "source": {"article": self.source_path, "sentence": sentence, "start": s, "end": e},
        })

    def organizations(self) -> None:
        for org in self.orgs:
            acronyms = [a for a in org.aliases if a.replace(".", "").isupper() and len(a) <= 6
                        and any(self.body[s:e] == a for s, e in org.mentions)]
            if acronyms and any(self.body[s:e] == org_form for s, e in org.mentions for org_form in org.names()
                                if org_form not in acronyms):
                acronym = acronyms[0]
                full = [n for n in org.names() if n not in acronyms and not n.replace(".", "").isupper()]
                mention = next(m for m in sorted(org.mentions) if self.body[m[0]:m[1]] == acronym)
                stem = f'In the article, what does "{acronym}" stand for?'
                distractors = pick(org.names(), self._pool("organization", org),
                                   gazetteer_names("organization"), 3, stem)
                distractors = [d for d in distractors if not d.replace(".", "").isupper()]
                self._add(self._score("short_answer", org, 3, False, True), {
                    "id": self._id("org-sa", f"{acronym}-stands-for"),
                    "type": "short_answer",
                    "stem": stem,
                    "accepted": [{"text": n, "weight": 1.0, "feedback": None}
                                 for n in dict.fromkeys(full) if normalize_answer(n)],
                    "general_feedback": f"{acronym} is the {org.name}.",
                    "tags": ["generated", "organization", "acronym"],
                    "fact": org.to_fact(),
                    "source": self._source(*mention),
                })
                if distractors:
                    self._add(self._score("multiple_choice", org, len(distractors), False, True), {
                        "id": self._id("org-mc", f"{acronym}-stands-for"),
                        "type": "multiple_choice",
                        "stem": stem,
                        "choices": self._choices(org.name, distractors),
                        "general_feedback": f"{acronym} is the {org.name}.",
                        "tags": ["generated", "organization", "acronym"],
                        "fact": org.to_fact(),
                        "source": self._source(*mention),
                    })
            self._cloze(org, "organization")

    def people_questions(self) -> None:
        for n, person in enumerate(self.people):
            if person.role:
                mention = sorted(person.mentions)[0]
                stem = f"Who is described in the article as the {person.role}?"
                distractors, from_article = self._distractors(person, stem)
                fact = person.to_fact()
                feedback = f"The article names {person.name} as the {person.role}."
                if distractors:
                    self._add(self._score("multiple_choice", person, len(distractors), from_article, True), {
                        "id": self._id("person-mc", f"{person.name}-role"),
                        "type": "multiple_choice",
                        "stem": stem,
                        "choices": self._choices(person.name, distractors),
                        "general_feedback": feedback,
                        "tags": ["generated", "person", "role"],
                        "fact": fact,
                        "source": self._source(*mention),
                    })
                self._add(self._score("short_answer", person, 3, False, True), {
                    "id": self._id("person-sa", f"{person.name}-role"),
                    "type": "short_answer",
                    "stem": stem,
                    "accepted": self._accepted(person),
                    "general_feedback": feedback,
                    "tags": ["generated", "person", "role"],
                    "fact": fact,
                    "source": self._source(*mention),
                })
                others = [p for p in self.people if p is not person and p.role]
                swap = others[0] if others and n % 2 == 1 else None
                shown = swap.role if swap else person.role
                self._add(self._score("true_false", person, 3, True), {
                    "id": self._id("person-tf", f"{person.name}-role"),
                    "type": "true_false",
                    "stem": f"True or false: the article describes {person.name} as the {shown}.",
                    "answer": swap is None,
                    "general_feedback": feedback,
                    "tags": ["generated", "person", "true-false"],
                    "fact": {**fact, **({"swapped_role": swap.role} if swap else {})},
                    "source": self._source(*mention),
                })
            else:
                self._cloze(person, "person")

    def places_questions(self) -> None:
        for place in self.places:
            self._cloze(place, "place")

    # -- dates -----------------------------------------------------------
    def dates(self) -> None:
        published = self.article.published
        resolved = [d for d in self.facts.dates if d.value]
        by_granularity: dict[str, list[str]] = {}
        for d in resolved:
            values = by_granularity.setdefault(d.granularity, [])
            if d.value not in values and len(values) < 12:
                values.append(d.value)
        asked: set[tuple[str, str]] = set()
        for date in resolved:
            if (date.text.casefold(), date.value) in asked:
                continue  # the same expression for the same date: one question
            asked.add((date.text.casefold(), date.value))
            others = date_choices(date.value, date.granularity, by_granularity[date.granularity])
            s, e = self.facts.sentence_of(date.start, date.end)
            sentence = self.body[s:e]
            if len(sentence) > 350:
                sentence_text = trim_words(self.body[max(s, date.start - 120):date.end + 120], 45)
            else:
                sentence_text = sentence
            pub = format_date(published.isoformat(), "day") if published else None
            what = "date" if date.granularity == "day" else "period"
            stem = (f"The article was published on {pub}. " if pub else "") + (
                f'Which {what} does "{date.text}" refer to in this sentence? {sentence_text}')
            answer = format_date(date.value, date.granularity)
            distractors = [format_date(v, date.granularity) for v in others]
            distractors = [d for d in dict.fromkeys(distractors) if d != answer]
            fact = date.to_fact()
            self._add(self._score("multiple_choice", None, len(distractors), False,
                                  date.granularity in ("day", "month")), {
                "id": self._id("date-mc", date.text),
                "type": "multiple_choice",
                "stem": stem,
                "choices": self._choices(answer, distractors),
                "general_feedback": f'"{date.text}" means {answer}'
                                    + (f" for an article published on {pub}." if pub else "."),
                "tags": ["generated", "date"],
                "fact": fact,
                "source": {"article": self.source_path, "sentence": sentence, "start": s, "end": e},
            })
        self._ordering(resolved)

    def _ordering(self, resolved: list[DateMention]) -> None:
        events: dict[str, DateMention] = {}
        precision = {"day": 0, "week": 1, "month": 2}
        candidates = [d for d in resolved if d.event and d.granularity in precision and len(d.event.split()) >= 5]
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
        first = min(d.start for d in ordered)
        last = max(d.end for d in ordered)
        s, _ = self.facts.sentence_of(first, first + 1)
        _, e = self.facts.sentence_of(last - 1, last)
        self._add(_BASE["ordering"] + 0.1, {
            "id": self._id("date-order", "timeline"),
            "type": "ordering",
            "stem": "Put these events from the article in the order they happened, earliest first.",
            "items": [d.event for d in ordered],
            "general_feedback": "; ".join(f"{format_date(d.value, d.granularity)}: {d.event}" for d in ordered),
            "tags": ["generated", "date", "ordering"],
            "fact": {"kind": "date", "events": [d.to_fact() for d in ordered]},
            "source": {"article": self.source_path, "sentence": self.body[s:e], "start": s, "end": e},
        })

    # -- result ----------------------------------------------------------
    def result(self) -> list[dict]:
        best: dict[tuple, tuple[float, dict]] = {}
        order: list[tuple] = []
        for score, question in self.questions:
            key = (question["type"], normalize_answer(question["stem"]))
            if key not in best:
                order.append(key)
                best[key] = (score, question)
            elif score > best[key][0]:
                best[key] = (score, question)
        ranked = sorted((best[k] for k in order), key=lambda sq: -sq[0])
        return [q for _, q in ranked]


def _interval(date: DateMention) -> tuple[str, str]:
    """``[start, end)`` of a resolved date as ISO day strings."""
    import datetime as dt

    from .distractors import shifted

    if date.granularity == "day":
        day = dt.date.fromisoformat(date.value)
        return day.isoformat(), (day + dt.timedelta(days=1)).isoformat()
    if date.granularity == "week":
        year, week = date.value.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        return monday.isoformat(), (monday + dt.timedelta(days=7)).isoformat()
    return f"{date.value}-01", f"{shifted(date.value, 'month', 1)}-01"


def build_questions(facts: Facts) -> list[dict]:
    """Draft questions for the facts of one article, best first."""
    builder = _Builder(facts)
    builder.quotes()
    builder.organizations()
    builder.people_questions()
    builder.dates()
    builder.places_questions()
    return builder.result()


def quality_ranked(facts: Facts) -> list[tuple[float, dict]]:
    """The candidates with their quality scores, best first (for review tools)."""
    builder = _Builder(facts)
    builder.quotes()
    builder.organizations()
    builder.people_questions()
    builder.dates()
    builder.places_questions()
    questions = builder.result()
    scores = {id(q): s for s, q in builder.questions}
    return [(scores[id(q)], q) for q in questions]
