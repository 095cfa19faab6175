"""YAML without alias bombs: anchors and aliases are allowed, their expansion is bounded.

A few hundred bytes of nested anchors (``a: &a [x, x]``, ``b: &b [*a, *a]``, …)
expand to hundreds of megabytes when constructed (issue 14, point 6). Before
anything is constructed, the composed node graph is measured as it would be
expanded — every alias counted as a full copy of what it points to — in
time linear in the graph (each node's size is computed once), and a
document that expands far beyond its own size, or holds a recursive alias,
is refused with a ``yaml.YAMLError`` that carries the alias's position.

Pure: no Flask, no database (the generator and the formats use it).
"""

from __future__ import annotations

from typing import Any

import yaml

#: an expanded document may be this many times its distinct content, plus a fixed allowance
MAX_EXPANSION = 4
ALLOWANCE = 100_000


class AliasBombError(yaml.MarkedYAMLError):
    """Aliases that would expand the document far beyond its size, or refer to themselves."""


def _weight(node: yaml.Node) -> int:
    return len(node.value) + 1 if isinstance(node, yaml.ScalarNode) else 1


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_expansion(root: yaml.Node) -> None:
    """Refuse a composed document whose aliases expand it beyond :data:`MAX_EXPANSION` times its size.

    :raises AliasBombError: with the position of the node that is too big or recursive.
    """
    expanded: dict[int, int] = {}
    distinct = 0
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # iterative post-order: deep documents do not recurse here
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            expanded[key] = _weight(node) + sum(expanded[id(child)] for child in _children(node))
            continue
        if key in expanded:
            continue
        if key in on_path:
            raise AliasBombError(None, None, "found an alias that refers to itself", node.start_mark)
        distinct += _weight(node)
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise AliasBombError(None, None, "found an alias that refers to itself", child.start_mark)
            if id(child) not in expanded:
                stack.append((child, False))
    limit = MAX_EXPANSION * distinct + ALLOWANCE
    if expanded[id(root)] > limit:
        raise AliasBombError(
            None, None,
            f"aliases expand this document to {expanded[id(root)]:,} characters and nodes "
            f"(the limit is {limit:,}); write the repeated parts out instead",
            root.start_mark,
        )


def compose_checked(loader: yaml.Loader) -> yaml.Node | None:
    """The loader's single document, composed and checked (see :func:`check_expansion`)."""
    node = loader.get_single_node()
    if node is not None:
        check_expansion(node)
    return node


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with bounded alias expansion.

    :raises yaml.YAMLError: on invalid YAML, or :class:`AliasBombError`.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = compose_checked(loader)
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
