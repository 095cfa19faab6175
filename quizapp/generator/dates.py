"""Date expressions and what they resolve to.

News dates are mostly relative to the day the article was published
("Monday", "last month", "earlier this month", "late February"). Each one is
resolved against ``published`` with a granularity:

======== ================ =====================================
day      ``2022-12-19``   weekdays, "December 11", "yesterday"
week     ``2022-12-19``   "this week", "last week", weekends (its Monday)
month    ``2022-11``      "last month", "late February"
season   ``2022-summer``  "since at least the summer"
year     ``2021``         "last year", "in 2012"
======== ================ =====================================

A bare weekday is the most recent such day on or before publication (news
reports what happened) unless the sentence speaks of the future. A month, a
month and day, or a holiday without a year resolves to the occurrence that the
words around it imply: the next one after "will", "next", "by", "due",
"scheduled", "plans", "deadline"; the last one after "was", "last", "ago" or a
verb in the past tense; otherwise the occurrence nearest to the publication
date ("January" in an October article is the coming January). A week's value
is the ISO date of its Monday. Without ``published``, relative dates keep
``value: null``; dates that carry their own year still resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .article import sentence_spans
from .lexicon import MONTHS, WEEKDAYS

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
#: A month before or after a day number may also be abbreviated without a period ("Jun 23", "4 Sep 2024").
_MONTH_DAY = _MONTH[:-1] + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?![\w.]))"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_SEASON = r"(?:summer|spring|fall|autumn|winter)"
#: Holidays with a fixed day (month, day) or a rule ("thanksgiving": fourth Thursday of November).
_HOLIDAYS = {
    "fourth of july": (7, 4), "independence day": (7, 4), "christmas day": (12, 25), "christmas eve": (12, 24),
    "christmas": (12, 25), "new year's day": (1, 1), "new year’s day": (1, 1), "new year's eve": (12, 31),
    "new year’s eve": (12, 31), "halloween": (10, 31), "valentine's day": (2, 14), "valentine’s day": (2, 14),
    "boxing day": (12, 26), "bastille day": (7, 14), "guy fawkes night": (11, 5),
    "thanksgiving": (11, 3, 4), "labor day": (9, 0, 1), "memorial day": (5, 0, -1),
}
_HOLIDAY = "(?i:" + "|".join(
    re.escape(h).replace("\\ ", r"\s+").replace("'", "['’]")
    for h in sorted({h.replace("’", "'") for h in _HOLIDAYS}, key=len, reverse=True)
) + ")"
_PATTERN = re.compile(
    rf"(?P<md>\b{_MONTH_DAY}\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<md_year>(?:19|20)\d\d)\b)?)"
    rf"|(?P<dm>\b(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dm_month>{_MONTH_DAY})(?:,?\s+(?P<dm_year>(?:19|20)\d\d)\b)?)"
    rf"|(?P<rel>\b(?:(?i:earlier|later)\s+)?(?i:this|last|next|past)\s+(?P<rel_unit>week(?:end)?|month|year|{_SEASON})\b)"
    rf"|(?P<wd>\b(?:(?P<wd_mod>(?i:last|next|this))\s+)?(?P<wd_day>{_WEEKDAY})\b)"
    rf"|(?P<mon>\b(?:(?P<mon_part>(?i:early|mid|late))[-\s]+)?(?P<mon_name>{_MONTH})(?:\s+(?:of\s+)?(?P<mon_year>(?:19|20)\d\d))?\b)"
    rf"|(?P<season>\b(?i:since\s+(?:at\s+least\s+)?the|in\s+the|during\s+the|over\s+the|the)\s+(?P<season_name>{_SEASON})\b)"
    r"|(?P<year>\b(?i:in|since|by|until|of|from|during|before|after)\s+(?P<year_value>(?:19|20)\d\d)\b)"
    r"|(?P<day>\b(?i:yesterday|today|tonight|tomorrow)\b)"
    rf"|(?P<hol>\b(?P<hol_name>{_HOLIDAY})(?:,?\s+(?P<hol_year>(?:19|20)\d\d)\b)?)"
)
_MONTH_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|by|until|of|from|during|before|after|through|last|next|this|early|mid|late|and|or)\s+)$"
)
_FUTURE = re.compile(
    r"(?i)\b(?:will|shall|won't|wo n't|going to|expected to|plans?|planned|planning|scheduled|set to|due"
    r"|next|upcoming|coming|ahead of|deadline|until|by|aims? to|intends? to|would)\b|'ll\b"
)
_FUTURE_AFTER = re.compile(r"(?i)^\W{0,3}(?:\w+\s+){0,1}(?:deadline|target|due|launch|vote|election|summit)\b")
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_PAST_CUE = re.compile(
    r"(?i)\b(?:said|told|wrote|was|were|had|did|last|ago|since|began|came|went|took|made|met|won|lost|left"
    r"|fell|rose|held|led|sent|struck|broke|gave|got|became|saw|spoke|ran|hit|cut|began|[a-z]{3,}ed)\b"
)
_NOT_PAST = frozenset("need needed feed speed proceed exceed succeed bed red shed seed scheduled expected planned"
                      " set due hundred united based".split())


def _tense(before: str, after: str) -> int:
    """Whether the words around a date speak of the future (1), the past (-1), or cannot tell (0).

    The marker nearest to the date before it decides ("was delayed until
    March": future wins over "was"); a deadline after it ("a Fourth of July
    deadline") makes it future.
    """
    if _FUTURE_AFTER.search(after):
        return 1
    before = _QUOTED.sub(" ", before)
    best, tense = -1, 0
    for m in _FUTURE.finditer(before):
        best, tense = m.end(), 1
    for m in _PAST_CUE.finditer(before):
        if m.group().casefold() in _NOT_PAST:
            continue
        if m.end() > best:
            best, tense = m.end(), -1
    return tense


def _is_future(before: str) -> bool:
    """Whether the words before a date speak of the future ("will begin in May")."""
    return _tense(before, "") > 0


_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


@dataclass
class DateMention:
    """One date expression: its text, offsets and resolved value."""

    text: str
    start: int
    end: int
    value: str | None
    granularity: str
    event: str | None = None
    qualifier: str | None = None

    def sort_key(self) -> str:
        """A string that orders resolved values chronologically."""
        if not self.value:
            return ""
        v = self.value
        if "-W" in v:
            return week_monday(v).isoformat()
        if v.count("-") == 1 and not v[-1].isdigit():
            year, season = v.split("-")
            return f"{year}-{_SEASON_START[season]:02d}"
        return v

    def to_fact(self) -> dict:
        fact = {
            "kind": "date",
            "text": self.text,
            "value": self.value,
            "granularity": self.granularity,
            "start": self.start,
            "end": self.end,
            "event": self.event,
        }
        if self.qualifier:
            fact["qualifier"] = self.qualifier
        return fact


def _month_number(name: str) -> int:
    return MONTHS[name.casefold()]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def week_of(day: dt.date) -> str:
    """A week's value: the ISO date of its Monday (readable, and it sorts)."""
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def resolve(match: re.Match, published: dt.date | None, future: bool = False,
            tense: int | None = None) -> tuple[str | None, str, str | None]:
    """Return ``(value, granularity, qualifier)`` for one matched expression.

    :param future: the sentence speaks of what will happen ("will begin in
        May"), so a bare month or weekday is the next one, not the last one.
    :param tense: 1 future, -1 past, 0 unknown (then a month, day or holiday
        is the occurrence nearest to ``published``); overrides ``future``.
    """
    p = published
    if tense is None:
        tense = 1 if future else 0
    future = tense > 0
    if match.group("md") or match.group("dm"):
        month = _month_number(match.group("md") and match.group("md").split()[0] or match.group("dm_month"))
        day = int(match.group("md_day") or match.group("dm_day"))
        year = match.group("md_year") or match.group("dm_year")
        if year:
            try:
                return dt.date(int(year), month, day).isoformat(), "day", None
            except ValueError:
                return None, "day", None
        if p is None:
            return None, "day", None
        found = _occurrence(p, tense, lambda y: dt.date(y, month, day))
        return (found.isoformat() if found else None), "day", None
    if match.group("hol"):
        rule = _HOLIDAYS[re.sub(r"\s+", " ", match.group("hol_name").casefold().replace("’", "'"))]
        if match.group("hol_year"):
            return _holiday(rule, int(match.group("hol_year"))).isoformat(), "day", None
        if p is None:
            return None, "day", None
        return _occurrence(p, tense, lambda y: _holiday(rule, y)).isoformat(), "day", None
    if match.group("rel"):
        text = match.group("rel").casefold()
        unit = match.group("rel_unit").casefold()
        step = -1 if re.search(r"\b(?:last|past)\b", text) else 1 if "next" in text else 0
        qualifier = "earlier" if text.startswith("earlier") else "later" if text.startswith("later") else None
        if p is None:
            return None, _granularity(unit), qualifier
        if unit == "week":
            return week_of(p + dt.timedelta(weeks=step)), "week", qualifier
        if unit == "weekend":
            saturday = p - dt.timedelta(days=(p.weekday() - 5) % 7)
            return week_of(saturday + dt.timedelta(weeks=step if step > 0 else step)), "week", qualifier
        if unit == "month":
            y, m = _shift_month(p.year, p.month, step)
            return f"{y:04d}-{m:02d}", "month", qualifier
        if unit == "year":
            return str(p.year + step), "year", qualifier
        return f"{_season_year(unit, p) + step}-{_season_name(unit)}", "season", qualifier
    if match.group("wd"):
        weekday = WEEKDAYS[match.group("wd_day").casefold()]
        mod = (match.group("wd_mod") or "").casefold()
        if p is None:
            return None, "day", None
        if mod == "next":
            delta = (weekday - p.weekday()) % 7 or 7
            return (p + dt.timedelta(days=delta)).isoformat(), "day", None
        if future and mod != "last":
            delta = (weekday - p.weekday()) % 7
            return (p + dt.timedelta(days=delta)).isoformat(), "day", None
        delta = (p.weekday() - weekday) % 7
        if mod == "last" and delta == 0:
            delta = 7
        return (p - dt.timedelta(days=delta)).isoformat(), "day", None
    if match.group("mon"):
        month = _month_number(match.group("mon_name"))
        part = (match.group("mon_part") or "").casefold() or None
        year = match.group("mon_year")
        if year:
            return f"{int(year):04d}-{month:02d}", "month", part
        if p is None:
            return None, "month", part
        if tense > 0:
            y = p.year if month >= p.month else p.year + 1
        elif tense < 0:
            y = p.year if month <= p.month else p.year - 1
        else:  # the nearest such month
            y = min((p.year - 1, p.year, p.year + 1), key=lambda y: (abs(y * 12 + month - p.year * 12 - p.month), -y))
        return f"{y:04d}-{month:02d}", "month", part
    if match.group("season"):
        season = match.group("season_name").casefold()
        qualifier = "since" if match.group("season").casefold().startswith("since") else None
        if p is None:
            return None, "season", qualifier
        return f"{_season_year(season, p, future and not qualifier)}-{_season_name(season)}", "season", qualifier
    if match.group("year"):
        return match.group("year_value"), "year", None
    word = match.group("day").casefold()
    if p is None:
        return None, "day", None
    delta = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[word]
    return (p + dt.timedelta(days=delta)).isoformat(), "day", None


def _occurrence(published: dt.date, tense: int, on) -> dt.date | None:
    """The date ``on(year)`` the tense points to: next, last, or nearest to ``published``."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(on(year))
        except ValueError:
            continue
    if tense > 0:
        candidates = [d for d in candidates if d >= published] or candidates
        return min(candidates, key=lambda d: abs(d - published), default=None)
    if tense < 0:
        candidates = [d for d in candidates if d <= published] or candidates
        return min(candidates, key=lambda d: abs(d - published), default=None)
    return min(candidates, key=lambda d: (abs(d - published), d > published), default=None)


def _holiday(rule: tuple, year: int) -> dt.date:
    """The day of a holiday in ``year``: fixed ``(month, day)`` or ``(month, weekday, nth)``."""
    if len(rule) == 2:
        return dt.date(year, *rule)
    month, weekday, nth = rule
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def week_monday(value: str) -> dt.date:
    """The Monday of a week value: ``2022-12-19`` (or the older ``2022-W51``)."""
    if "-W" in value:
        year, week = value.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    return dt.date.fromisoformat(value)


def _granularity(unit: str) -> str:
    if unit in ("week", "weekend"):
        return "week"
    if unit in ("month", "year"):
        return unit
    return "season"


def _season_name(season: str) -> str:
    return "fall" if season == "autumn" else season


def _season_year(season: str, published: dt.date, future: bool = False) -> int:
    """The year of the last such season begun by ``published``; with ``future``, of the first
    not over by then ("sales will recover by the summer", said in March: this summer)."""
    start = _SEASON_START[season]
    if season == "winter":
        year = published.year if published.month == 12 else published.year - 1
    else:
        year = published.year if start <= published.month else published.year - 1
    if future and year * 12 + start - 1 + 2 < published.year * 12 + published.month - 1:
        year += 1  # that season ended before the article: the one meant is still to come
    return year


def find_dates(body: str, spans, published: dt.date | None) -> list[DateMention]:
    """Find and resolve every date expression in the body's sentence ``spans``."""
    found: list[DateMention] = []
    for s_start, s_end in spans:
        sentence = body[s_start:s_end]
        for match in _PATTERN.finditer(body, s_start, s_end):
            if match.group("mon") and not match.group("mon_year") and not match.group("mon_part"):
                name = match.group("mon_name")
                before = body[max(s_start, match.start() - 12):match.start()]
                if name in ("May", "March") and not _MONTH_CONTEXT.search(before):
                    continue  # "may" the verb, "march" the walk
            text = match.group()
            start, end = match.span()
            # keep just the date words, not the preposition before them
            lead = re.match(r"(?i:(?:since\s+(?:at\s+least\s+)?(?:the\s+)?|in\s+(?:the\s+)?|the\s+|during\s+|over\s+|by\s+|until\s+|of\s+|from\s+|before\s+|after\s+))", text)
            if lead and (match.group("year") or match.group("season")):
                start += lead.end()
                text = body[start:end]
            if text.endswith("’s") or text.endswith("'s"):
                end -= 2
                text = text[:-2]
            tense = _tense(body[max(s_start, start - 80):start], body[end:min(s_end, end + 30)])
            value, granularity, qualifier = resolve(match, published, tense=tense)
            event = _event(sentence, start - s_start, end - s_start)
            found.append(DateMention(text, start, end, value, granularity, event, qualifier))
    return found


_CLAUSE_SPLIT = re.compile(r";|,\s+(?=(?:and|but|while|whereas|although|though|as|because|since|after|which|who)\b)|:\s")
_LEADING = re.compile(
    r"^(?:(?:and|but|however|meanwhile|ever|even|since|after|before|when|while|as|because|although|though"
    r"|which|who|that|then|also)\b[\s,]*)+",
    re.I,
)


_LONG_QUOTE = re.compile(r"[\"“][^\"“”]{40,}?[\"”]")
_SUBORDINATE = re.compile(r"(?i)\b(?:since|after|when|before|until|because|while|that)\s+(?=[\w\"“])")


def _event(sentence: str, start: int, end: int) -> str | None:
    """A short description of what happened at the date: its clause, date removed."""
    lo = 0
    hi = len(sentence)
    for m in _CLAUSE_SPLIT.finditer(sentence):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    for m in _SUBORDINATE.finditer(sentence, lo, start):
        between = sentence[m.end():start]
        if len(between.split()) >= 3 and not re.match(r"(?i)at\s+least\b", between):
            lo = m.end()
    before = sentence[lo:start]
    after = sentence[end:hi]
    if re.search(r"(?i)\b(?:a|an|the|its|his|her|their|this|that)\s*$|['’]s\s*$", before) \
            and re.match(r"\s+[a-z]", after) and not re.match(r"\s+(?:that|and|or|but|to|when|as)\b", after):
        # an attributive date ("a Thursday update"): drop just the date
        before = before.rstrip()
    elif re.search(r"(?i)\b(?:a|an)\s*$", before):
        return None  # "since a November 6 IPO": the date names a thing, and without it the clause is broken
    else:
        before = re.sub(r"(?i)\b(?:since\s+at\s+least(?:\s+the)?|on|in|since|during|by|from|of|the|a|an|last"
                        r"|this|earlier|later|until|at)\s*$", "", before.rstrip())
        before = re.sub(r"(?i)\b(?:on|in|since|during|by|from|of)\s*$", "", before.rstrip())
    text = f"{before.rstrip()} {after.lstrip()}" if before.strip() else after.lstrip(" ,")
    if not any(q < start - lo < q2 for q, q2 in _quote_spans(sentence[lo:start])):
        text = _LONG_QUOTE.sub("", text)
    text = re.sub(r"[\"“”]", "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = _LEADING.sub("", text).strip(" ,")
    text = re.sub(r"\b([aA]) (?=[aeiou]|[AEIOU][a-z])", r"\1n ", text)
    words = text.split()
    if len(words) < 3 or re.search(r"(?:^|\s)['’]s\b", text):
        return None  # "… until 2017 's meeting": the date owned what follows it
    if len(words) > 16:
        text = " ".join(words[:16]).rstrip(",;:") + "…"
    return text[:1].upper() + text[1:]


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[\"“][^\"“”]*(?:[\"”]|$)", text)]


# --- the sentences of dated events ----------------------------------------

#: what a reader sees where sentences of the source were left out
ELISION = " … "
_PARAGRAPH_BREAK = re.compile(rf"\n\s*\n|{ELISION}")


def event_sentences(source: dict, events: Sequence[dict]) -> dict:
    """The sentences of ``source`` that state ``events``, as a source of their own.

    An ordering question asks about several dated events; its feedback quotes
    the sentence of each, in the article's order, joined by " … " where the
    article goes on between them, never the whole stretch of article from
    the first event to the last. An event is found by its offsets into the
    article (``start``/``end``, as the generator writes them) when they fall
    on its words inside the source, else by its words (``text``): of the
    sentences holding them, the one sharing the most words with what
    happened (``event``).

    :param source: a question's ``source`` (``sentence``, ``start``, ``end``, ``article``).
    :param events: the fact's events, each with ``text`` and optionally ``event``, ``start``, ``end``.
    :returns: a copy of ``source`` with only those sentences (``start``/``end``
        narrowed to them), or ``source`` itself when no event is found in it.
    """
    text = source.get("sentence")
    if not isinstance(text, str):
        return source
    start, end = source.get("start"), source.get("end")
    # offsets mean something only in a stretch of article, not in an excerpt already cut
    base = start if isinstance(start, int) and isinstance(end, int) and end - start == len(text) else None
    spans = [span for paragraph in _paragraphs(text) for span in sentence_spans(text, *paragraph)]
    chosen = sorted({n for n in (_sentence_of_event(text, base, spans, e) for e in events) if n is not None})
    if not chosen:
        return source
    pieces = [text[slice(*spans[chosen[0]])]]
    for before, n in zip(chosen, chosen[1:]):
        between = text[spans[before][1]:spans[n][0]]
        pieces.append(ELISION if between.strip() else between)
        pieces.append(text[slice(*spans[n])])
    quoted = {**source, "sentence": "".join(pieces)}
    if base is not None:
        quoted["start"], quoted["end"] = base + spans[chosen[0]][0], base + spans[chosen[-1]][1]
    return quoted


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """The paragraphs of ``text``, and the pieces of an excerpt between its elisions."""
    bounds, start = [], 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        bounds.append((start, gap.start()))
        start = gap.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def _sentence_of_event(text: str, base, spans: list[tuple[int, int]], event: dict) -> int | None:
    """The index of the sentence in ``spans`` stating ``event``, or None."""
    words = event.get("text") if isinstance(event, dict) else None
    if not isinstance(words, str) or not words.strip():
        return None
    start = event.get("start")
    offset = start - base if isinstance(base, int) and isinstance(start, int) else -1
    if offset >= 0 and text[offset:offset + len(words)] == words:
        at = [offset]
    else:
        at = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.IGNORECASE)]
    holding = [n for n, (s, e) in enumerate(spans) if any(s <= a < e for a in at)]
    if not holding:
        return None
    described = set(_words(event.get("event") or ""))
    return max(holding, key=lambda n: (len(described & set(_words(text[slice(*spans[n])]))), -n))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())
