"""Saved web pages: how much of the text the app keeps is the article, and how much of the article it keeps.

Usage: python bench/extraction.py [DIR]

DIR defaults to tests/data/pages: pages written for the project in the shapes
real news sites use, each with a .json holding the article's paragraphs.
Precision is the share of the words kept (after the article reader's own
cleaning) that are the article's; recall the share of the article's words
kept; both over word multisets, per page and averaged. Baseline, same run:
every visible word of the page (what a reader that drops only scripts and
styles keeps).
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import html as lxml_html  # noqa: E402

from quizapp.generator import parse_article  # noqa: E402
from quizapp.services.article_files import read_upload  # noqa: E402


def words(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"\w+", text.casefold()))


def score(kept: str, article: str) -> tuple[float, float]:
    got, want = words(kept), words(article)
    right = sum((got & want).values())
    return right / max(1, sum(got.values())), right / max(1, sum(want.values()))


def visible_text(page: str) -> str:
    tree = lxml_html.fromstring(page)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    return tree.text_content()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "tests" / "data" / "pages"))
    args = parser.parse_args(argv)
    pages = sorted(Path(args.path).glob("*.html"))
    if not pages:
        print(f"{args.path}: no .html pages", file=sys.stderr)
        return 1
    ours, base = [], []
    began = time.perf_counter()
    for page in pages:
        article = " ".join(json.loads(page.with_suffix(".json").read_text("utf-8"))["paragraphs"])
        body = parse_article(read_upload(page.name, page.read_bytes())).body
        ours.append(score(body, article))
        base.append(score(visible_text(page.read_text("utf-8")), article))
        print(f"{page.stem:32} precision {ours[-1][0]:.2f}  recall {ours[-1][1]:.2f}   "
              f"(baseline {base[-1][0]:.2f} / {base[-1][1]:.2f})")
    took = (time.perf_counter() - began) / len(pages)
    mean = [sum(x) / len(x) for x in zip(*ours)]
    mean_base = [sum(x) / len(x) for x in zip(*base)]
    print(f"{len(pages)} pages, {took * 1000:.0f} ms per page (both readers)")
    print(f"precision={mean[0]:.3f} recall={mean[1]:.3f} "
          f"baseline_precision={mean_base[0]:.3f} baseline_recall={mean_base[1]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
