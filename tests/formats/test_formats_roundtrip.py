"""Round trips canonical -> format -> canonical, for everything each format carries.

Every format must give back the questions it was given, up to the fields it
documents it cannot carry (and then it must say so in its warnings).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quizapp.canonical import TEXT_FORMATS, normalize_answer, validate
from quizapp.formats import csv_bank, gift, json_bank, moodle_xml, ordered, yaml_bank
from quizapp.formats._base import by_category, moodle_name, moodle_percent

SETTINGS = settings(
    max_examples=35,
    deadline=timedelta(milliseconds=1500),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Text with every character the formats treat specially, stripped and non-empty
# (GIFT and Moodle XML trim text, as Moodle does).
SPECIAL = list("~=#{}:\\[]%_-><&'\"+@/$*;.\n ") + ["->", "_____", "[html]", "####", "]]>", "//", "\\n"]
text = (
    st.lists(
        st.sampled_from(SPECIAL) | st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=6),
        min_size=1,
        max_size=6,
    )
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)
word = st.from_regex(r"[A-Za-z][A-Za-z0-9 _-]{0,10}[A-Za-z0-9]", fullmatch=True)
slug = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,24}", fullmatch=True)
weight = st.floats(min_value=-1, max_value=1, allow_nan=False) | st.sampled_from([0.0, 0.5, -0.5, 1 / 3, -1.0, 0.25])
number = st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False, width=64)
optional = lambda strategy: st.none() | strategy  # noqa: E731


def unique_texts(min_size: int, max_size: int):
    return st.lists(text, min_size=min_size, max_size=max_size, unique_by=lambda t: normalize_answer(t) or t)


@st.composite
def choices(draw, qtype: str) -> list[dict]:
    texts = draw(unique_texts(2, 5))
    out = [{"text": t, "weight": draw(weight), "feedback": draw(optional(text))} for t in texts]
    out[draw(st.integers(0, len(out) - 1))]["weight"] = 1.0
    return out


@st.composite
def question(draw, qtype: str, *, gift_safe: bool = False) -> dict:
    q: dict = {
        "id": "x",
        "type": qtype,
        "title": draw(optional(text)),
        "stem": draw(text),
        "stem_format": draw(st.sampled_from(TEXT_FORMATS)),
    }
    if qtype in ("multiple_choice", "multiple_response"):
        q["choices"] = draw(choices(qtype))
    elif qtype == "true_false":
        q.update(answer=draw(st.booleans()), feedback_true=draw(optional(text)), feedback_false=draw(optional(text)))
    elif qtype == "short_answer":
        texts = draw(unique_texts(1, 4).filter(lambda ts: not gift_safe or not any("->" in t for t in ts)))
        feedback = optional(text.filter(lambda t: not gift_safe or "->" not in t))
        q["accepted"] = [{"text": t, "weight": draw(weight), "feedback": draw(feedback)} for t in texts]
        q["accepted"][0]["weight"] = 1.0
    elif qtype == "numerical":
        entries = [
            {
                "value": draw(number),
                "tolerance": abs(draw(number)),
                "weight": draw(weight),
                "feedback": draw(optional(text)),
            }
            for _ in range(draw(st.integers(1, 3)))
        ]
        entries[0]["weight"] = 1.0
        if draw(st.booleans()):
            entries.append({"value": None, "weight": 0.0 if gift_safe else draw(weight), "feedback": draw(optional(text))})
        q["numeric"] = entries
    elif qtype == "matching":
        prompts = draw(unique_texts(2, 4).filter(lambda ts: not gift_safe or not any("->" in t for t in ts)))
        q["pairs"] = [{"prompt": p, "match": draw(text)} for p in prompts]
        if draw(st.booleans()):
            q["pairs"].insert(draw(st.integers(0, len(prompts))), {"prompt": None, "match": draw(text)})
    elif qtype == "ordering":
        q["items"] = draw(unique_texts(2, 5))
    if not (gift_safe and qtype == "description"):
        q["general_feedback"] = draw(optional(text))
    q["tags"] = draw(st.lists(word, max_size=3, unique=True))
    return q


@st.composite
def bank(draw, types, *, gift_safe=False, extras=False) -> list[dict]:
    questions = draw(st.lists(st.sampled_from(types).flatmap(lambda t: question(t, gift_safe=gift_safe)), min_size=1, max_size=4))
    ids = draw(st.lists(slug, min_size=len(questions), max_size=len(questions), unique=True))
    categorized = draw(st.booleans())
    for q, qid in zip(questions, ids):
        q["id"] = qid
        if categorized:
            q["category"] = draw(st.sampled_from(["Default", "$course$/top/News", "Who said what"]))
        if extras:
            q["fact"] = draw(
                st.fixed_dictionaries(
                    {"kind": st.sampled_from(["quote", "person", "date"])},
                    optional={"speaker": text, "value": optional(text), "start": st.integers(0, 999)},
                )
            )
            start = draw(st.integers(0, 500))
            q["source"] = {"article": "seeds/a.txt", "sentence": draw(text), "start": start, "end": start + draw(st.integers(0, 99))}
            q["status"] = draw(st.sampled_from(["draft", "published", "retired"]))
    for q in questions:
        assume(validate(q) == [])
    return questions


ALL_TYPES = ["multiple_choice", "multiple_response", "true_false", "short_answer", "numerical", "matching", "ordering", "essay", "description"]
GIFT_TYPES = [t for t in ALL_TYPES if t != "ordering"]


def moodle_weights(questions: list[dict]) -> list[dict]:
    """The questions with every weight a grade Moodle accepts (issue 15: GIFT and Moodle XML
    write only those, snapping others with a warning, tested in test_formats_moodle_grades.py);
    a title equal to the name Moodle makes from the text reads back as no title; the order is
    the one both write (by_category)."""
    out = []
    for q in questions:
        q = {**q}
        for key in ("choices", "accepted", "numeric"):
            if key in q:
                q[key] = [{**item, **({"weight": moodle_percent_value(item["weight"])} if "weight" in item else {})}
                          for item in q[key]]
        if q.get("title") and q["title"] == moodle_name(q.get("stem") or ""):
            del q["title"]
        out.append(q)
    return by_category(out)  # written uncategorized first, then category by category


def moodle_percent_value(weight: float) -> float:
    _, nearest = moodle_percent(weight)
    return weight if nearest is None else nearest


def carried(questions: list[dict], drop=()) -> list[dict]:
    """The questions as a reader gives them back: None values and defaults out."""
    out = []
    for q in questions:
        q = {k: v for k, v in ordered(q).items() if k not in drop}
        if q.get("tags") == []:
            del q["tags"]
        if q.get("status") == "draft":
            del q["status"]
        out.append(q)
    return out


@SETTINGS
@given(bank(ALL_TYPES, extras=True))
def test_yaml_round_trip(questions):
    text, lost = yaml_bank.serialize_with_warnings(questions)
    assert lost == []
    assert carried(yaml_bank.parse(text)) == carried(questions)


@SETTINGS
@given(bank(ALL_TYPES, extras=True))
def test_json_round_trip(questions):
    text, lost = json_bank.serialize_with_warnings(questions)
    assert lost == []
    assert carried(json_bank.parse(text)) == carried(questions)


@SETTINGS
@given(bank(ALL_TYPES, extras=True))
def test_csv_round_trip(questions):
    text, lost = csv_bank.serialize_with_warnings(questions)
    assert lost == []
    assert carried(csv_bank.parse(text)) == carried(questions)


@SETTINGS
@given(bank(GIFT_TYPES, gift_safe=True))
def test_gift_round_trip(questions):
    questions = moodle_weights(questions)
    text, lost = gift.serialize_with_warnings(questions)
    assert lost == []
    assert carried(gift.parse(text)) == carried(questions)


@SETTINGS
@given(bank(ALL_TYPES))
def test_moodle_xml_round_trip(questions):
    questions = moodle_weights(questions)
    text, lost = moodle_xml.serialize_with_warnings(questions)
    assert lost == []
    assert carried(moodle_xml.parse(text)) == carried(questions)


@SETTINGS
@given(bank(ALL_TYPES, extras=True))
def test_lossy_formats_warn_about_every_field_they_drop(questions):
    questions = moodle_weights(questions)
    for module, drop in ((gift, ("fact", "source", "status")), (moodle_xml, ("fact", "source", "status"))):
        text, lost = module.serialize_with_warnings(questions)
        kept = [q for q in questions if not (module is gift and q["type"] == "ordering")]
        for q in questions:
            if module is gift and q["type"] == "ordering":
                assert f"{q['id']}: GIFT has no ordering questions; question left out" in lost
                continue
            for key in drop:
                if q.get(key) and not (key == "status" and q[key] == "draft"):
                    assert any(w.startswith(f"{q['id']}: ") and key in w for w in lost)
        if module is gift:
            # GIFT-unsafe text ('->' in a prompt or short answer) is warned
            # about too; otherwise the questions come back.
            if kept and not any("'->'" in w for w in lost):
                assert [q["id"] for q in module.parse(text)] == [q["id"] for q in kept]
        else:
            assert carried(module.parse(text)) == carried(kept, drop=drop)
