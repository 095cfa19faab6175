"""YAML bank files: the curated ``question_bank/`` format.

A bank file is either a top-level list of canonical questions, or a mapping::

    article: seeds/belarus-trainers.txt   # optional
    questions:
      - id: ...
        type: multiple_choice
        ...

``article`` fills ``source.article`` of every question that has none (and
gives a question without ``source`` one). YAML carries every canonical field.

Reading uses PyYAML's safe loader with YAML 1.2's plain values: dates stay
text (``value: 2022-12-11`` is the string ``"2022-12-11"``, as canonical
facts write dates, so a bank always converts to JSON), and only
``true``/``false`` are booleans: ``yes``, ``no``, ``on`` and ``off`` are
words. Text fields (stem, choice and answer text, feedback, prompts, items,
tags …) are read as written, so ``text: yes`` is "yes" and ``text: 1990`` is
"1990"; the boolean ``answer`` of a true/false question also takes ``yes``
and ``no``.
"""

from __future__ import annotations

import re

import yaml

from quizapp.yaml_limits import compose_checked
from ._base import FormatError, ParseReport, check_questions, ordered

NAME = "yaml"
EXTENSIONS = (".yaml", ".yml")


_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class _Loader(yaml.SafeLoader):
    """SafeLoader reading plain values as YAML 1.2 does: no timestamps, booleans only true/false."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

#: Canonical fields holding text: a plain value there is the text as written.
TEXT_FIELDS = frozenset({
    "id", "type", "title", "stem", "stem_format", "text", "feedback", "feedback_true", "feedback_false",
    "prompt", "match", "general_feedback", "category", "status", "article", "sentence",
    "kind", "name", "speaker", "speaker_kind", "role", "cue", "granularity",
})
#: Canonical fields holding a list of texts.
TEXT_LIST_FIELDS = frozenset({"items", "tags", "aliases"})
#: Canonical fields holding a boolean: YAML 1.1's yes/no/on/off still mean one there.
BOOL_FIELDS = frozenset({"answer", "usecase", "shuffle"})
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off"})


def _read_as_written(node: yaml.Node) -> None:
    """Retag plain scalars by the field they fill (see the module docstring), before construction."""
    def as_text(value: yaml.Node) -> None:
        if isinstance(value, yaml.ScalarNode) and value.style is None and value.tag not in (_STR, _NULL):
            value.tag = _STR

    stack, seen = [node], set()
    while stack:  # iterative: deep documents do not recurse here
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                field = key.value if isinstance(key, yaml.ScalarNode) else None
                if field in TEXT_FIELDS:
                    as_text(value)
                elif field in TEXT_LIST_FIELDS and isinstance(value, yaml.SequenceNode):
                    for item in value.value:
                        as_text(item)
                elif (field in BOOL_FIELDS and isinstance(value, yaml.ScalarNode) and value.style is None
                      and value.value.lower() in _YAML11_BOOLS):
                    value.tag = _BOOL
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value and "\r" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def _mark_error(err: yaml.YAMLError, source: str | None) -> FormatError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    if mark is None:
        return FormatError(f"invalid YAML: {message}", source)
    return FormatError(f"invalid YAML: {message}", source, mark.line + 1, mark.column + 1)


#: PyYAML's pure-Python scanner is quadratic in the nesting of flow
#: collections ("[[[[…"): 20,000 levels take a minute. No bank nests deeper
#: than a handful, so deeper input is refused before it reaches the scanner.
MAX_FLOW_DEPTH = 100


def flow_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in ``text`` (brackets in strings counted too)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
    return deepest


def parse(text: str, source: str = "<yaml>", report: ParseReport | None = None) -> list[dict]:
    """Parse a YAML bank and validate every question.

    :param text: the file's text.
    :param source: file name used in error messages.
    :returns: canonical questions, in file order.
    :raises FormatError: invalid YAML, a wrong layout, a duplicate key, an
        invalid question or a duplicate id, with the line and column.
    """
    if flow_depth(text) > MAX_FLOW_DEPTH:
        raise FormatError(f"invalid YAML: brackets nested more than {MAX_FLOW_DEPTH} deep", source)
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters right here
        node = compose_checked(loader)  # aliases may not expand it beyond bounds (issue 14)
        if node is None:
            raise FormatError("no questions", source)
        _check_duplicate_keys(node, source)
        _read_as_written(node)
        data = loader.construct_document(node)
    except yaml.YAMLError as err:
        raise _mark_error(err, source) from None
    except RecursionError:  # PyYAML composes and constructs recursively
        raise FormatError("invalid YAML: nested too deeply", source) from None
    finally:
        if loader is not None:
            loader.dispose()

    article = None
    if isinstance(data, dict):
        items_node = _mapping_value(node, "questions")
        unknown = sorted(str(k) for k in data if k not in ("questions", "article"))
        if unknown:
            raise FormatError(
                f"unknown top-level key {unknown[0]!r} (expected 'questions' and optional 'article')",
                source,
                *_mark(_mapping_key(node, unknown[0]) or node),
            )
        if items_node is None or not isinstance(data.get("questions"), list):
            raise FormatError(
                "a bank file is a list of questions or a mapping with a 'questions' list",
                source,
                *_mark(items_node or node),
            )
        article = data.get("article")
        if article is not None and not isinstance(article, str):
            raise FormatError("'article' must be a path like seeds/<slug>.txt", source, *_mark(node))
        questions = data["questions"]
    elif isinstance(data, list):
        items_node, questions = node, data
    else:
        raise FormatError(
            "a bank file is a list of questions or a mapping with a 'questions' list",
            source,
            *_mark(node),
        )

    located = []
    for question, item_node in zip(questions, items_node.value):
        if article is not None and isinstance(question, dict):
            src = question.get("source")
            if src is None:
                question["source"] = {"article": article}
            elif isinstance(src, dict) and src.get("article") is None:
                question["source"] = {"article": article, **src}
        located.append((question, *_mark(item_node)))
    return check_questions(located, source, report)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _mapping_key(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node
    return None


def _check_duplicate_keys(node: yaml.Node, source: str | None) -> None:
    """A key given twice in one mapping is a mistake YAML would hide."""
    stack = [node]
    seen_nodes: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:  # aliases can share nodes
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        raise FormatError(
                            f"duplicate key {key_node.value!r}", source, *_mark(key_node)
                        )
                    keys.add(key_node.value)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def serialize_with_warnings(questions: list[dict]) -> tuple[str, list[str]]:
    """Write questions as a YAML bank; YAML carries everything, so no warnings.

    Block style, canonical key order, unicode as is, None values left out.
    """
    body = {"questions": [ordered(q) for q in questions]}
    text = yaml.dump(
        body,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
    )
    return text, []


def serialize(questions: list[dict]) -> str:
    """Write questions as a YAML bank (see :func:`serialize_with_warnings`)."""
    return serialize_with_warnings(questions)[0]

