"""Sanitised HTML: an allow-list of tags without attributes, rebuilt from a bank's text.

Used wherever a question's ``html`` text is shown (the learner's pages,
Anki cards): scripts, styles, event handlers and links are removed; an
image keeps only what :meth:`Sanitizer.image` gives it. Pure: no Flask, no
database.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Callable

#: Markup an HTML text of the bank keeps when shown; every other tag is dropped (its text kept).
ALLOWED_TAGS = frozenset({
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "span", "div", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "td", "th", "caption", "code", "pre", "blockquote", "hr", "img",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
VOID_TAGS = frozenset({"br", "hr", "img"})
#: Tags whose content is dropped with them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript",
                                   "svg", "math", "textarea", "select"})


class Sanitizer(HTMLParser):
    """HTML rebuilt from an allow-list: known tags without attributes; an image is what
    :meth:`image` makes of it (subclasses keep a source they trust).

    One pass, no regular expression over the markup; whatever the input, the
    output holds only the allowed tags, balanced, and escaped text.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in DROPPED_WITH_CONTENT:
            if tag not in VOID_TAGS:
                self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        if tag == "img":
            self.image(dict(attrs))
            return
        self.parts.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag in DROPPED_WITH_CONTENT and tag not in VOID_TAGS:
            self.dropping -= 1
        elif tag in self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:  # close what was left open inside it
            inner = self.open.pop()
            self.parts.append(f"</{inner}>")
            if inner == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(html.escape(data))

    def image(self, attrs: dict) -> None:
        """An ``<img>``: by default only its alt text, in brackets."""
        alt = attrs.get("alt") or ""
        if alt:
            self.parts.append(f"[{html.escape(alt, quote=True)}]")

    def result(self) -> str:
        self.close()
        return "".join(self.parts) + "".join(f"</{tag}>" for tag in reversed(self.open))


def sanitize(text: str, image_url: Callable[[str], str | None] | None = None) -> str:
    """``text`` as sanitised HTML; an image whose source ``image_url`` maps to a URL keeps it
    (and its alt text), any other shows its alt text.
    """
    parser = _Linked(image_url) if image_url is not None else Sanitizer()
    parser.feed(text)
    return parser.result().strip()


class _Linked(Sanitizer):
    def __init__(self, image_url: Callable[[str], str | None]) -> None:
        super().__init__()
        self.image_url = image_url

    def image(self, attrs: dict) -> None:
        url = self.image_url((attrs.get("src") or "").strip())
        if url is None:
            super().image(attrs)
            return
        alt = html.escape(attrs.get("alt") or "", quote=True)
        self.parts.append(f'<img src="{html.escape(url, quote=True)}" alt="{alt}">')
