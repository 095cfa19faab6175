"""Learn the quote filter's weights (quizapp/generator/quote_filter.py) from annotated news.

Usage: python bench/train_quote_filter.py [TRAIN.jsonl] [--check DEV.jsonl] [--write]

TRAIN defaults to ../shared/eval/quotes/polnear-train-articles.jsonl beside the
project root: {"id", "text", "quotes": [{"quote", "speaker"}]} per line. Every
quoted span the attribution rules find is labelled a quotation when it matches a
gold quote (bench/eval_quotes.py's matching); a logistic regression
(scikit-learn, L2, C chosen by 5-fold cross-validation on the articles) learns
from the spans' features, and the threshold is the one that maximizes quote F1
on the training articles. ``--check`` prints the same figures on another file
with the learned weights; ``--write`` stores them in
quizapp/generator/data/quote_filter.json. Needs ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_quotes import match  # noqa: E402

from quizapp.generator import quote_filter  # noqa: E402
from quizapp.generator.article import plain_article  # noqa: E402
from quizapp.generator.entities import extract_entities  # noqa: E402
from quizapp.generator.quotes import quoted_spans  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-train-articles.jsonl"
OUT = ROOT / "quizapp" / "generator" / "data" / "quote_filter.json"


def spans_of(row: dict) -> tuple[list[dict[str, float]], list[int], int]:
    """Features and labels of every quoted span of one document, and its gold count."""
    article = plain_article(row["text"], slug=str(row.get("id") or ""))
    sentences = article.sentences()
    index = extract_entities(article.body, article.paragraphs, set())
    found = quoted_spans(article.body, article.paragraphs, index, sentences)
    feats = quote_filter.span_features(article.body, found, list(article.paragraphs), sentences)
    pred = [{"quote": q.text, "i": i} for i, q in enumerate(found)]
    matched = {p["i"] for p, _ in match(pred, row["quotes"])}
    return feats, [int(i in matched) for i in range(len(found))], len(row["quotes"])


def load(path: Path) -> list[tuple[list, list, int]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [spans_of(row) for row in rows]


def f1_at(probs, labels, n_gold: int, threshold: float) -> tuple[float, float, float]:
    kept = [y for p, y in zip(probs, labels) if p >= threshold]
    tp = sum(kept)
    precision = tp / len(kept) if kept else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def flatten(docs):
    X, y, groups = [], [], []
    for n, (feats, labels, _) in enumerate(docs):
        X.extend(feats)
        y.extend(labels)
        groups.extend([n] * len(labels))
    return X, y, groups, sum(d[2] for d in docs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", nargs="?", default=str(DEFAULT))
    parser.add_argument("--check", help="another annotated file to report on")
    parser.add_argument("--write", action="store_true", help="store the weights in the package")
    args = parser.parse_args(argv)
    try:
        import sklearn
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold, cross_val_predict
    except ImportError:
        print("scikit-learn is needed: pip install -e '.[bench]'", file=sys.stderr)
        return 1
    began = time.perf_counter()
    docs = load(Path(args.train))
    X, y, groups, n_gold = flatten(docs)
    print(f"{Path(args.train).name}: {len(docs)} documents, {n_gold} gold quotes, {len(y)} quoted spans, "
          f"{len(y) - sum(y)} not quotations [{time.perf_counter() - began:.0f}s]")
    vec = DictVectorizer(sparse=False)
    matrix = vec.fit_transform(X)
    best = None
    for c in (0.3, 1.0, 3.0, 10.0):
        probs = cross_val_predict(LogisticRegression(C=c, max_iter=3000), matrix, y, groups=groups,
                                  cv=GroupKFold(5), method="predict_proba")[:, 1]
        f1, t = max((f1_at(probs, y, n_gold, t)[2], t) for t in [i / 100 for i in range(5, 80)])
        p, r, _ = f1_at(probs, y, n_gold, t)
        print(f"  C={c}: cross-validated P {p:.4f} R {r:.4f} F1 {f1:.4f} at threshold {t:.2f}")
        if best is None or f1 > best[0]:
            best = (f1, c, t)
    # C and the threshold are the cross-validated best: chosen on articles the model had not seen
    _, c, threshold = best
    clf = LogisticRegression(C=c, max_iter=3000).fit(matrix, y)
    probs = clf.predict_proba(matrix)[:, 1]
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])}
    stored = {
        "about": "Logistic regression over quote_filter.features; learned by bench/train_quote_filter.py",
        "trained_on": f"{Path(args.train).name}: {len(docs)} documents, {len(y)} quoted spans",
        "scikit_learn": sklearn.__version__,
        "C": c,
        "bias": round(float(clf.intercept_[0]), 4),
        "threshold": threshold,
        "weights": dict(sorted(weights.items(), key=lambda kv: -abs(kv[1]))),
    }
    all_p, all_r, _ = f1_at([1.0] * len(y), y, n_gold, 0.5)
    p, r, f = f1_at(probs, y, n_gold, threshold)
    print(f"train   without filter P {all_p:.4f} R {all_r:.4f}  with filter (in sample) P {p:.4f} R {r:.4f} F1 {f:.4f} "
          f"(C={c}, threshold {threshold:.2f})")
    if args.check:
        check = load(Path(args.check))
        Xc, yc, _, n_gold_c = flatten(check)
        probs_c = [quote_filter.probability(x, stored) for x in Xc]
        cp, cr, _ = f1_at([1.0] * len(yc), yc, n_gold_c, 0.5)
        p, r, f = f1_at(probs_c, yc, n_gold_c, threshold)
        print(f"check   without filter P {cp:.4f} R {cr:.4f}  with filter P {p:.4f} R {r:.4f} F1 {f:.4f}")
    for name, w in list(stored["weights"].items())[:12]:
        print(f"  {w:+.3f}  {name}")
    if args.write:
        OUT.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
