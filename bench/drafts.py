"""Draft quality: the automatic checks that stand for the teacher's rubric.

Usage: python bench/drafts.py [DIR] [--bank]

Every ``NN.txt`` of DIR (default ``../shared/eval/articles-dev`` beside the
project root; a ``NN.json`` beside it may give ``published``) becomes draft
questions with the generator's default settings, and these figures are
printed for them:

- ``distractors_in_article``: share of multiple-choice distractors for a
  name (person, organization, place) that occur in the article, or in the
  bank when ``--bank`` passes as the pool the entities of the other articles
  that share a person or an organization with it (as the app does);
  dates are left out (their distractors are near dates by design);
- ``drafts_per_fact``: drafts over distinct facts asked (a fact is a quote,
  an entity, a date, or a matching/ordering set);
- ``longest_stem``: characters of the longest stem, and ``stems_over_250``;
- ``date_answer_in_stem``: share of date drafts whose stem already states the
  answer (its day and month, or month and year, or year);
- ``provenance_exact``: share of drafts whose ``source.sentence`` is the
  article's text at ``source.start:end``;
- ``drafts_per_article``.

The baseline, computed in the same run over the same facts, is every form the
generator can write (``all_forms=True``): what a teacher got before drafts were
reduced to one per fact. The last line is ``key=value`` pairs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.canonical import normalize_answer  # noqa: E402
from quizapp.generator import extract, generate_questions, read_article  # noqa: E402
from quizapp.generator.distractors import shares_subject  # noqa: E402

DEFAULT = Path("..") / "shared" / "eval" / "articles-dev"
_MONTHS = "january february march april may june july august september october november december".split()


def fact_key(question: dict) -> str:
    """The fact a draft asks about, independent of the generator's own tags."""
    fact = question.get("fact") or {}
    kind = fact.get("kind", "")
    if "quotes" in fact or "events" in fact:
        return f"{kind}:set:{question['type']}"
    if kind == "quote":
        return f"quote:{fact.get('speaker')}:{normalize_answer(fact.get('text', ''))[:60]}"
    if kind == "date":
        return f"date:{fact.get('value')}:{fact.get('start')}"
    return f"{kind}:{normalize_answer(fact.get('name', ''))}"


def _answers(question: dict) -> list[str]:
    if question["type"] == "multiple_choice":
        return [c["text"] for c in question["choices"] if c["weight"] > 0]
    return [a["text"] for a in question.get("accepted", [])]


def date_answer_in_stem(question: dict) -> bool:
    """Whether a date draft's stem states its own answer."""
    fact = question.get("fact") or {}
    value, granularity = fact.get("value"), fact.get("granularity")
    if not value:
        return False
    stem = question["stem"].casefold()
    words = set(re.findall(r"[a-z]+|\d+", stem))
    abbreviations = {m[:3] for m in _MONTHS} | {"sept"}
    try:
        if granularity == "day":
            year, month, day = (int(x) for x in value.split("-"))
            name = _MONTHS[month - 1]
            return str(day) in words and (name in words or name[:3] in words & abbreviations)
        if granularity == "month":
            year, month = (int(x) for x in value.split("-"))
            name = _MONTHS[month - 1]
            return str(year) in words and (name in words or name[:3] in words & abbreviations)
        if granularity == "year":
            return value in words
        if granularity == "season":
            year, season = value.split("-")
            return year in words and season in words
    except ValueError:
        return False
    return False


def _load(directory: Path):
    for path in sorted(directory.glob("*.txt")):
        meta = path.with_suffix(".json")
        published = None
        if meta.is_file():
            published = json.loads(meta.read_text("utf-8")).get("published")
        yield path, read_article(path, published=published)


def measure(runs: list[tuple[object, object, list[dict]]], bank: dict[str, set[str]] | None) -> dict:
    """The rubric figures for one setting: runs are (article, facts, drafts)."""
    drafts = facts_asked = in_text = distractors = dates = date_giveaway = exact = over = 0
    longest = 0
    for article, _facts, questions in runs:
        body = normalize_answer(article.body)
        pool = bank.get(article.slug, set()) if bank else set()
        drafts += len(questions)
        facts_asked += len({fact_key(q) for q in questions})
        for q in questions:
            longest = max(longest, len(q["stem"]))
            over += len(q["stem"]) > 250
            src = q.get("source") or {}
            exact += article.body[src.get("start", 0):src.get("end", 0)] == src.get("sentence")
            kind = (q.get("fact") or {}).get("kind")
            if kind == "date" and "events" not in q["fact"]:
                dates += 1
                date_giveaway += date_answer_in_stem(q)
            if q["type"] == "multiple_choice" and kind != "date":
                for choice in q["choices"]:
                    if choice["weight"] > 0:
                        continue
                    distractors += 1
                    key = normalize_answer(choice["text"])
                    in_text += bool(key) and (f" {key} " in f" {body} " or key in pool)
    n = max(len(runs), 1)
    return {
        "distractors_in_article": in_text / distractors if distractors else 1.0,
        "distractors": distractors,
        "drafts_per_fact": drafts / facts_asked if facts_asked else 0.0,
        "longest_stem": longest,
        "stems_over_250": over,
        "date_answer_in_stem": date_giveaway / dates if dates else 0.0,
        "date_drafts": dates,
        "provenance_exact": exact / drafts if drafts else 1.0,
        "drafts_per_article": drafts / n,
        "drafts": drafts,
    }


def _bank_pools(articles, all_facts) -> dict[str, set[str]]:
    """For each article, the folded entity names of the other articles."""
    names = {a.slug: {normalize_answer(e.name) for e in f.entities.entities if e.mentions}
             for a, f in zip(articles, all_facts)}
    return {slug: set().union(*(v for k, v in names.items() if k != slug)) for slug in names}


def _bank_entities(articles, all_facts) -> dict[str, list]:
    """For each article, the entities of the other articles that share a person or an
    organization with it (the app's rule, quizapp.services.drafts.bank_pool)."""
    facts = {a.slug: [e.to_fact() for e in f.entities.entities if e.mentions] for a, f in zip(articles, all_facts)}
    return {a.slug: [e for b in articles if b.slug != a.slug
                     if shares_subject(a.body, facts[b.slug])
                     for e in facts[b.slug]] for a in articles}


def _generate(article, facts, all_forms: bool, pool=None) -> list[dict]:
    kwargs = {"all_forms": True} if all_forms else {}
    if pool is not None:
        kwargs["pool"] = pool
    try:
        return generate_questions(article, facts, **kwargs)
    except TypeError:  # a generator without these options: every form, no pool
        return generate_questions(article, facts)


def _print(label: str, figures: dict) -> None:
    print(f"{label}: {figures['drafts']} drafts ({figures['drafts_per_article']:.1f} per article, "
          f"{figures['drafts_per_fact']:.2f} per fact); distractors in article"
          f"{' or bank' if figures.get('bank') else ''} {figures['distractors_in_article']:.1%} "
          f"of {figures['distractors']}; longest stem {figures['longest_stem']} chars "
          f"({figures['stems_over_250']} over 250); date stems holding their answer "
          f"{figures['date_answer_in_stem']:.1%} of {figures['date_drafts']}; "
          f"exact provenance {figures['provenance_exact']:.1%}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / DEFAULT), help="directory of NN.txt articles")
    parser.add_argument("--bank", action="store_true",
                        help="pass the other articles' entities as the bank pool")
    args = parser.parse_args(argv)
    directory = Path(args.path)
    if not directory.is_dir():
        print(f"{directory}: no such directory", file=sys.stderr)
        return 1
    loaded = list(_load(directory))
    if not loaded:
        print(f"{directory}: no .txt articles", file=sys.stderr)
        return 1
    articles = [a for _, a in loaded]
    all_facts = [extract(a) for a in articles]
    pools = _bank_entities(articles, all_facts) if args.bank else {}
    bank = _bank_pools(articles, all_facts) if args.bank else None
    ours = [(a, f, _generate(a, f, False, pools.get(a.slug))) for a, f in zip(articles, all_facts)]
    base = [(a, f, _generate(a, f, True, pools.get(a.slug))) for a, f in zip(articles, all_facts)]
    mine, theirs = measure(ours, bank), measure(base, bank)
    mine["bank"] = theirs["bank"] = args.bank
    print(f"{directory.name}: {len(articles)} articles")
    _print("default drafts", mine)
    _print("baseline (all forms, same run)", theirs)
    print(" ".join([
        f"distractors_in_article={mine['distractors_in_article']:.3f}",
        f"drafts_per_fact={mine['drafts_per_fact']:.2f}",
        f"longest_stem={mine['longest_stem']}",
        f"date_answer_in_stem={mine['date_answer_in_stem']:.3f}",
        f"provenance_exact={mine['provenance_exact']:.3f}",
        f"drafts_per_article={mine['drafts_per_article']:.1f}",
        f"baseline_distractors_in_article={theirs['distractors_in_article']:.3f}",
        f"baseline_drafts_per_fact={theirs['drafts_per_fact']:.2f}",
        f"baseline_longest_stem={theirs['longest_stem']}",
        f"baseline_date_answer_in_stem={theirs['date_answer_in_stem']:.3f}",
        f"baseline_drafts_per_article={theirs['drafts_per_article']:.1f}",
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
