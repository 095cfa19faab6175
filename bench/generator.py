"""Generator throughput: extract + generate over news paragraphs, one process.

Usage: python bench/generator.py [PATH] [--repeat N]

Each paragraph of PATH (default ../shared/eval/quotes/polnear-dev.jsonl
beside the project root; JSON lines with a "text" field) is treated as a
small article: facts are extracted and draft questions generated from them.
Prints paragraphs per second and words per second on one core. The target
is at least 500 paragraphs per second. As a baseline measured in the same run
(so a busy machine does not fool the comparison), the plain regular-expression
quote finder of bench/eval_quotes.py passes over the same paragraphs; the last
line is ``paragraphs_per_s=... words_per_s=... baseline_paragraphs_per_s=...
ratio=<ours / baseline>``.
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
    print(f"paragraphs_per_s={len(texts) / best:.0f} words_per_s={words / best:.0f} "
          f"baseline_paragraphs_per_s={len(texts) / baseline:.0f} ratio={baseline / best:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
