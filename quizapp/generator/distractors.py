"""Wrong answers that are worth reading.

A distractor is of the same kind as the answer (a person for a person, a
city for a city, a date of the same granularity for a date), taken from the
article first (names the reader has just seen are the plausible ones) and
then from the shipped gazetteer (``data/gazetteer.json``). It is never the
answer or one of its aliases (nor a person sharing the answer's surname),
and no two distractors fold to the same text.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..canonical import normalize_answer
from .lexicon import gazetteer


def _stable_order(names: list[str], seed: str) -> list[str]:
    """Shuffle deterministically, so each question gets its own gazetteer picks."""
    return sorted(names, key=lambda n: hashlib.sha1(f"{seed}|{n}".encode()).hexdigest())


def gazetteer_names(kind: str, subtype: str | None = None) -> list[str]:
    """Names of one kind (``person``/``organization``/``place``) in the gazetteer."""
    key = {"person": "people", "organization": "organizations", "place": "places"}[kind]
    entries = gazetteer()[key]
    if subtype and kind == "place":
        same = [e for e in entries if e.get("type") == subtype]
        if same:
            entries = same
    return [e["name"] for e in entries]


def pick(answer_names: list[str], article_pool: list[str], gazetteer_pool: list[str],
         n: int = 3, seed: str = "", person: bool = False) -> list[str]:
    """Pick ``n`` distractors for an answer known by ``answer_names``.

    :param answer_names: the answer and all its aliases (none is picked).
    :param article_pool: same-kind names from the article, in reading order.
    :param gazetteer_pool: same-kind names from the gazetteer.
    :param seed: varies the gazetteer picks per question, reproducibly.
    :param person: also refuse names sharing the answer's surname.
    """
    banned = {normalize_answer(a) for a in answer_names if a}
    surnames = {normalize_answer(a).split()[-1] for a in answer_names if a and person and normalize_answer(a)}
    chosen: list[str] = []
    seen = set(banned)
    for name in [*article_pool, *_stable_order(gazetteer_pool, seed)]:
        key = normalize_answer(name)
        if not key or key in seen:
            continue
        if person and key.split()[-1] in surnames:
            continue
        if any(key in b.split() or b in key.split() for b in banned if len(b.split()) == 1 or len(key.split()) == 1):
            continue  # "ISW" next to "Institute for the Study of War (ISW)"
        seen.add(key)
        chosen.append(name)
        if len(chosen) == n:
            break
    return chosen


# -- dates ----------------------------------------------------------------

_MONTH_NAMES = "January February March April May June July August September October November December".split()


def format_date(value: str, granularity: str) -> str:
    """Spell a resolved date for a learner: "Monday, 19 December 2022"."""
    if granularity == "day":
        d = dt.date.fromisoformat(value)
        return f"{d.strftime('%A')}, {d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"
    if granularity == "month":
        year, month = value.split("-")
        return f"{_MONTH_NAMES[int(month) - 1]} {year}"
    if granularity == "week":
        year, week = value.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        return f"the week of {monday.day} {_MONTH_NAMES[monday.month - 1]} {monday.year}"
    if granularity == "season":
        year, season = value.split("-")
        return f"{season} {year}"
    return value


def shifted(value: str, granularity: str, step: int) -> str | None:
    """The value ``step`` units away (days, weeks, months, seasons, years)."""
    try:
        if granularity == "day":
            return (dt.date.fromisoformat(value) + dt.timedelta(days=step)).isoformat()
        if granularity == "week":
            year, week = value.split("-W")
            d = dt.date.fromisocalendar(int(year), int(week), 1) + dt.timedelta(weeks=step)
            y, w, _ = d.isocalendar()
            return f"{y}-W{w:02d}"
        if granularity == "month":
            year, month = (int(x) for x in value.split("-"))
            index = year * 12 + month - 1 + step
            return f"{index // 12:04d}-{index % 12 + 1:02d}"
        if granularity == "season":
            seasons = ["winter", "spring", "summer", "fall"]
            year, season = value.split("-")
            index = int(year) * 4 + seasons.index(season) + step
            return f"{index // 4}-{seasons[index % 4]}"
        if granularity == "year":
            return str(int(value) + step)
    except ValueError:
        return None
    return None


def date_choices(value: str, granularity: str, article_values: list[str], n: int = 3) -> list[str]:
    """Distractor values for a date: the article's other dates, then near misses."""
    out: list[str] = []
    for other in article_values:
        if other != value and other not in out:
            out.append(other)
        if len(out) == n:
            return out
    for step in (-1, 1, -2, 2, -7, 7, -3, 3):
        if granularity == "day" and abs(step) == 7:
            pass
        other = shifted(value, granularity, step)
        if other and other != value and other not in out:
            out.append(other)
        if len(out) == n:
            break
    return out
