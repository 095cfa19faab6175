"""Small display helpers shared by templates (escaping stays Jinja's job)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from quizapp.services.progress import FACT_KIND_LABELS


def highlight(sentence: str, phrase: str | None) -> Markup:
    """Escape ``sentence`` and wrap the first case-insensitive ``phrase`` in <mark>."""
    if not sentence:
        return Markup("")
    if phrase:
        match = re.search(re.escape(phrase.strip(" .…")), sentence, re.I)
        if match:
            return (
                escape(sentence[: match.start()])
                + Markup("<mark>")
                + escape(match.group(0))
                + Markup("</mark>")
                + escape(sentence[match.end():])
            )
    return escape(sentence)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def fact_kind_label(kind: str | None) -> str:
    return FACT_KIND_LABELS.get(kind or "", kind or "Other")


def fact_phrase(fact: dict | None) -> str | None:
    """The words of the source sentence that state the fact."""
    if not fact:
        return None
    for key in ("text", "name", "speaker"):
        if fact.get(key):
            return str(fact[key])
    return None


def describe_response(question: dict, response) -> list[str]:
    """A learner's response as lines of readable text."""
    qtype = question["type"]
    if response is None:
        return []
    if qtype == "multiple_choice":
        return [question["choices"][response]["text"]]
    if qtype == "multiple_response":
        return [question["choices"][i]["text"] for i in response]
    if qtype == "true_false":
        return ["True" if response else "False"]
    if qtype == "numerical":
        return [f"{response:g}"]
    if qtype == "matching":
        prompted = [p for p in question["pairs"] if p.get("prompt")]
        return [f"{p['prompt']} → {m}" for p, m in zip(prompted, response)]
    if qtype == "ordering":
        return [f"{n}. {item}" for n, item in enumerate(response, 1)]
    return [str(response)]
