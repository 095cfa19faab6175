"""Is a quoted span a quotation, or a title, a nickname or a word held at arm's length?

News puts many things between quote marks that nobody is said to have said:
a show's title ("The View"), a slogan, a so-called term, an ironic word. The
attribution rules find who speaks; this filter decides, for each quoted span,
whether it is a quotation at all.

It is a logistic regression over a few dozen features of the span and its
surroundings: its length and capitals, whether a cue verb or a speaker was
found and by which rule, the word before the opening mark ("called", "the",
a possessive), whether it fills its sentence, first- or second-person words.
The weights are learned from the PolNeAR training articles by
``bench/train_quote_filter.py`` and stored in ``data/quote_filter.json``; the
model is a dot product here, with nothing loaded but that file.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from functools import lru_cache
from pathlib import Path

from .lexicon import CUE_VERBS

_DATA = Path(__file__).with_name("data") / "quote_filter.json"
_WORD = re.compile(r"\w+(?:['’]\w+)?")
_LAST_WORD = re.compile(r"([\w'’-]+)\W*$")
_NEXT_WORD = re.compile(r"[\s'’\"”]*([,;:.!?—–-]?)\s*([\w'’-]+)")
_LIST_JOIN = re.compile(r"\s*,?\s*(?:and |or |, )?[\"“]")
_LIST_END = re.compile(r"[\"”],?\s*(?:,|and|or)\s*$")
_FUNCTION = frozenset(
    "that to for and or but as in on of at by with from about because if when than which who while"
    " is are was were be has have had".split()
)
_SMALL = frozenset("a an and the of in on at to for or with it is by from as vs".split())
_SPEECH = frozenset(
    "i me my mine we us our ours you your yours i'm i’m we're we’re you're you’re i've i’ve"
    " we've we’ve i'll i’ll we'll we’ll don't don’t can't can’t won't won’t".split()
)
_NAMING = frozenset(
    "called dubbed termed labeled labelled branded nicknamed titled entitled named coined"
    " so-called word words term phrase slogan motto label nickname hashtag chant chants"
    " chanting theme".split()
)
_DETERMINERS = frozenset("the a an this that these those his her their its our my your".split())
_PREPOSITIONS = frozenset("of on in for to as with about from by at into over against".split())
_WORDS_AROUND = re.compile(r"[\w'’-]+")
_WORKS = frozenset(
    "book books movie movies film films show shows series song songs album novel memoir play musical"
    " documentary episode column op-ed headline headlines article essay segment program programme"
    " podcast star stars host hosts anchor titled entitled poster sign signs banner shirt shirts"
    " t-shirt t-shirts hat hats slogan ad ads video tagline".split()
)
_WATCH_READ = frozenset("watch watched read show series film movie book song album column program programme".split())


def _bucket(n: int) -> str:
    if n <= 1:
        return "words_1"
    if n == 2:
        return "words_2"
    if n <= 4:
        return "words_3_4"
    if n <= 9:
        return "words_5_9"
    if n <= 20:
        return "words_10_20"
    return "words_21_plus"


def features(body: str, quote, sentence: tuple[int, int], paragraph: tuple[int, int],
             in_sentence: int) -> dict[str, float]:
    """The features of one quoted span (``quote`` is a :class:`~.quotes.Quote`)."""
    text = quote.text.strip()
    words = _WORD.findall(text)
    n = len(words)
    f: dict[str, float] = {_bucket(n): 1.0, "log_words": math.log1p(n)}
    content = [w for w in words if w.casefold() not in _SMALL]
    if content and all(w[:1].isupper() or w[:1].isdigit() for w in content):
        f["title_case"] = 1.0
        if n >= 2:
            f["title_case_multi"] = 1.0
    if n >= 2:
        caps = sum(1 for w in words[1:] if w[:1].isupper())
        f["caps_share"] = caps / (n - 1)
    if text[:1].isupper():
        f["starts_upper"] = 1.0
    if text[:1].islower():
        f["starts_lower"] = 1.0
    last = text.rstrip(" '’\"")[-1:]
    if last in ".!?":
        f["ends_stop"] = 1.0
    elif last == ",":
        f["ends_comma"] = 1.0
    if re.search(r"[.!?] [A-Z]", text):
        f["several_sentences"] = 1.0
    if any(w.casefold() in _SPEECH for w in words):
        f["first_second_person"] = 1.0
    if any(ch.isdigit() for ch in text):
        f["digits"] = 1.0
    if n >= 2 and text.upper() == text and any(ch.isalpha() for ch in text):
        f["all_caps"] = 1.0
    if quote.close == quote.end:
        f["unclosed"] = 1.0
    # who says it, and how that was found
    if quote.speaker is not None:
        f["speaker"] = 1.0
        f["speaker_" + ("person" if quote.speaker.kind == "person" else "other")] = 1.0
        mentions = len(getattr(quote.speaker, "mentions", ()) or ())
        if mentions <= 1:
            f["speaker_named_once"] = 1.0  # "Hundreds", "Among Latinos": a capital, not someone
    if quote.cue is not None:
        f["cue"] = 1.0
    if quote.method:
        f["method_" + quote.method] = 1.0
    # the words around it
    s_start, s_end = sentence
    p_start, _ = paragraph
    lo = max(p_start, quote.open - 60)
    before = body[lo:quote.open]
    prev = _LAST_WORD.search(before)
    prev_word = prev.group(1).casefold() if prev else ""
    stripped = before.rstrip()
    if prev_word in _NAMING:
        f["prev_naming"] = 1.0
    elif prev_word in _DETERMINERS:
        f["prev_determiner"] = 1.0
    elif prev_word in _PREPOSITIONS:
        f["prev_preposition"] = 1.0
    elif prev_word in CUE_VERBS:
        f["prev_cue"] = 1.0
    elif prev_word in _WATCH_READ:
        f["prev_watch_read"] = 1.0
    if prev and re.search(r"['’]s$", prev.group(1)) and prev.end() >= len(stripped):
        f["prev_possessive"] = 1.0
    after = body[quote.close:min(len(body), quote.close + 60)]
    near = [w.casefold() for w in _WORDS_AROUND.findall(before[-40:])][-4:]
    near += [w.casefold() for w in _WORDS_AROUND.findall(after[:30])][:2]
    if any(w in _WORKS for w in near):
        f["work_nearby"] = 1.0  # the movie "…", "…" star, the book "…": a title
    if stripped.endswith(":"):
        f["prev_colon"] = 1.0
    elif stripped.endswith(","):
        f["prev_comma"] = 1.0
    elif stripped.endswith(("—", "–", "-")):
        f["prev_dash"] = 1.0
    if not body[max(s_start, p_start):quote.open].strip(" \t\n([—–-"):
        f["starts_sentence"] = 1.0
        if not body[p_start:quote.open].strip():
            f["starts_paragraph"] = 1.0
    if not after[:max(0, s_end - quote.close)].strip(" \t\n.,;:!?)]}'’\"”"):
        f["ends_sentence"] = 1.0
    nxt = _NEXT_WORD.match(after)
    if nxt:
        word = nxt.group(2)
        low = word.casefold()
        if low in CUE_VERBS:
            f["next_cue"] = 1.0
        elif nxt.group(1):
            pass  # punctuation first: the sentence goes on after a pause
        elif low in _FUNCTION:
            f["next_function"] = 1.0
        elif word[:1].isupper():
            f["next_capital"] = 1.0
        elif word[:1].isalpha():
            f["next_lower"] = 1.0  # "the "fiscal cliff" deal": the quote names something
    if _LIST_JOIN.match(after) or _LIST_END.search(before):
        f["in_list"] = 1.0
    if stripped.endswith("(") or after.startswith(")"):
        f["in_parentheses"] = 1.0
    if in_sentence > 1:
        f["several_in_sentence"] = 1.0
    # how it was attributed matters differently for a word and for a sentence
    size = "short" if n <= 4 else "long"
    f[f"{size}_{quote.method or 'unattributed'}"] = 1.0
    if quote.cue is None:
        f[f"{size}_no_cue"] = 1.0
    return f


@lru_cache(maxsize=1)
def model() -> dict:
    """The stored weights: ``{"weights": {feature: w}, "bias": b, "threshold": t, ...}``."""
    return json.loads(_DATA.read_text("utf-8"))


def probability(feats: dict[str, float], weights: dict | None = None) -> float:
    """The model's probability that a span with ``feats`` is a quotation."""
    m = weights or model()
    w = m["weights"]
    z = m["bias"] + sum(v * w.get(k, 0.0) for k, v in feats.items())
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def span_features(body: str, quotes, paragraphs, sentences) -> list[dict[str, float]]:
    """Features of every quote in ``quotes`` (in body order), with their sentences and paragraphs."""
    s_ends = [e for _, e in sentences]
    p_ends = [e for _, e in paragraphs]
    sentence_of = []
    for q in quotes:
        i = bisect.bisect_right(s_ends, q.open)
        sentence_of.append(sentences[i] if i < len(sentences) else (q.open, q.close))
    counts: dict[tuple[int, int], int] = {}
    for s in sentence_of:
        counts[s] = counts.get(s, 0) + 1
    keys = [" ".join(_WORD.findall(q.text.casefold())) for q in quotes]
    seen: dict[str, int] = {}
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
    out = []
    for q, s, key in zip(quotes, sentence_of, keys):
        j = bisect.bisect_right(p_ends, q.open)
        p = paragraphs[j] if j < len(paragraphs) else (q.open, q.close)
        feats = features(body, q, s, p, counts[s])
        if seen[key] > 1:
            feats["quoted_again"] = 1.0  # a title or a name comes back in quotes; a sentence seldom does
        out.append(feats)
    return out


def keep(body: str, quotes, paragraphs, sentences) -> list:
    """The quotes the model takes for quotations."""
    if not quotes:
        return []
    m = model()
    threshold = m["threshold"]
    feats = span_features(body, quotes, list(paragraphs), list(sentences))
    return [q for q, f in zip(quotes, feats) if probability(f, m) >= threshold]
