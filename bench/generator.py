"""Generator throughput: extract + generate over news paragraphs, one process.

Usage: python bench/generator.py [PATH] [--repeat N]

Each paragraph of PATH (default ../shared/eval/quotes/polnear-dev.jsonl
beside the project root; JSON lines with a "text" field) is treated as a
small article: facts are extracted and draft questions generated from them.
Prints paragraphs per second and words per second on one core. The target
is at least 500 paragraphs per second. It also times one article of 1,000
words (consecutive paragraphs joined) from text to drafts: the target is under
1 s on one core, spaCy's entity model included. As a baseline measured in the same run
(so a busy machine does not fool the comparison), the plain regular-expression
quote finder of bench/eval_quotes.py passes over the same paragraphs; the last
line is ``paragraphs_per_s=... words_per_s=... baseline_paragraphs_per_s=...
ratio=<ours / baseline> ms_per_1000_words=... baseline_ms_per_1000_words=...``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent))  # bench/eval_quotes.py: the baseline

from quizapp.generator import extract, generate_questions, plain_article  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-dev.jsonl"


def _thousand_words(texts: list[str]) -> tuple[str, int]:
    """Consecutive paragraphs joined into one article of at least 1,000 words."""
    chosen: list[str] = []
    count = 0
    for text in texts:
        chosen.append(text)
        count += len(text.split())
        if count >= 1000:
            break
    return "\n\n".join(chosen), max(count, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT), help="JSONL file of paragraphs")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the file (best is reported)")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    texts = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    words = sum(len(t.split()) for t in texts)
    best = float("inf")
    questions = facts = 0
    for _ in range(max(args.repeat, 1)):
        began = time.perf_counter()
        questions = facts = 0
        for n, text in enumerate(texts):
            article = plain_article(text, slug=f"p{n}", published="2016-09-30")
            found = extract(article)
            facts += len(found.to_list())
            questions += len(generate_questions(article, found))
        best = min(best, time.perf_counter() - began)
    print(f"{path.name}: {len(texts)} paragraphs, {words} words -> {facts} facts, {questions} questions")
    print(f"extract + generate: {len(texts) / best:,.0f} paragraphs/s, {words / best:,.0f} words/s "
          f"({best * 1000:.0f} ms per pass, best of {args.repeat})")
    from eval_quotes import regex_baseline

    baseline = float("inf")
    for _ in range(max(args.repeat, 1)):
        began = time.perf_counter()
        for text in texts:
            regex_baseline(text)
        baseline = min(baseline, time.perf_counter() - began)
    print(f"regex quote baseline (bench/eval_quotes.py), same run: {len(texts) / baseline:,.0f} paragraphs/s")
    article, article_words = _thousand_words(texts)
    one = one_base = float("inf")
    for _ in range(max(args.repeat, 1)):
        began = time.perf_counter()
        parsed = plain_article(article, slug="thousand", published="2016-09-30")
        generate_questions(parsed, extract(parsed))
        one = min(one, time.perf_counter() - began)
        began = time.perf_counter()
        regex_baseline(article)
        one_base = min(one_base, time.perf_counter() - began)
    per_thousand = one * 1000 / article_words * 1000
    base_thousand = one_base * 1000 / article_words * 1000
    print(f"one article of {article_words} words, text to drafts: {per_thousand:,.0f} ms per 1,000 words "
          f"(target < 1,000 ms; regex baseline, same run: {base_thousand:,.1f} ms)")
    print(f"paragraphs_per_s={len(texts) / best:.0f} words_per_s={words / best:.0f} "
          f"baseline_paragraphs_per_s={len(texts) / baseline:.0f} ratio={baseline / best:.3f} "
          f"ms_per_1000_words={per_thousand:.0f} baseline_ms_per_1000_words={base_thousand:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
