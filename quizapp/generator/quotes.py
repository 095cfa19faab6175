"""Quotations and who said them.

Finding the quoted spans is a scan over the double quote marks (straight,
curly, and curly marks typed the wrong way round), classified as opening or
closing by the characters around them. Attribution is the real work, done
by a few ordered rules that follow how news is written:

1. **After the quote**: ``"…," the ministry said`` / ``"…," said Rep. X`` /
   ``"…" ― Name``; the speaker is the noun phrase next to the cue verb,
   skipping appositives (``the ISW, a U.S.-based think tank, wrote``).
2. **Before the quote**: the nearest cue verb before the quote in the same
   clause and its subject (``Kremlin spokesman Dmitry Peskov said "…"``,
   ``Benjamin Rhodes, one of the president's aides, recalled …"``);
   inverted ``Said Ellis: "…"``; gerunds (``asking``) defer to the
   clause's finite cue.
   A name and a verb we do not list also close a quotation that ends in a
   comma, "?" or "!" (``"…?" Hannity pressed``).
2b. **Trailing cue**: ``"…" in the 2008 primary, said X.``
2c. **Announced**: a sentence naming who speaks, right before a sentence (or
   paragraph) that is only a quotation: ``X agreed. "…"``, ``X responded:``.
2d. **Label**: a name the article knows before a colon, opening the sentence
   or after a dash: ``Pew Research: "…"``, ``Rep. X (D-Ohio): "…"``.
3. **Continuation**: a quote that forms its own sentence (perhaps after a
   short connective: ``Instead, "…"``), or follows another quote joined only
   by "and"/commas, keeps the previous quote's speaker;
   so does a quote-only paragraph after an attributed one.
4. **According to X** anywhere in the sentence.
5. **Parsed subject**: a quotation still without a speaker belongs to the
   subject of the verb it hangs on in spaCy's dependency parse (``X, who …,
   wrote in a letter that the plan was "…"``, ``with X calling it a "…"``),
   when that subject is a person or organization the article names (or "he"
   or "she"); a subject that names no one ("the plan") passes the search on to
   the clause that reports it, and a cue verb's subject comes before the one
   a reported clause is about. Only paragraphs that need it are parsed. The
   parse also overrules a place the rules made speak. Without a parse (or
   when it names no one), the **clause subject** by rule: a quoted fragment
   with no cue (``Trump called the senator a "nasty guy"``) belongs to the
   subject of its clause.

Speakers are then resolved to entities: a name or alias to its canonical
entity ("Lukashenko" -> "Alexander Lukashenko", "the ISW" -> "Institute for
the Study of War"); a pronoun to the subject of its sentence, else the last
speaker, else the nearest person; a description ("the ministry", "the
report", "the think tank", "the Belarusian leader") to the nearest entity of
the right kind whose name, type or role fits the noun.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from . import nlp, quote_filter
from .entities import Entity, EntityIndex, Mention
from .lexicon import (
    AUXILIARIES,
    COMMON_CAPS,
    CONNECTORS,
    CUE_VERBS,
    DATE_WORDS,
    DETERMINERS,
    HONORIFICS,
    NATIONALS,
    NON_FINITE_CUES,
    ORG_HEADS,
    ORG_NOUNS,
    PERSON_NOUNS,
    PRONOUNS,
    PRONOUNS_ORG,
    PRONOUNS_PERSON,
    REPORT_NOUNS,
    TITLES,
    WEAK_CUES,
    Token,
    demonyms,
    fold,
    is_cap,
    tokenize,
)

#: Tokens looked at on each side of a quotation (keeps huge sentences linear).
_WINDOW = 80
_OPENERS = "“„«"
_CLOSERS = "”»"
_MARKS = frozenset('"“”„«»')
_MARK_RE = re.compile('["“”„«»]')
_BEFORE_OPEN = frozenset(" \t\n([{—–-/:;\u00a0")
_AFTER_CLOSE = frozenset(" \t\n.,;:!?)]}—–-…\u00a0'’")
_SENTENCE_END = frozenset(".!?")
_CLAUSE_WORDS = frozenset("and but while whereas although though as because so yet when if since or".split())
_NP_STOP = frozenset(
    "is was are were has have had be been being to that which who whom whose and but because when if"
    " would will can could should not than then where while as so".split()
)
_SUBORDINATORS = frozenset(
    "in on at during after before while when as though although if since asked bemoaning despite"
    " with without for from under over amid like unlike according by".split()
)


@dataclass
class Quote:
    """One quotation: its text and offsets, and who said it."""

    start: int  # content offsets: body[start:end] == text
    end: int
    text: str
    open: int  # offset of the opening mark
    close: int  # offset just past the closing mark (== end when unclosed)
    speaker: Entity | None = None
    mention: str | None = None  # the words that name the speaker
    cue: str | None = None
    method: str | None = None
    claim: str | None = None  # the reported clause that holds the quote
    attribution_end: int = 0

    @property
    def speaker_name(self) -> str | None:
        return self.speaker.name if self.speaker else None

    @property
    def speaker_kind(self) -> str | None:
        if self.speaker is None:
            return None
        return "person" if self.speaker.kind == "person" else "organization"


def find_quote_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return ``(open, close)`` mark offsets of the quotations in ``text[start:end]``.

    ``close`` is the offset just past the closing mark; a quotation left open
    at the end of the range (a quote that runs into the next paragraph) ends
    at the end of the range. Nested double quotes stay inside the outer one.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    depth = 0
    opened = -1
    attribute = False
    for found in _MARK_RE.finditer(text, start, end):
        nxt = found.start()
        if attribute:  # the closing mark of a markup attribute value
            attribute = False
            continue
        if depth == 0 and nxt > start and text[nxt - 1] == "=":
            attribute = True  # <tweet author="…">: markup, not a quotation
            continue
        ch = text[nxt]
        prev = text[nxt - 1] if nxt > start else " "
        after = text[nxt + 1] if nxt + 1 < end else " "
        open_ctx = prev in _BEFORE_OPEN or prev in _MARKS or nxt == start
        close_ctx = after in _AFTER_CLOSE or after in _MARKS or nxt + 1 == end
        if open_ctx and not close_ctx:
            opening = True
        elif close_ctx and not open_ctx:
            opening = False
        elif ch in _OPENERS:
            opening = True
        elif ch in _CLOSERS:
            opening = False
        else:
            opening = depth == 0
        if opening:
            if depth == 0:
                opened = nxt
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((opened, nxt + 1))
    if depth > 0 and opened >= 0:
        stop = end
        while stop > opened + 1 and text[stop - 1].isspace():
            stop -= 1
        spans.append((opened, stop))
    return [
        (a, b) for a, b in spans
        if text[a + 1:_content_end(text, a, b)].strip(" .,;:!?—–-'’\"")
        and not is_title(text[a + 1:_content_end(text, a, b)], text[max(start, a - 12):a])
    ]


def _content_end(text: str, open_: int, close: int) -> int:
    return close - 1 if close - 1 > open_ and text[close - 1] in _MARKS else close


def _tokens_with_quotes(text: str, start: int, end: int, spans) -> list[Token]:
    tokens: list[Token] = []
    pos = start
    for n, (a, b) in enumerate(spans):
        tokens.extend(tokenize(text, pos, a))
        tokens.append(Token("q", text[a + 1:_content_end(text, a, b)], a, b, n))
        pos = b
    tokens.extend(tokenize(text, pos, end))
    return tokens


_TRANSCRIPT = re.compile(r"([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+)?):\s")
_TITLE_SMALL = frozenset("a an and the of in on at to for or with it is".split())


def is_title(text: str, before: str) -> bool:
    """A quoted title of a show or book after a possessive or "of": "MSNBC's "Morning Joe"."""
    words = re.findall(r"[\w'’-]+", text)
    if not words or len(words) > 7:
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.casefold() in _TITLE_SMALL for w in words):
        return False
    if text.rstrip(" '’")[-1:] in "!?":
        return False  # an exclamation or a question is said, not a title
    if re.search(r"['’]s\s*$", before):
        return True
    return len(words) >= 2 and bool(re.search(r"\bof\s*$", before))


_NOUN_LIKE_CUES = frozenset(
    "report reports comment comments claim claims note notes quote quotes call calls promise pledge"
    " tweet tweets post posts warning statement remark remarks".split()
)
_NOUN_CONTEXT = frozenset("with of in on for by from new intelligence latest recent".split())


def _is_cue(tokens: list[Token], j: int) -> bool:
    """Whether word ``j`` is a cue verb here, not a noun ("the report", "a call")."""
    low = tokens[j].text.casefold()
    if low not in CUE_VERBS:
        return False
    if is_cap(tokens[j].text) and j > 0 and tokens[j - 1].kind == "w" and is_cap(tokens[j - 1].text):
        return False  # part of a name: "the Islamic State", "the United States"
    if low in _NOUN_LIKE_CUES:
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        if nxt is None or not (nxt.kind == "q" or nxt.text in (":", ",") or nxt.text.casefold() in ("that", "on")):
            return False
    if j > 0:
        prev = tokens[j - 1]
        pl = prev.text.casefold()
        if prev.kind == "w" and (pl in DETERMINERS or pl in _NOUN_CONTEXT or pl.endswith(("'s", "’s"))):
            return False
    return True


_IRREGULAR_PAST = frozenset("shot went began spoke struck put wrote snapped fired broke threw".split())


def _names_then_verb(tokens: list[Token], j: int, m: int) -> bool:
    """Whether ``tokens[j:m]`` is a name or a pronoun and word ``m`` a verb we do not list.

    After a quotation that ends in a comma, "?" or "!", a name and a verb
    close it even when the verb is no cue we know: '"…?" Hannity pressed',
    '"…," Bozell points out', '"…!" she snapped'.
    """
    word = tokens[m].text
    if not word.isalpha() or not word.islower() or word in _NP_STOP or len(word) < 4 and word not in ("put",):
        return False
    if not (word.endswith("ed") or word in _IRREGULAR_PAST
            or word.endswith("s") and not word.endswith(("ss", "us", "is", "ous"))):
        return False
    subject = tokens[j:m]
    if len(subject) == 1 and subject[0].text.casefold() in PRONOUNS:
        return True
    if len(subject) > 5 or not all(t.kind == "w" for t in subject):
        return False
    return is_cap(subject[0].text) and is_cap(subject[-1].text) \
        and all(is_cap(t.text) or t.text in CONNECTORS for t in subject) \
        and subject[0].text.casefold() not in COMMON_CAPS


def _after_quote(tokens: list[Token], i: int) -> bool:
    """Whether word ``i`` comes right after a quotation: '"…," Jun said' names Jun."""
    return i >= 1 and (tokens[i - 1].kind == "q" or tokens[i - 1].kind == "p" and i >= 2 and tokens[i - 2].kind == "q")


def _ends_clause(tokens: list[Token], e: int, hi: int) -> bool:
    """Whether a noun phrase ending at ``e`` ends its clause: a comma, the sentence's end."""
    return e >= hi or tokens[e].kind == "q" or tokens[e].kind == "p" and tokens[e].text in ",.;:!?—–(" \
        or tokens[e].kind == "w" and tokens[e].text.casefold() in AUXILIARIES


def _is_boundary(tokens: list[Token], k: int) -> bool:
    """Whether token ``k`` ends a sentence."""
    tok = tokens[k]
    if tok.kind == "p":
        return tok.text in _SENTENCE_END or tok.text == ";"
    if tok.kind == "q":
        content = tok.text.rstrip(" '’")
        if content[-1:] not in ".!?":
            return False
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if nxt is None:
            return True
        return nxt.kind == "q" or (nxt.kind == "w" and is_cap(nxt.text) and content[-1:] == ".")
    return False


class Attributor:
    """Attribute the quotations of one article, paragraph by paragraph."""

    def __init__(self, body: str, index: EntityIndex, sentences: list[tuple[int, int]]) -> None:
        self.body = body
        self.index = index
        self.sentences = sentences
        self._ends = [e for _, e in sentences]
        self.last_speaker: Entity | None = None
        self.last_person: Entity | None = None
        self.last_org_speaker: Entity | None = None
        self.quotes: list[Quote] = []
        self._prev_par_quote: Quote | None = None
        self._prev_par: tuple[int, int] | None = None
        self._opens: list[int] = []  # quotation marks seen so far, for mentions inside quotations
        self._closes: list[int] = []
        self._paragraph = (0, 0)
        self._quote_open = 0  # where the quotation being attributed opens
        self._parsed: tuple[tuple[int, int], object] | None = None  # the last paragraph parsed, and its parse
        self._parse_budget = nlp.MODEL_CHARS  # characters of the article the parser may still read

    # -- paragraph -------------------------------------------------------
    def paragraph(self, start: int, end: int) -> list[Quote]:
        body = self.body
        spans = find_quote_spans(body, start, end)
        previous, self._prev_par = self._prev_par, (start, end)
        self._paragraph = (start, end)
        for a, b in spans:
            self._opens.append(a)
            self._closes.append(b)
        if not spans:
            self._prev_par_quote = None
            return []
        tokens = _tokens_with_quotes(body, start, end, spans)
        qpos = [k for k, t in enumerate(tokens) if t.kind == "q"]
        quotes: list[Quote] = []
        for n, k in enumerate(qpos):
            tok = tokens[k]
            a, b = spans[n]
            quote = Quote(a + 1, _content_end(body, a, b), tok.text, a, b, attribution_end=b)
            self._attribute(tokens, k, quote, quotes)
            quotes.append(quote)
            if quote.speaker is not None:
                self.last_speaker = quote.speaker
                if quote.speaker.kind == "person":
                    self.last_person = quote.speaker
                else:
                    self.last_org_speaker = quote.speaker
                quote.speaker.speaker = True
        # a paragraph that is only a quotation continues the previous speaker
        if quotes and quotes[0].speaker is None and tokens[0].kind == "q" and self._prev_par_quote is not None:
            if all(q.speaker is None for q in quotes) and len(tokens) <= len(quotes) + 2:
                for q in quotes:
                    q.speaker = self._prev_par_quote.speaker
                    q.method = "previous-paragraph"
                    q.mention = self._prev_par_quote.mention
        elif quotes[0].speaker is None and tokens[0].kind == "q" and previous is not None \
                and len(tokens) <= len(quotes) + 2 and all(q.speaker is None for q in quotes):
            # a quotation paragraph after one that ends on who speaks ('Breitbart News responded:')
            before = _tokens_with_quotes(body, *previous, find_quote_spans(body, *previous))
            for q in quotes:
                self._announced(before, len(before), q)
        last = quotes[-1]
        self._prev_par_quote = last if last.speaker is not None and last.close >= end - 3 else None
        if last.speaker is not None and tokens[-1].kind in ("q", "p"):
            self._prev_par_quote = last
        self.quotes.extend(quotes)
        return quotes

    def _attribute(self, tokens: list[Token], k: int, quote: Quote, earlier: list[Quote]) -> None:
        self._quote_open = quote.open
        self._by_rules(tokens, k, quote, earlier)
        if quote.speaker is not None and quote.speaker.kind == "place" and quote.method in ("before", "after", "subject"):
            # "Dean Cole, a salesman from Sumter, South Carolina, says": the parser knows the subject
            self._parsed_subject(tokens, quote)

    def _by_rules(self, tokens: list[Token], k: int, quote: Quote, earlier: list[Quote]) -> None:
        lo = k
        while lo > 0 and k - lo < _WINDOW and not _is_boundary(tokens, lo - 1):
            lo -= 1
        hi = k + 1
        while hi < len(tokens) and hi - k < _WINDOW and not _is_boundary(tokens, hi - 1 if hi - 1 > k else k) and tokens[hi].kind != "q":
            hi += 1
            if _is_boundary(tokens, hi - 1):
                break
        # 0. a transcript line: "PENCE: Well, …"
        label = _TRANSCRIPT.match(quote.text)
        if label:
            entity = self.index.entity("person", label.group(1).title())
            self._set(quote, entity, label.group(1), None, "transcript")
            return
        # 1. after the quote
        starts_sentence = all(t.kind == "p" for t in tokens[lo:k])
        if self._after(tokens, k, hi, quote, starts_sentence):
            return
        # 2. before the quote, in the same clause
        clause_lo = self._clause_start(tokens, lo, k)
        if self._before(tokens, clause_lo, k, quote, earlier):
            return
        # 2b. a cue at the end of the sentence: '"…" in the primary, said X.'
        if self._trailing(tokens, k, hi, quote):
            return
        prev = earlier[-1] if earlier else None
        # 2c. a sentence that only says who speaks next: 'Bystrom agreed. "…"'
        if all(t.kind == "p" for t in tokens[lo:k]) and self._sentence_only_quote(tokens, k, hi) \
                and self._announced(tokens, lo, quote):
            return
        # 2d. a label: 'Pew Research: "…"', 'Rep. Ann Bell (D-Ohio): "…"'
        if k > lo and tokens[k - 1].text == ":":
            np = self._subject_before(tokens, k - 1, lo)
            if np and (np[0] == lo or tokens[np[0] - 1].text in "-—–") \
                    and self._names_someone(tokens[np[0]].start, tokens[np[1] - 1].end) \
                    and self._resolve_into(tokens, np, quote, None, "label"):
                return
        # 3. continuation
        between = [t for t in tokens[clause_lo:k] if t.kind != "q"]
        joined = all(t.kind == "p" or t.text.casefold() in {"and", "or", "then", "an", "a", "as", "but", "to"} for t in between)
        if prev is not None and prev.speaker is not None:
            same_sentence = any(t.kind == "q" for t in tokens[lo:k])
            standalone = all(t.kind == "p" for t in tokens[lo:k]) or _lead_in(tokens[lo:k])
            if (same_sentence and joined) or (standalone and self._sentence_only_quote(tokens, k, hi)):
                self._set(quote, prev.speaker, prev.mention, prev.cue, "continuation")
                return
        # 4. according to X
        for t_lo, t_hi in ((lo, k), (k + 1, hi)):
            for j in range(t_lo, t_hi - 1):
                if tokens[j].text.casefold() == "according" and tokens[j + 1].text.casefold() == "to":
                    np = self._np_after(tokens, j + 2, hi if t_hi == hi else k)
                    if np and self._resolve_into(tokens, np, quote, "according to", "according-to"):
                        return
        # 5. the subject the parser finds, else the subject of the clause by rule
        if self._parsed_subject(tokens, quote):
            return
        if lo < k:
            for start in (clause_lo, lo) if clause_lo > lo else (lo,):
                np = self._clause_subject(tokens, start, k)
                if np and self._resolve_into(tokens, np, quote, None, "subject"):
                    return

    def _trailing(self, tokens: list[Token], k: int, hi: int, quote: Quote) -> bool:
        """A cue and its speaker closing the sentence after other words: '"…" for her, said Kunin.'"""
        for m in range(hi - 3, k, -1):
            if tokens[m].text != ",":
                continue
            n = m + 1
            if tokens[n].kind == "w" and _is_cue(tokens, n) and tokens[n].text.casefold() not in NON_FINITE_CUES:
                np = self._np_after(tokens, n + 1, hi)
                if np and _ends_clause(tokens, np[1], hi) and self._resolve_into(tokens, np, quote, tokens[n].text, "trailing"):
                    return True
                return False
            np = self._np_after(tokens, n, hi)
            if np and np[1] < hi and tokens[np[1]].kind == "w" and _is_cue(tokens, np[1]) \
                    and tokens[np[1]].text.casefold() not in NON_FINITE_CUES and _ends_clause(tokens, np[1] + 1, hi):
                return self._resolve_into(tokens, np, quote, tokens[np[1]].text, "trailing")
            return False
        return False

    def _announced(self, tokens: list[Token], lo: int, quote: Quote) -> bool:
        """The sentence before the quotation names who speaks and ends on the cue ('Bystrom agreed.')."""
        end = lo - 1
        while end >= 0 and tokens[end].kind == "p":
            end -= 1
        if end < 0 or lo - 1 < 0 or tokens[lo - 1].text not in (".", ":"):
            return False
        start = end
        while start > 0 and not _is_boundary(tokens, start - 1) and end - start < 40:
            start -= 1
        sentence = tokens[start:end + 1]
        if any(t.kind == "q" for t in sentence):
            return False
        cues = [n for n in range(start, end + 1)
                if tokens[n].kind == "w" and _is_cue(tokens, n) and tokens[n].text.casefold() not in NON_FINITE_CUES]
        if not cues:
            return False
        cue = cues[-1]
        np = self._subject_before(tokens, cue, start)
        return bool(np) and self._resolve_into(tokens, np, quote, tokens[cue].text, "announced")

    def _sentence_only_quote(self, tokens: list[Token], k: int, hi: int) -> bool:
        rest = [t for t in tokens[k + 1:hi] if t.kind == "w"]
        return not any(_is_cue(tokens, n) for n in range(k + 1, hi) if tokens[n].kind == "w") and len(rest) <= 12

    # -- rule 1 ----------------------------------------------------------
    def _after(self, tokens: list[Token], k: int, hi: int, quote: Quote, starts_sentence: bool = False) -> bool:
        j = k + 1
        while j < hi and tokens[j].kind == "p" and tokens[j].text in ",—–―-:":
            j += 1
        if j >= hi or tokens[j].kind != "w":
            return False
        ends_sentence = tokens[k].text.rstrip(" '’")[-1:] == "."
        first = tokens[j].text.casefold()
        dash = j > k + 1 and tokens[j - 1].text in "―—–"
        content_end = tokens[k].text.rstrip(" '’")[-1:]
        if content_end in ".?!" and j == k + 1 and tokens[j].text in _SENTENCE_PRONOUNS:
            return False  # '"…!" She replied to him …': a capital pronoun after the closing mark starts a sentence
        if first in ("was", "were", "is") and j + 2 < hi and tokens[j + 2].text == "by":
            np = self._np_after(tokens, j + 3, hi)  # "…" was written by X
            return bool(np) and self._resolve_into(tokens, np, quote, tokens[j + 1].text, "after")
        named = is_cap(tokens[j].text) and j + 1 < hi and tokens[j + 1].kind == "w" and _is_cue(tokens, j + 1)
        if first in CUE_VERBS and first not in NON_FINITE_CUES - {"saying"} and not named:
            if first == "saying" or ends_sentence:
                return False
            if j + 1 < hi and tokens[j + 1].text.casefold() == "that":
                return False
            np = self._np_after(tokens, j + 1, hi)
            if content_end not in ",?!—-–" and j == k + 1 and not (starts_sentence and np and _ends_clause(tokens, np[1], hi)):
                return False  # the quotation is a phrase inside the sentence
            if np and self._resolve_into(tokens, np, quote, tokens[j].text, "after"):
                quote.attribution_end = tokens[np[1] - 1].end
                return True
            return False
        if content_end in ",?!—–-" and first.endswith("ed") and first.isalpha() and tokens[j].text.islower() \
                and first not in _NP_STOP and j + 1 < hi and is_cap(tokens[j + 1].text):
            np = self._np_after(tokens, j + 1, hi)  # "…," beamed Donald Hartley
            if np and _ends_clause(tokens, np[1], hi) and self._resolve_into(tokens, np, quote, tokens[j].text, "after"):
                quote.attribution_end = tokens[np[1] - 1].end
                return True
            return False
        if dash and is_cap(tokens[j].text):
            np = self._np_after(tokens, j, hi)
            if np and np[1] >= hi - 1 and self._resolve_into(tokens, np, quote, None, "dash"):
                return True
            return False
        # NP then cue verb: "the ministry said", "Flynn, a top surrogate, said"
        limit = min(hi, j + (40 if content_end in ",?!" else 24))
        m = j
        commas = 0
        while m < limit:
            t = tokens[m]
            low = t.text.casefold()
            if t.kind == "q":
                return False
            if low in ("who", "which") and m > j and tokens[m - 1].text == ",":
                # a relative clause inside the appositive: "X, who ran in 2012, said"
                close = next((c for c in range(m + 1, limit) if tokens[c].kind != "w" and tokens[c].text != "-"), limit)
                if close >= limit or tokens[close].text != ",":
                    return False
                m = close + 1
                continue
            if t.kind == "p":
                if t.text == ",":
                    commas += 1
                    if commas > (5 if is_cap(tokens[j].text) else 2) \
                            or (m + 1 < limit and tokens[m + 1].text.casefold() in _CLAUSE_WORDS):
                        return False
                elif t.text not in "()-–’'":
                    return False
            elif m > j and _is_cue(tokens, m):
                if low in NON_FINITE_CUES and low not in ("read", "said"):
                    return False
                break
            elif m > j and content_end in ",?!—–-" and _names_then_verb(tokens, j, m):
                break
            elif low in _NP_STOP and low not in ("who", "has", "had", "have", "would", "will"):
                return False
            m += 1
        else:
            return False
        if m >= limit:
            return False
        if ends_sentence:
            # "…reservists." The MOD wrote… starts a new sentence unless it ends right after the cue
            rest = [t for t in tokens[m + 1:hi] if t.kind == "w"]
            if len(rest) > 3:
                return False
        np = self._subject_before(tokens, m, j)
        if np is None:
            return False
        if self._resolve_into(tokens, np, quote, tokens[m].text, "after"):
            quote.attribution_end = tokens[m].end
            return True
        return False

    # -- rule 2 ----------------------------------------------------------
    def _clause_start(self, tokens: list[Token], lo: int, k: int) -> int:
        start = lo
        for j in range(lo, k - 1):
            t = tokens[j]
            if t.kind == "p" and t.text in ",;—" and tokens[j + 1].kind == "w" \
                    and tokens[j + 1].text.casefold() in _CLAUSE_WORDS and j + 1 < k:
                start = j + 1
        return start

    def _before(self, tokens: list[Token], lo: int, k: int, quote: Quote, earlier: list[Quote]) -> bool:
        cues = [
            j for j in range(lo, k)
            if tokens[j].kind == "w" and _is_cue(tokens, j)
            and not (j > lo and tokens[j - 1].text.casefold() == "to" and tokens[j].text.casefold() not in NON_FINITE_CUES)
        ]
        for j in reversed(cues):
            low = tokens[j].text.casefold()
            if low in WEAK_CUES and low not in ("called", "calls", "calling"):
                continue
            if j == lo and is_cap(tokens[j].text) and low in CUE_VERBS:
                np = self._np_after(tokens, j + 1, k)  # inverted: Said Ellis: "…"
                if np and self._resolve_into(tokens, np, quote, tokens[j].text, "before"):
                    self._claim(tokens, j, k, quote)
                    return True
                continue
            if low in NON_FINITE_CUES or (j > lo and tokens[j - 1].text.casefold() == "to"):
                continue
            np = self._subject_before(tokens, j, lo)
            if np is None:
                # "…," he said, adding that "…": fall back to the previous quote's speaker
                continue
            if self._resolve_into(tokens, np, quote, tokens[j].text, "before"):
                self._claim(tokens, j, k, quote)
                return True
        # a gerund cue whose clause has no finite cue: the previous quote's speaker
        if cues and earlier and earlier[-1].speaker is not None:
            if any(t.kind == "q" for t in tokens[lo:k]):
                prev = earlier[-1]
                self._set(quote, prev.speaker, prev.mention, tokens[cues[-1]].text, "continuation")
                return True
        return False

    def _claim(self, tokens: list[Token], j: int, k: int, quote: Quote) -> None:
        """Keep the reported clause after the cue verb, for question stems."""
        sentence = self._sentence_span(quote.open, quote.close)
        start = tokens[j].end
        text = self.body[start:sentence[1]]
        skip = re.match(
            r"\s*(?:(?:earlier|later)\s+)?(?:(?:this|last)\s+(?:week|month|year)|on\s+\w+day|\w+day"
            r"|in\s+an?\s+(?:[\w-]+\s+){0,2}(?:statement|interview|letter|tweet|post|report|update|assessment))?"
            r"\s*,?\s*(?:that\b)?\s*[:,]?\s*",
            text,
        )
        offset = start + (skip.end() if skip else 0)
        if offset <= quote.open:
            quote.claim = self.body[offset:sentence[1]].strip()

    # -- rule 5: the parsed subject --------------------------------------
    def _parse(self):
        """The dependency parse of the current paragraph, or None (no parser, budget spent)."""
        if self._parsed is not None and self._parsed[0] == self._paragraph:
            return self._parsed[1]
        start, end = self._paragraph
        if end - start > self._parse_budget:
            return None
        self._parse_budget -= end - start
        doc = nlp.parse(self.body[start:end])
        self._parsed = (self._paragraph, doc)
        return doc

    def _parsed_subject(self, tokens: list[Token], quote: Quote) -> bool:
        doc = self._parse()
        if doc is None:
            return False
        base = self._paragraph[0]
        a, b = quote.open - base, quote.close - base
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None:
            return False
        verbs = []
        for t in span:
            steps = 0
            while a <= t.idx < b and t.head.i != t.i and steps < _PARSE_STEPS:
                t, steps = t.head, steps + 1
            while not t.tag_.startswith(("VB", "MD")) and t.head.i != t.i and steps < _PARSE_STEPS:
                t, steps = t.head, steps + 1
            if not a <= t.idx < b and all(t.i != v.i for v in verbs):
                verbs.append(t)
        # subjects met climbing out of the clause the quote is in: in 'X said the plan was
        # "…"' the plan is no speaker, X is; in 'X said that Y faced a "…"' the one who says
        # it (the subject of a cue verb the quote is reported by) comes before the one it is about
        found, said = [], []
        for verb in verbs[:3]:
            reported = True  # the quote is in this verb's clause or in what it reports
            beside = False  # reached through a clause beside the quote's ("…, while Y made a statement that "…"")
            for _ in range(5):
                if verb.tag_ in ("NNP", "NNPS") and not a <= verb.idx < b:
                    said.append((verb, None))  # '"…," Nate Silver, the guru, tweeted': hung on the name
                    break
                cue = reported and verb.text.casefold() in CUE_VERBS
                for subject in verb.children:
                    inside = subject.left_edge.idx <= a < subject.right_edge.idx + len(subject.right_edge)
                    if subject.dep_ in _PARSE_SUBJECTS and not inside and not a <= subject.idx < b:
                        if cue:
                            said.append((subject, verb.text))
                        elif beside:  # another event than the quote's: tried after the clauses below
                            found.insert(0, (subject, verb.text))
                        else:  # the clause that reports the quote's: tried before them
                            found.append((subject, verb.text))
                if verb.dep_ not in _PARSE_CLIMB or verb.head.i == verb.i:
                    break
                # 'X was quick to agree and said that "…"': a cue shares the subject of the verb it is joined to
                reported = verb.dep_ == "ccomp" or (verb.dep_ == "conj" and cue)
                beside = verb.dep_ in ("advcl", "conj")
                if verb.dep_ == "conj" and cue and not any(c.dep_ in _PARSE_SUBJECTS for c in verb.children):
                    said.extend((c, verb.text) for c in verb.head.children if c.dep_ in _PARSE_SUBJECTS)
                verb = verb.head
        return any(self._parsed_speaker(tokens, subject, cue, quote) for subject, cue in said + found[::-1])

    def _parsed_speaker(self, tokens: list[Token], subject, cue: str | None, quote: Quote) -> bool:
        """Attribute ``quote`` to the parsed ``subject`` when it names a person or
        organization, or to the name in apposition ('nuclear experts David Albright')."""
        if self._parsed_name(tokens, subject, cue, quote):
            return True
        return any(self._parsed_name(tokens, c, cue, quote) for c in subject.children if c.dep_ == "appos")

    def _parsed_name(self, tokens: list[Token], subject, cue: str | None, quote: Quote) -> bool:
        low = subject.text.casefold()
        if low in PRONOUNS and low not in _PARSE_PRONOUNS:
            return False
        base = self._paragraph[0]
        start = base + subject.left_edge.idx
        end = base + subject.idx + len(subject.text)
        if start >= end or not (self.body[start:end].strip()):
            return False
        if not self._names_someone(start, end):
            return False
        first = bisect.bisect_left(tokens, start, key=lambda t: t.start)
        last = bisect.bisect_right(tokens, end - 1, key=lambda t: t.start)
        if first >= last or any(t.kind == "q" for t in tokens[first:last]):
            return False
        entity, mention = self._resolve_np(tokens, (first, last))
        if entity is None or entity.kind == "place":
            return False
        self._set(quote, entity, mention, cue, "parsed")
        return True

    def _names_someone(self, start: int, end: int) -> bool:
        """Whether ``body[start:end]`` is "he" or "she" or holds a person or
        organization the article names: the guess-work rules (5 and 6) never
        make a speaker of a new "name" ("Moreover", "Audiences")."""
        if self.body[start:end].casefold() in _PARSE_PRONOUNS:
            return True
        return any(m.entity.kind in ("person", "organization")
                   for m in self._said_outside(self.index.mentions_in(start, end)))

    # -- noun phrases ----------------------------------------------------
    def _np_after(self, tokens: list[Token], j: int, hi: int) -> tuple[int, int] | None:
        """The noun phrase starting at ``j``: a name, "the report", a pronoun."""
        if j >= hi or tokens[j].kind != "w":
            return None
        low = tokens[j].text.casefold()
        if low in PRONOUNS:
            return (j, j + 1)
        e = j
        if low not in DETERMINERS and not is_cap(tokens[j].text):
            # role words before a name: "according to union president Doris Crouse-Mays"
            k = j
            while k < hi and k - j < 4 and tokens[k].kind == "w" and not is_cap(tokens[k].text) \
                    and tokens[k].text.casefold() not in _NP_STOP and tokens[k].text.casefold() not in CUE_VERBS:
                k += 1
            if k < hi and k > j and tokens[k].kind == "w" and is_cap(tokens[k].text):
                e = k
        if low in DETERMINERS:
            e += 1
            while e < hi and tokens[e].kind == "w" and not is_cap(tokens[e].text) and e - j < 5 \
                    and tokens[e].text.casefold() not in _NP_STOP and tokens[e].text.casefold() not in CUE_VERBS:
                e += 1
        while e < hi:
            t = tokens[e]
            if t.kind == "w" and (is_cap(t.text) or (t.text in CONNECTORS and e + 1 < hi and is_cap(tokens[e + 1].text)
                                                    and t.text != "and")):
                e += 1
                if t.text.endswith(("'s", "’s")):
                    break
                continue
            if t.kind == "w" and t.text.casefold() in TITLES and e + 1 < hi and is_cap(tokens[e + 1].text):
                e += 1
                continue
            break
        if e == j:
            return None
        while e > j + 1 and tokens[e - 1].text in ("of", "for", "the"):
            e -= 1
        named = _role_then_name(tokens, e, hi, possessive=tokens[e - 1].text.endswith(("'s", "’s")))
        if named:
            return named
        h = e
        while h < hi and h - e < 2 and tokens[h].kind == "w" and tokens[h].text.islower() \
                and tokens[h].text.casefold() not in _ROLE_STOP:
            h += 1
            if _role_head(tokens[h - 1].text):
                return (j, h)  # "the Springbok captain": the head noun decides who speaks
        return (j, e)

    def _subject_before(self, tokens: list[Token], j: int, lo: int) -> tuple[int, int] | None:
        """The subject of the cue verb at ``j``: skip adverbs and appositives."""
        i = j - 1
        while i >= lo:
            t = tokens[i]
            low = t.text.casefold()
            if t.kind == "w" and (low in AUXILIARIES and not (is_cap(t.text) and _after_quote(tokens, i))
                                  or (low.endswith("ly") and len(low) > 4 and not is_cap(t.text))
                                  or low in DATE_WORDS and low not in ("may",) and not _after_quote(tokens, i)):
                i -= 1
                continue
            if t.kind == "p" and t.text == ")":
                while i >= lo and tokens[i].text != "(":
                    i -= 1
                i -= 1
                continue
            break
        if i < lo:
            return None
        in_apposition = tokens[i].kind == "p" and tokens[i].text == ","
        if in_apposition:
            # an appositive: "Flynn, a top Trump surrogate, said"
            c = i - 1
            while c >= lo and not (tokens[c].kind == "p" and tokens[c].text == ",") and tokens[c].kind != "q" and i - c < 30:
                c -= 1
            if c >= lo and tokens[c].text == ",":
                appositive = [t for t in tokens[c + 1:i]]
                if c - 1 >= lo and tokens[c - 1].kind == "w" and not is_cap(tokens[c - 1].text) \
                        and 0 < len(appositive) <= 4 and all(t.kind == "w" and is_cap(t.text) for t in appositive):
                    return (c + 1, i)  # "the mayor, Ann Bell, said": the name is the appositive
                i = c - 1
                while i >= lo and tokens[i].kind == "p" and tokens[i].text == ")":
                    while i >= lo and tokens[i].text != "(":
                        i -= 1
                    i -= 1
            else:
                return None
        if i < lo or tokens[i].kind != "w":
            return None
        low = tokens[i].text.casefold()
        if low in ("who", "which"):
            i -= 1
            if i >= lo and tokens[i].text == ",":
                return self._subject_before(tokens, i + 1, lo) if i + 1 <= j else None
            return None
        if low in PRONOUNS:
            return (i, i + 1)
        end = i + 1
        s = i
        steps = 0
        while s >= lo and steps < 10:
            t = tokens[s]
            tl = t.text.casefold()
            if t.kind != "w":
                if t.text in ("-", "’", "'") and s - 1 >= lo:
                    s -= 1
                    steps += 1
                    continue
                break
            if tl == "the" and s - 2 >= lo and tokens[s - 1].text in ("for", "of") and is_cap(tokens[s - 2].text) \
                    and s + 1 <= i and is_cap(tokens[s + 1].text):
                s -= 1
                steps += 1
                continue
            if tl in DETERMINERS:
                s -= 1
                break
            if is_cap(t.text) or tl in TITLES or tl in ORG_NOUNS or tl in PERSON_NOUNS or tl in _MODIFIERS:
                s -= 1
                steps += 1
                continue
            if tl in CONNECTORS and tl != "and" and s - 1 >= lo and is_cap(tokens[s - 1].text):
                s -= 1
                steps += 1
                continue
            if not is_cap(t.text) and s == i and tl not in _NP_STOP:
                s -= 1  # a head noun we do not list ("the clip", "the commission")
                steps += 1
                continue
            break
        start = s + 1
        if start >= end:
            return None
        if start - 1 >= lo and tokens[start - 1].text.casefold() in ("in", "on", "at", "during", "via", "through") \
                and tokens[start].text.casefold() in DETERMINERS:
            # "The MOD in a Thursday update said": the subject is before the phrase
            outer = self._subject_before(tokens, start - 1, lo)
            if outer is not None:
                return outer
        if start - 1 >= lo and tokens[start - 1].text.casefold() in ("of", "from", "at") and in_apposition:
            # "Ann Bell, 15, of Lakeview school, where …, told": the object of "of" is not the subject
            comma = next((c for c in range(start - 2, max(lo, start - 12) - 1, -1) if tokens[c].text == ","), None)
            if comma is not None:
                outer = self._subject_before(tokens, comma + 1, lo)
                if outer is not None:
                    return outer
        return (start, end)

    def _clause_subject(self, tokens: list[Token], lo: int, k: int) -> tuple[int, int] | None:
        """The subject at the start of a clause, after a leading adverbial."""
        i = lo
        while i < k and tokens[i].kind == "w" and tokens[i].text.casefold() in ("and", "but", "or", "so", "yet", "then"):
            i += 1
        if i + 1 < k and tokens[i].kind == "w" and tokens[i + 1].text == "," and tokens[i].text.casefold() not in COMMON_CAPS \
                and not is_cap(tokens[i].text[1:2] or "a") and tokens[i].text.casefold().endswith(("ly", "ever", "while", "still")):
            i += 2
        if i < k and tokens[i].kind == "w" and (tokens[i].text.casefold() in _SUBORDINATORS
                                                or tokens[i].text.casefold().endswith("ing")):
            comma = next((c for c in range(i, k) if tokens[c].text == ","), None)
            if comma is not None and tokens[i].text.casefold() not in ("as", "while", "when", "if"):
                i = comma + 1
            else:
                i += 1
        while i < k and tokens[i].kind != "w":
            i += 1
        if i >= k:
            return None
        np = self._np_after(tokens, i, k)
        if np is None:
            return None
        e = np[1]
        if e >= k or tokens[e].kind != "w" or is_cap(tokens[e].text):
            if not (e < k and tokens[e].text == ","):
                return None
        return np

    # -- resolution ------------------------------------------------------
    def _resolve_into(self, tokens, np, quote: Quote, cue, method) -> bool:
        entity, mention = self._resolve_np(tokens, np, lone_name=method == "after" and np[1] - np[0] == 1)
        if entity is None and mention is None:
            return False
        self._set(quote, entity, mention, cue, method)
        return True

    def _set(self, quote: Quote, entity, mention, cue, method) -> None:
        quote.speaker = entity
        quote.mention = mention
        quote.cue = cue
        quote.method = method

    def _resolve_np(self, tokens: list[Token], np: tuple[int, int],
                    lone_name: bool = False) -> tuple[Entity | None, str | None]:
        a, b = np
        start, end = tokens[a].start, tokens[b - 1].end
        text = self.body[start:end]
        words = [t.text for t in tokens[a:b] if t.kind == "w"]
        if not words:
            return None, None
        lows = [w.casefold() for w in words]
        if len(words) == 1 and lows[0] in PRONOUNS:
            return self._pronoun(lows[0], start), text
        if len(words) == 2 and lows[0] == "the" and words[1] in demonyms() \
                and (words[1][-1:] != "s" or words[1][:-1] not in demonyms()):  # not "the Americans"
            # "the Swiss added": a nationality standing for the person the story follows
            return self.last_person, text
        mentions = [m for m in self.index.mentions_in(start, end)]
        has_report = any(w in REPORT_NOUNS for w in lows)
        head = lows[-1].removesuffix("'s").removesuffix("’s")
        persons = [m for m in mentions if m.entity.kind == "person"]
        orgs = [m for m in mentions if m.entity.kind == "organization"]
        places = [m for m in mentions if m.entity.kind == "place"]
        if has_report:
            for m in orgs + persons:
                return m.entity, text
            return self._description("report", "organization", start), text
        for m in reversed(persons):
            if not m.possessive and m.end == end:
                return m.entity, text
        if not is_cap(words[-1]) and _role_head(head) and len(words) > 1:
            # "the Maldives coach", "the Apple co-founder": the person holding that role, never the modifier
            return self._role_holder(head, start) or self._one_of(orgs, start), text
        for m in reversed(persons):
            if not m.possessive:
                return m.entity, text
        for m in reversed(orgs):
            if not m.possessive:
                return m.entity, text
        if (persons or orgs) and head in PERSON_NOUNS:
            return None, text  # "Obama's former campaign strategist"
        for m in reversed(places):
            if not m.possessive and m.end == end:
                return m.entity, text  # "South Korea accused …"
        caps = [t for t in tokens[a:b] if t.kind == "w" and is_cap(t.text)]
        if caps and not (head in ORG_NOUNS or head in PERSON_NOUNS) or (caps and is_cap(words[-1])):
            name = self._name_from_caps(tokens, a, b, lone_name)
            if name:
                known = self.index.find(name)
                if known is not None:
                    return known, text
                kind = "organization" if _looks_like_org(name) else "person"
                entity = self.index.entity(kind, name)
                at = text.find(name.split()[0])
                self.index.mention(entity, start + max(at, 0), end)
                return entity, text
        if head in ORG_NOUNS or (len(lows) >= 2 and " ".join(lows[-2:]) == "think tank"):
            return self._description(head, "organization", start), text
        if head in PERSON_NOUNS:
            return self._role_holder(head, start), text
        if lows[0] in DETERMINERS or lows[0] in ("multiple", "many", "several"):
            return None, text
        return None, None

    def _name_from_caps(self, tokens: list[Token], a: int, b: int, lone_name: bool = False) -> str | None:
        """The name in a capitalised phrase, without titles and leading common words.

        :param lone_name: the phrase is one word right before a cue after a
            quotation ('"…," Cuban said'): it is a name even when it is also
            a demonym, a month or a common word.
        """
        words = [t.text for t in tokens[a:b] if t.kind == "w"]
        if lone_name and len(words) == 1 and words[0].casefold() not in DETERMINERS | PRONOUNS:
            return words[0].removesuffix("'s").removesuffix("’s")
        last_title = -1
        for n, w in enumerate(words):
            if w.casefold() in TITLES or not is_cap(w) and w not in CONNECTORS:
                last_title = n
        name_words = words[last_title + 1:]
        while name_words and (_bare(name_words[0]).casefold() in COMMON_CAPS or name_words[0] in demonyms()
                              or name_words[0].casefold() in HONORIFICS):
            name_words.pop(0)
        if "of" in name_words[2:-1] and not any(w.casefold() in ORG_HEADS for w in name_words[:name_words.index("of")]):
            name_words = name_words[:name_words.index("of", 2)]  # "Dora Keane of Millbrook": the person, not where from
        while name_words and name_words[-1] in CONNECTORS:
            name_words.pop()
        if not name_words:
            return None
        name_words[-1] = name_words[-1].removesuffix("'s").removesuffix("’s")
        name = " ".join(name_words)
        if name.casefold() in DATE_WORDS:
            return None
        return name

    def _quoted(self, mention: Mention) -> bool:
        """Whether a mention lies inside a quotation: "FaceTime" in '"…FaceTime calls," he said' never speaks."""
        i = bisect.bisect_right(self._opens, mention.start) - 1
        return i >= 0 and mention.start < self._closes[i]

    def _said_outside(self, mentions: list[Mention]) -> list[Mention]:
        return [m for m in mentions if not self._quoted(m)]

    def _pronoun(self, pronoun: str, offset: int) -> Entity | None:
        if pronoun in PRONOUNS_PERSON:
            gender = _PRONOUN_GENDER.get(pronoun)

            def fits(entity: Entity | None) -> bool:
                return entity is not None and entity.kind == "person" and (
                    gender is None or entity.gender in (None, gender))

            # the sentence the quotation starts in: 'X said that "… ends. Another …," she said'
            sentence = self._sentence_span(min(offset, self._quote_open), offset)
            for m in self._said_outside(self.index.mentions_in(sentence[0], offset)):
                if fits(m.entity) and not m.possessive:
                    return m.entity
            last_close = self.quotes[-1].close if self.quotes else -1
            for m in self._said_outside(self.index.mentions_before(offset, 20)):
                if m.start < last_close:
                    break
                if fits(m.entity) and not m.possessive:
                    if m.start < self._paragraph[0] and self._still_speaking(fits, m.entity):
                        # the quotation's own paragraph names nobody; someone named only in a paragraph
                        # between two quotations is talked about, and the speaker goes on
                        return self.last_person
                    return self._told_by_gender(m.entity, gender, offset)  # someone named since the last quotation
            if fits(self.last_person) and self.quotes and self.quotes[-1].speaker is self.last_person \
                    and offset - last_close < 600:
                return self.last_person
            for m in self._said_outside(self.index.mentions_before(offset)):
                if fits(m.entity) and not m.possessive:
                    return self._told_by_gender(m.entity, gender, offset)
            return self.last_person if fits(self.last_person) else None
        if pronoun in PRONOUNS_ORG:
            for m in self._said_outside(self.index.mentions_before(offset, 12)):
                if m.entity.kind == "organization":
                    return m.entity
        return None

    def _still_speaking(self, fits, named: Entity) -> bool:
        """Whether the "he" or "she" of a quotation is the last person quoted rather than ``named``,
        met in a paragraph in between: the quotation's paragraph names nobody before it and speaks
        of "the Spaniard" or "the 29-year-old", the way a story goes on about the person it follows
        ("Tom Pell scored …" in between; "The Spaniard was happy … '…,' he said")."""
        if not fits(self.last_person) or named is self.last_person or not self.quotes \
                or self.quotes[-1].speaker is not self.last_person:
            return False
        lead = self.body[self._paragraph[0]:self._quote_open]
        described = any(word in demonyms() or word.casefold() in NATIONALS or word[:1].isdigit()
                        for word in _DESCRIBED.findall(lead))
        return described and not any(m.entity.kind == "person" for m in self._said_outside(
            self.index.mentions_in(self._paragraph[0], self._quote_open)))

    def _told_by_gender(self, nearest: Entity, gender: str | None, offset: int) -> Entity:
        """The nearest person for a "she" outside the quotation's sentence, unless the article
        says of nobody but one other person named before that she is a woman: '"…," she said'
        after "Ms. Ade … the Vice President, Sam Obi, …" is Ms. Ade. Most people quoted in the
        news are men, so a "he" stays with the nearest person whose gender is not told."""
        if gender != "female" or nearest.gender == gender:
            return nearest
        told = {id(m.entity): m.entity for m in self.index.mentions_before(offset)
                if m.entity.kind == "person" and m.entity.gender == gender}
        return next(iter(told.values())) if len(told) == 1 else nearest

    def _role_holder(self, head: str, offset: int) -> Entity | None:
        """The person named earlier with the role ``head`` ("coach", "co-founder"), if any."""
        for m in self.index.mentions_before(offset):
            role = (m.entity.role or "").casefold()
            if m.entity.kind == "person" and (head in role.split() or head.split("-")[-1] in role.replace("-", " ").split()):
                return m.entity
        return None

    def _one_of(self, orgs: list[Mention], offset: int) -> Entity | None:
        """The person named last, when the article gave them a role at an organization the
        description names: "the 29-year-old Facebook co-founder" right after "Facebook Chief
        Executive Mark Zuckerberg … Zuckerberg said". Anyone named in between ("… by Steve Jobs.
        The late Apple co-founder") may be the one described, so then nobody is."""
        names = {fold(n) for m in orgs for n in m.entity.names()}
        last = next((m.entity for m in self._said_outside(self.index.mentions_before(offset))
                     if m.entity.kind == "person"), None)
        if last is not None and last.role and any(name in fold(last.role) for name in names):
            return last
        return None

    def _description(self, head: str, kind: str, offset: int) -> Entity | None:
        candidates = [m for m in self._said_outside(self.index.mentions_before(offset)) if m.entity.kind == kind]
        if kind == "organization":
            for m in candidates:
                if head in fold(m.entity.name).split() or head in (m.entity.subtype or "").split():
                    return m.entity
            if head in REPORT_NOUNS and self.last_org_speaker is not None:
                return self.last_org_speaker
            return candidates[0].entity if candidates else self.last_org_speaker
        for m in candidates:
            role = (m.entity.role or "").casefold()
            if head in role.split() or (head == "leader" and any(r in role for r in ("president", "minister", "leader"))):
                return m.entity
        for m in candidates:
            if not m.possessive:
                return m.entity
        return None

    def _sentence_span(self, start: int, end: int) -> tuple[int, int]:
        lo, hi = start, end
        first = None
        for n in range(bisect.bisect_right(self._ends, start), len(self.sentences)):
            s, e = self.sentences[n]
            if s >= max(end, start + 1):
                break
            if first is None:
                first = s
            hi = max(hi, e)
        return (first if first is not None else lo, hi)


#: Pronouns written with a capital when they open a sentence.
_SENTENCE_PRONOUNS = frozenset("He She They We It I".split())
#: "the Spaniard", "the 29-year-old": a person described, not named (the word after "the").
_DESCRIBED = re.compile(r"\b[Tt]he ([A-Z][a-z]+|\d+-year-old)\b")
#: The gender a person's pronoun tells.
_PRONOUN_GENDER = {"she": "female", "her": "female", "he": "male", "him": "male", "his": "male"}

#: The parse: dependencies of a subject, relations climbed from a verb to the
#: one whose subject speaks, pronouns that may name a speaker, steps up a tree.
_PARSE_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_PARSE_CLIMB = frozenset({"advcl", "xcomp", "conj", "ccomp", "acl", "relcl", "pcomp", "pobj", "prep"})
_PARSE_PRONOUNS = frozenset({"he", "she"})
_PARSE_STEPS = 60

_MODIFIERS = frozenset(
    "former retired chief senior top press communications communication campaign deputy vice acting"
    " foreign defense defence prime state national security presidential vice-presidential interim"
    " executive managing associate assistant military intelligence majority minority new"
    " u.s.-based based".split()
)


#: Words that end a run of role words: a preposition starts a new phrase.
_ROLE_STOP = _NP_STOP | _CLAUSE_WORDS | DETERMINERS | PRONOUNS | CUE_VERBS | frozenset(
    "of in on at for from with by to about after before during over under into amid via".split()
)


def _role_then_name(tokens: list[Token], e: int, hi: int, possessive: bool) -> tuple[int, int] | None:
    """A name after the role words that follow a modifier: the speaker of
    "Clinton campaign manager Robby Mook", "Virginia delegate Ann Bell",
    "Ohio's Tom Reed" is the name at the end, not the word at the start.
    """
    r = e
    while r < hi and r - e < 5 and tokens[r].kind == "w" and not is_cap(tokens[r].text) \
            and tokens[r].text.casefold() not in _ROLE_STOP and not tokens[r].text.endswith("ed"):
        r += 1
    if r == e and not possessive:
        return None
    n = r
    while n < hi and tokens[n].kind == "w" and is_cap(tokens[n].text):
        n += 1
    caps = [t.text for t in tokens[r:n] if t.text.casefold() not in TITLES]
    role = tokens[r - 1].text.casefold() if r > e else ""
    if len(caps) >= 2 or (len(caps) == 1 and (role in PERSON_NOUNS or role in TITLES or n - r > 1)):
        return (r, n)
    return None


#: Words that may open a sentence before a quotation that goes on from the last one ('Instead, "…"').
_LEAD_INS = frozenset("and but still instead later then yet so also again finally indeed now".split())


def _lead_in(tokens: list[Token]) -> bool:
    """Whether ``tokens`` (before a quotation) are only a short connective: "Instead,", "And later,"."""
    words = [t for t in tokens if t.kind == "w"]
    return 0 < len(words) <= 2 and tokens[-1].text == "," and all(
        w.text.casefold() in _LEAD_INS or (w.text.casefold().endswith("ly") and len(w.text) > 4) for w in words)


def _role_head(word: str) -> bool:
    """Whether a lowercase head noun names a person's role: "captain", "co-founder"."""
    low = word.casefold().split("-")[-1]
    return low in PERSON_NOUNS or low in TITLES


def _bare(word: str) -> str:
    """A word without its possessive or contracted 's: "It's" -> "It"."""
    return word.removesuffix("'s").removesuffix("’s")


def _looks_like_org(name: str) -> bool:
    bare = name.replace(".", "")
    return (bare.isupper() and len(bare) <= 6) or any(ch.isupper() for ch in name[1:] if " " not in name and ch.isalpha())


def extract_quotes(body: str, paragraphs, index: EntityIndex, sentences) -> list[Quote]:
    """Find every quotation in the body and attribute it.

    :param paragraphs: ``(start, end)`` spans of the paragraphs.
    :param index: the article's entities; unknown speakers are added to it.
    :param sentences: ``(start, end)`` spans of the sentences.
    """
    found = quoted_spans(body, paragraphs, index, sentences)
    return quote_filter.keep(body, found, paragraphs, sentences)


def quoted_spans(body: str, paragraphs, index: EntityIndex, sentences) -> list[Quote]:
    """Every quoted span of the body, attributed where the rules can, before the
    filter that tells quotations from titles and scare quotes."""
    attributor = Attributor(body, index, list(sentences))
    for start, end in paragraphs:
        attributor.paragraph(start, end)
    # a single quoted word nobody is said to have said is emphasis ("so-called"), not a quotation
    return [q for q in attributor.quotes if q.speaker is not None or q.cue is not None or len(_WORD.findall(q.text)) > 1]


_WORD = re.compile(r"\w+(?:['’]\w+)?")
