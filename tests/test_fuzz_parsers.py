"""Hostile files: every bank parser and the article cleaner, fuzzed.

For any input, a parser returns or raises its documented error (FormatError
for bank formats, ArticleError for articles): never another exception,
never more than a bounded time or memory. Inputs are random text and random
mutations of real files (the seed bank in each format, the seed article),
plus hand-made bombs: XML entity expansion and external entities, YAML
alias expansion, deep nesting.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp import formats
from quizapp.formats import FormatError
from quizapp.generator.article import ArticleError, parse_article

ROOT = Path(__file__).resolve().parents[1]
SEED_BANK = ROOT / "question_bank" / "belarus-trainers.yaml"
SEED_ARTICLE = next((ROOT / "seeds").glob("*.txt"))

#: every example must finish within this (seconds), and allocate at most this (bytes)
DEADLINE_S = 2.0
MEMORY_BYTES = 64 * 1024 * 1024

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PARSERS = sorted(name for name, module in formats.FORMATS.items() if hasattr(module, "parse"))


def _serialized(fmt: str) -> str:
    questions = formats.parse(SEED_BANK.read_text(encoding="utf-8"), "yaml", str(SEED_BANK))[:8]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what a format cannot carry is irrelevant here
        return formats.serialize(questions, fmt)


SAMPLES = {fmt: _serialized(fmt) for fmt in PARSERS}


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` with a few random cuts, duplications and insertions."""
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start, min(len(text), start + 200)))
        action = draw(st.sampled_from(["cut", "dup", "insert", "replace"]))
        if action == "cut":
            text = text[:start] + text[end:]
        elif action == "dup":
            text = text[:end] + text[start:end] * draw(st.integers(1, 5)) + text[end:]
        else:
            noise = draw(st.text(alphabet=st.sampled_from(list("{}[]<>&;:=~#%\"'\\,\n\t -_*!0123456789a")) | st.characters(),
                                 max_size=40))
            text = text[:start] + noise + (text[start:] if action == "insert" else text[end:])
    return text


def run_bounded(function, *args, expected: type[Exception]):
    """Call ``function``; only ``expected`` may escape; its CPU time and memory are bounded.

    CPU time, not wall time: a machine busy with other work (CI runs two
    test passes at once) must not fail a parser that is linear.
    """
    tracemalloc.start()
    started = time.process_time()
    try:
        function(*args)
    except expected:
        pass
    finally:
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < DEADLINE_S, f"took {elapsed:.2f} s"
    assert peak < MEMORY_BYTES, f"allocated {peak / 1e6:.0f} MB"


@pytest.mark.parametrize("fmt", PARSERS)
def test_seed_sample_parses(fmt):
    """The mutation base is a valid file in each format (so mutations are near-valid)."""
    assert formats.parse(SAMPLES[fmt], fmt)


@pytest.mark.parametrize("fmt", PARSERS)
@FUZZ
@given(data=st.data())
def test_bank_parsers_raise_only_format_error(fmt, data):
    text = data.draw(st.one_of(st.text(max_size=400), mutated(SAMPLES[fmt])))
    run_bounded(formats.parse, text, fmt, expected=FormatError)


@FUZZ
@given(text=st.one_of(st.text(max_size=400), mutated(SEED_ARTICLE.read_text(encoding="utf-8"))))
def test_article_cleaner_raises_only_article_error(text):
    run_bounded(parse_article, text, expected=ArticleError)


# --- hand-made bombs ---------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="shortanswer"><name><text>&lol9;</text></name>
<questiontext><text>&lol9;</text></questiontext><answer fraction="100"><text>a</text></answer></question></quiz>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="shortanswer"><name><text>x</text></name>
<questiontext><text>&secret;</text></questiontext><answer fraction="100"><text>a</text></answer></question></quiz>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<quiz/>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://127.0.0.1:9/quiz.dtd">
<quiz/>
"""

YAML_ALIAS_BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
questions:
- id: bomb
  type: short_answer
  stem: *i
  accepted: [{text: *i, weight: 1.0}]
"""

YAML_ALIAS_LIST_BOMB = YAML_ALIAS_BOMB.split("questions:")[0] + "questions: *i\n"


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"])
def test_xml_refuses_entities_and_dtds(text):
    with pytest.raises(FormatError) as error:
        run_bounded(formats.parse, text, "xml", expected=())
    # refused as unsafe (not merely failing later because of what an entity expanded to)
    assert "DOCTYPE and entity declarations are not allowed" in str(error.value)
    assert "root:" not in str(error.value)  # nothing of /etc/passwd ever reaches a message


@pytest.mark.parametrize("text", [YAML_ALIAS_BOMB, YAML_ALIAS_LIST_BOMB], ids=["stem", "list"])
def test_yaml_alias_expansion_is_bounded(text):
    run_bounded(formats.parse, text, "yaml", expected=FormatError)


@pytest.mark.parametrize("fmt,text", [
    ("json", "[" * 100_000 + "]" * 100_000),
    ("json", '{"questions": ' + "[" * 50_000 + "]" * 50_000 + "}"),
    ("yaml", "- " * 20_000 + "x"),
    ("yaml", "[" * 20_000 + "]" * 20_000),
    ("gift", "::t::q{" + "{" * 50_000 + "}"),
    ("gift", "q {=" + "\\" * 100_000 + "}"),
    ("csv", '"' * 200_000),
    ("csv", "id,type,stem\n" + "a," * 100_000 + "\n"),
    ("xml", "<quiz>" + "<a>" * 50_000 + "</a>" * 50_000 + "</quiz>"),
], ids=lambda v: v if len(v) < 10 else None)
def test_deep_or_long_inputs_are_bounded(fmt, text):
    assert fmt in PARSERS, f"no {fmt} parser"
    run_bounded(formats.parse, text, fmt, expected=FormatError)


@pytest.mark.parametrize("text", [
    "---\n" + "a: " + "[" * 20_000 + "\n---\nbody",
    "---\n" + "x: &a [1]\n" + "".join(f"x{n}: &a{n} [*a{n - 1 if n else ''}" + ",*a" * 0 + "]\n" for n in range(1, 50)) + "---\nbody",
    "---\ntitle: t\n---\n" + "“" * 200_000,
    "\x00" * 1000,
    "---\n" * 10_000,
])
def test_article_cleaner_bounded_on_hostile_articles(text):
    run_bounded(parse_article, text, expected=ArticleError)
