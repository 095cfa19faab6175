"""Facts of an article: the output of ``quizapp extract``.

:func:`extract` runs the entity, date and quotation extractors over an
:class:`~quizapp.generator.article.Article` and returns :class:`Facts`, whose
:meth:`Facts.to_dict` is the JSON shape fixed in DESIGN.md ("Facts").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .article import Article
from .dates import DateMention, find_dates
from .entities import Entity, EntityIndex, extract_entities
from .lexicon import fold
from .quotes import Quote, extract_quotes


@dataclass
class Facts:
    """Everything extracted from one article, with offsets into its body."""

    article: Article
    entities: EntityIndex
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)

    def sentence_of(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The span of the sentence(s) holding ``[start, end)``."""
        spans = self._sentences
        end = start + 1 if end is None else max(end, start + 1)
        i = bisect.bisect_right(self._ends, start)
        if i >= len(spans):
            return (start, end)
        lo = spans[i][0]
        hi = spans[i][1]
        while i + 1 < len(spans) and spans[i + 1][0] < end:
            i += 1
            hi = spans[i][1]
        return (min(lo, start), max(hi, end))

    def __post_init__(self) -> None:
        self._sentences = self.article.sentences()
        self._ends = [e for _, e in self._sentences]

    def quote_fact(self, quote: Quote) -> dict:
        s, e = self.sentence_of(quote.open, max(quote.close, quote.attribution_end))
        fact = {
            "kind": "quote",
            "text": quote.text,
            "speaker": quote.speaker_name,
            "speaker_kind": quote.speaker_kind,
            "cue": quote.cue,
            "start": quote.start,
            "end": quote.end,
            "sentence": self.article.body[s:e],
            "sentence_start": s,
            "sentence_end": e,
        }
        if quote.mention and (quote.speaker is None or fold(quote.mention) != fold(quote.speaker.name)):
            fact["speaker_mention"] = quote.mention
        if quote.claim:
            fact["claim"] = quote.claim
        return fact

    def people(self) -> list[Entity]:
        return [e for e in self.entities.entities if e.kind == "person" and e.mentions]

    def organizations(self) -> list[Entity]:
        return [e for e in self.entities.entities if e.kind == "organization" and e.mentions]

    def places(self) -> list[Entity]:
        return [e for e in self.entities.entities if e.kind == "place" and e.mentions]

    def to_list(self) -> list[dict]:
        """Every fact as a plain dict: quotes, organizations, people, dates, places."""
        out = [self.quote_fact(q) for q in self.quotes]
        out.extend(self.entities.facts())
        out.extend(d.to_fact() for d in self.dates)
        order = {"quote": 0, "organization": 1, "person": 2, "date": 3, "place": 4}
        out.sort(key=lambda f: order[f["kind"]])
        return out

    def to_dict(self) -> dict:
        """The ``quizapp extract`` JSON document for this article."""
        return {"article": self.article.to_dict(), "facts": self.to_list()}


def extract(article: Article) -> Facts:
    """Extract quotes, organizations, people, dates and places from ``article``."""
    exclude = {fold(str(article.source))} if article.source else set()
    sentences = article.sentences()
    index = extract_entities(article.body, article.paragraphs, exclude)
    quotes = extract_quotes(article.body, article.paragraphs, index, sentences)
    dates = find_dates(article.body, sentences, article.published)
    return Facts(article, index, quotes, dates)
