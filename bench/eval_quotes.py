"""Quote extraction and attribution, measured on PolNeAR news paragraphs.

Usage: python bench/eval_quotes.py [PATH]

PATH defaults to ../shared/eval/quotes/polnear-dev.jsonl beside the project
root. Scoring follows that folder's README: predicted and gold quotes match
one-to-one per paragraph, best overlap first (normalized-token Jaccard >= 0.5,
or one token sequence inside the other when the shorter has >= 3 tokens and at
least a third of the longer's length); speaker accuracy is over matched quotes
whose gold speaker is not null, after folding case, punctuation, leading
titles and trailing Jr/II, equal to the gold or an alias, or sharing its last
word. A plain regular-expression baseline is scored in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.generator import quotes_from_text  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-dev.jsonl"
_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "president", "the", "sen", "senator", "rep",
    "representative", "gov", "governor", "secretary", "general", "gen", "rev", "reverend", "judge",
    "justice", "mayor", "vice", "former", "chairman", "leader", "speaker", "minister", "prime",
}


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"\w+", text)


def _inside(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def overlap(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    sa, sb = set(ta), set(tb)
    jaccard = len(sa & sb) / len(sa | sb)
    if jaccard >= 0.5:
        return jaccard
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) >= 3 and len(short) >= len(long) / 3 and _inside(short, long):
        return max(jaccard, 0.5)
    return 0.0


def match(pred: list[dict], gold: list[dict]) -> list[tuple[dict, dict]]:
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            score = overlap(p["quote"], g["quote"])
            if score > 0:
                pairs.append((score, i, j))
    pairs.sort(key=lambda x: -x[0])
    used_p, used_g, out = set(), set(), []
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((pred[i], gold[j]))
    return out


def norm_name(name: str | None) -> list[str]:
    words = tokens(name or "")
    while words and words[0] in _TITLES:
        words.pop(0)
    while words and words[-1] in {"jr", "ii", "iii", "sr"}:
        words.pop()
    return words


def speaker_right(pred: str | None, gold: dict) -> bool:
    p = norm_name(pred)
    if not p:
        return False
    for name in [gold["speaker"], *gold.get("speaker_aliases", [])]:
        g = norm_name(name)
        if g and (p == g or p[-1] == g[-1]):
            return True
    return False


_REGEX_QUOTE = re.compile(r"[\"“]([^\"“”]+)[\"”]")
_REGEX_NAME = r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+)"
_REGEX_AFTER = re.compile(r"^[\s,]*(?:" + _REGEX_NAME + r"\s+(?:said|says)|(?:said|says)\s+" + _REGEX_NAME + ")")
_REGEX_BEFORE = re.compile(_REGEX_NAME + r"\s+(?:said|says)[^\"“]*$")


def regex_baseline(text: str) -> list[dict]:
    """Quotes between double marks; speaker: the name next to said/says."""
    out = []
    for m in _REGEX_QUOTE.finditer(text):
        speaker = None
        after = _REGEX_AFTER.match(text[m.end():m.end() + 80])
        if after:
            speaker = after.group(1) or after.group(2)
        else:
            before = _REGEX_BEFORE.search(text[max(0, m.start() - 120):m.start()])
            if before:
                speaker = before.group(1)
        out.append({"quote": m.group(1), "speaker": speaker})
    return out


def ours(text: str) -> list[dict]:
    return [{"quote": q["text"], "speaker": q["speaker"]} for q in quotes_from_text(text)]


def evaluate(rows: list[dict], predict, verbose: bool = False) -> dict:
    n_pred = n_gold = n_match = n_spk = n_spk_right = 0
    for row in rows:
        pred = predict(row["text"])
        gold = row["quotes"]
        pairs = match(pred, gold)
        n_pred += len(pred)
        n_gold += len(gold)
        n_match += len(pairs)
        for p, g in pairs:
            if g["speaker"]:
                n_spk += 1
                right = speaker_right(p["speaker"], g)
                n_spk_right += right
                if verbose and not right:
                    print(f"  SPEAKER {row['id']}: {p['speaker']!r} vs gold {g['speaker']!r}  [{g['quote'][:50]!r}]")
        if verbose:
            matched_p = {id(p) for p, _ in pairs}
            matched_g = {id(g) for _, g in pairs}
            for p in pred:
                if id(p) not in matched_p:
                    print(f"  EXTRA {row['id']}: {p['quote'][:60]!r}")
            for g in gold:
                if id(g) not in matched_g:
                    print(f"  MISSED {row['id']}: {g['quote'][:60]!r}")
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "speaker_accuracy": n_spk_right / n_spk if n_spk else 0.0,
        "quotes": n_gold, "predicted": n_pred, "matched": n_match, "with_speaker": n_spk,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT), help="JSONL evaluation file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    path = Path(args.path)
    if not path.is_file():
        print(f"{path}: no such evaluation file", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    print(f"{path.name}: {len(rows)} paragraphs, {sum(len(r['quotes']) for r in rows)} gold quotes")
    results = {}
    for name, predict in (("regex baseline", regex_baseline), ("quizapp.generator", ours)):
        began = time.perf_counter()
        result = results[name] = evaluate(rows, predict, verbose=args.verbose and predict is ours)
        took = time.perf_counter() - began
        print(
            f"{name:18} precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
            f"F1 {result['f1']:.3f}  speaker accuracy {result['speaker_accuracy']:.3f} "
            f"({result['with_speaker']} named)  [{took:.2f}s]"
        )
    ours_, base = results["quizapp.generator"], results["regex baseline"]
    print(
        f"f1={ours_['f1']:.3f} speaker_accuracy={ours_['speaker_accuracy']:.3f} "
        f"baseline_f1={base['f1']:.3f} baseline_speaker_accuracy={base['speaker_accuracy']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
