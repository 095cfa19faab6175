"""Articles: front matter, page-chrome cleaning and sentence spans.

Everything downstream (facts, questions, the curated bank) refers to the
*cleaned body* by character offsets, so the cleaner is deterministic and
the cleaned body is the single coordinate system of an article.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from quizapp import yaml_limits

#: Largest article the generator accepts, in characters (about 5 MB of text).
MAX_ARTICLE_CHARS = 6_000_000


class ArticleError(ValueError):
    """An article that cannot be read; the message says why and where."""


@dataclass(frozen=True)
class Article:
    """A news article with its metadata and cleaned body."""

    body: str
    slug: str = ""
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: dt.date | None = None
    url: str | None = None
    paragraphs: tuple[tuple[int, int], ...] = field(default=())
    #: how a bank cites this article (``source.article``): ``seeds/<slug>.txt``
    #: when empty; the command line and the import pages set the real one
    path: str = ""

    def sentences(self) -> list[tuple[int, int]]:
        """Return the ``(start, end)`` span of every sentence in the body."""
        spans: list[tuple[int, int]] = []
        for start, end in self.paragraphs:
            spans.extend(sentence_spans(self.body, start, end))
        return spans

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """Return the span of the sentence holding ``offset``."""
        for start, end in self.sentences():
            if start <= offset < end:
                return start, end
        raise ValueError(f"offset {offset} is outside every sentence")

    def to_dict(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
        }


# --- front matter -------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split YAML front matter (between ``---`` lines) from the body.

    :raises ArticleError: when the front matter is not a YAML mapping.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    # PyYAML's scanner is quadratic in bracket nesting; front matter is a
    # few flat keys, so deep brackets are refused before parsing.
    depth = deepest = 0
    for char in match.group(1):
        depth += char in "[{"
        depth -= char in "]}" and depth > 0
        deepest = max(deepest, depth)
    if deepest > 20:
        raise ArticleError("front matter: brackets nested too deeply")
    try:
        meta = yaml_limits.safe_load(match.group(1)) or {}  # no alias bombs (issue 14)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark else "front matter"
        raise ArticleError(f"{where}: front matter is not valid YAML") from None
    except RecursionError:  # PyYAML recurses once per nesting level
        raise ArticleError("front matter: nested too deeply") from None
    if not isinstance(meta, dict):
        raise ArticleError("line 2: front matter must be a mapping of keys to values")
    return meta, text[match.end():]


def parse_date(value) -> dt.date | None:
    """Read a published date given as a date, datetime or ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ArticleError(f"published date {value!r} is not an ISO date (YYYY-MM-DD)") from None


# --- cleaning -----------------------------------------------------------

_AUDIO = re.compile(
    r"voice is ai-generated|listen to this (?:article|story)|audio is ai-generated"
    r"|^\W*(?:listen|play)\b.{0,40}$",  # \W covers spaces: a \s* beside it backtracks quadratically
    re.I,
)
_CREDIT = re.compile(
    r"(?:\b(?:photos?|images?|illustration|video|picture)s?\s*(?:by|:|credit)\s*\S"
    r"|getty images|/afp\b|\bafp via\b|\breuters/|/reuters\b|\bap photo\b|/ap\b"
    r"|\bshutterstock\b|\bimage source:)",
    re.I,
)
#: A wire service's dateline opening the first paragraph: "(Gray News/AP) - ", "PARIS (AP) — ".
#: Bounded repeats, anchored at the start: linear.
WIRE_DATELINE = re.compile(r"(?:[A-Z][A-Za-z.,' ]{0,40})?\([^()\n]{1,40}\)\s{0,3}[-–—]{1,2}\s")
_AUTHOR_BLOCK = re.compile(r"^(?:about the (?:writer|author|reporter)s?|about the authors?)\s*:?$", re.I)
# "… read more" at the end: the optional ellipsis and spaces before it never change
# whether it matches, and starting the search at "read" keeps it linear
_READ_MORE = re.compile(r"read more\s*$|^(?:read more|related|see also|recommended)\s*:", re.I)
_BYLINE = re.compile(
    r"^(?:by\s+[A-Z][\w.'’-]+(?:\s+(?:and\s+)?[A-Z][\w.'’-]+){0,5}"
    r"|(?:updated|published|posted)(?:\s*:\s+|\s+)\S.{0,60}(?:\d{4}|[ap]\.?m\.?|ET|GMT|UTC)\.?)\s*$",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^(?:advertisement|share this article|sign up for .{0,80}|subscribe .{0,80}"
    r"|follow (?:us|him|her) on .{0,60}|copyright .{0,80}|©.{0,80}|languages:.{0,60})$",
    re.I,
)
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$|[\"”]$|:$")


def _is_alt_text(text: str) -> bool:
    """A short line without sentence punctuation: an image's alt text or label."""
    return len(text.split()) <= 14 and not _TERMINAL.search(text)


def clean_body(raw: str, title: str | None = None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Drop page chrome and return the cleaned body and its paragraph spans.

    Blocks are separated by blank lines in the input; a block's lines are
    paragraphs of their own unless it is hard-wrapped. Kept blocks are
    joined by a blank line, with their inner whitespace left as published, so
    that quotes and sentences keep their text exactly.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw)]
    blocks = [b for b in blocks if b]
    kept: list[str] = []
    for index, block in enumerate(blocks):
        first_line = block.splitlines()[0].strip()
        if _AUTHOR_BLOCK.match(first_line):
            break  # the writer's biography and everything after it
        if index == 0 and title and _norm(block) == _norm(title):
            continue  # the headline, repeated above the body
        if _AUDIO.search(block) or _BOILERPLATE.match(block) or _BYLINE.match(block):
            continue
        if _READ_MORE.search(block):
            continue
        wire = WIRE_DATELINE.match(block)
        text = block[wire.end():] if wire else block  # "(Gray News/AP) - …" opens a story, it credits no photo
        if _CREDIT.search(text) and (
            len(text) < 400 or _CREDIT.search(text[-120:])
        ):
            if kept and _is_alt_text(kept[-1]):
                kept.pop()  # the alt text that labels the same photo
            continue
        # a block made of an alt-text line plus a caption line
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if len(lines) > 1 and _CREDIT.search(lines[-1]) and _is_alt_text(lines[0]):
            continue
        kept.append(block)
    # trailing alt text with no caption (a photo at the very end)
    while kept and len(kept[-1].split()) <= 3 and not _TERMINAL.search(kept[-1]):
        kept.pop()
    body = "\n\n".join(kept)
    spans: list[tuple[int, int]] = []
    position = 0
    for block in kept:
        spans.extend(_block_paragraphs(body, position, position + len(block)))
        position += len(block) + 2
    return body, tuple(spans)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


# --- sentences ----------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col maj sgt capt cmdr adm rev hon fr st jr sr inc ltd co corp"
    " jan feb mar apr jun jul aug sept sep oct nov dec no vs etc approx dept est fig al"
    " pres sec atty supt ave blvd mt ft".split()
)
# Linear time (issue 14): a match starts only at the first mark of a run
# (the lookbehind), and the possessive quantifiers never give back what they
# took, so a run of 80,000 periods, quotes or spaces is read once, not once
# per position in it.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s++[\"“‘'(\[]?[A-Z0-9])")
_SPACES = re.compile(r"\s*")
_CLOSERS = "\"'”’)]"
_UP_TO_LAST_NON_WORD = re.compile(r".*[^\w.]", re.S)


#: Initials are letters ("J.", "U.S."); a number before a period ends its sentence ("on May 5.").
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentence spans (offsets into ``text``).

    A period ends a sentence unless it closes a known abbreviation ("Mr.",
    "Jan.") or a single-letter initial ("U.S." inside a sentence is kept
    whole when the next word is a capitalised name, which is the common case
    in news). The split never crosses a line break boundary of a paragraph.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        # the word before the mark, looked for a bounded distance back: a run of
        # abbreviations must not make this quadratic. Stripping the closers and
        # the marks, then taking what follows the last character that is not a
        # word character or a period, is the regex ``([\w.]+)[.!?…]*[closers]*$``
        # without its search over every start position (issue 14)
        head = text[max(sentence_start, stop - 80):stop].rstrip(_CLOSERS).rstrip(".!?…")
        before = _UP_TO_LAST_NON_WORD.match(head)
        token = (head[before.end():] if before else head).casefold()
        if text[match.start()] == "." and (
            token in _ABBREVIATIONS or _INITIALS.fullmatch(token) and len(token.replace(".", "")) <= 3
        ):
            continue
        spans.append((sentence_start, stop))
        sentence_start = _SPACES.match(text, stop, end).end()  # no slice: a copy per sentence is quadratic
    if sentence_start < end and text[sentence_start:end].strip():
        spans.append((sentence_start, end))
    return spans


# --- reading ------------------------------------------------------------

def parse_article(text: str, slug: str = "", published=None, title: str | None = None) -> Article:
    """Build an :class:`Article` from text with optional front matter.

    ``published`` and ``title`` override what the front matter says.

    :raises ArticleError: on malformed front matter or an oversized article.
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"article is {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}"
        )
    if "\x00" in text:
        raise ArticleError("this looks like a binary file, not an article")
    meta, raw = split_front_matter(text)
    title = title or (str(meta["title"]) if meta.get("title") else None)
    body, paragraphs = clean_body(raw, title)
    return Article(
        body=body,
        slug=slug or str(meta.get("slug") or ""),
        title=title,
        source=meta.get("source"),
        author=meta.get("author"),
        published=parse_date(published if published is not None else meta.get("published")),
        url=meta.get("url"),
        paragraphs=paragraphs,
    )


def plain_article(text: str, slug: str = "", published=None, title: str | None = None) -> Article:
    """Build an :class:`Article` from text as it is: no front matter, no cleaning.

    Paragraphs are split on blank lines; offsets are offsets into ``text``.
    Used for text that is already clean (evaluation data, ``--jsonl`` input
    marked as clean).
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"article is {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}"
        )
    return Article(body=text, slug=slug, title=title, published=parse_date(published),
                   paragraphs=paragraph_spans(text))


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*+\n")
_LINE = re.compile(r"[^\n]+")
#: A block whose lines are all about this long or shorter is hard-wrapped prose.
_WRAP_WIDTH = 100


def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Paragraph spans of ``text``: blocks between blank lines, and the lines of a block.

    Text copied from a web page often has one paragraph a line with no blank
    line between; a line break is then a paragraph break. A block that is
    hard-wrapped (every line but its last at most ``_WRAP_WIDTH`` characters,
    ending mid-sentence) stays one paragraph.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for gap in (*_BLANK_LINE.finditer(text), None):
        stop = gap.start() if gap is not None else len(text)
        spans.extend(_block_paragraphs(text, position, stop))
        if gap is not None:
            position = gap.end() - 1
    return tuple(spans)


def _block_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    lines = []
    for match in _LINE.finditer(text, start, end):
        a, b = match.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            lines.append((a, b))
    if len(lines) <= 1:
        return lines
    wrapped = all(b - a <= _WRAP_WIDTH for a, b in lines[:-1]) and \
        sum(1 for a, b in lines[:-1] if _TERMINAL.search(text, a, b)) * 2 < len(lines) - 1
    return [(lines[0][0], lines[-1][1])] if wrapped else lines


def read_article(path: str | Path, published=None) -> Article:
    """Read an article file; the slug is the file name without extension.

    :raises ArticleError: naming the file when it is missing, binary or not UTF-8.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read file ({exc.strerror})") from None
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{path}: this looks like a binary file, not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(f"{path}: line {line}: the file is not UTF-8 text") from None
    if not text.strip():
        raise ArticleError(f"{path}: the file is empty")
    try:
        article = parse_article(text, slug=path.stem, published=published)
    except ArticleError as exc:
        raise ArticleError(f"{path}: {exc}") from None
    if not article.body.strip():
        raise ArticleError(f"{path}: {why_no_text(split_front_matter(text)[1], article.title)}")
    return article


def why_no_text(raw: str, title: str | None = None) -> str:
    """Why :func:`clean_body` left nothing of ``raw``, in words a writer can act on.

    An article pasted as one line is one paragraph, so one audio banner,
    photo credit or "Read more" in it drops all of it as page chrome.
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n"))]
    blocks = [b for b in blocks if b]
    if not blocks:
        return "there is no article text after the front matter"
    longest = max(range(len(blocks)), key=lambda i: len(blocks[i]))
    block = blocks[longest]
    reason = _chrome_reason(blocks, longest, title)
    if len(blocks) == 1:
        return (f"the article is one paragraph of {len(block):,} characters (no blank line between paragraphs), "
                f"and it was dropped as page chrome because {reason}; put a blank line between paragraphs")
    return (f"no article text is left once page chrome is removed: the longest paragraph "
            f"({len(block):,} characters) was dropped because {reason}")


def _chrome_reason(blocks: list[str], index: int, title: str | None) -> str:
    """Which rule of :func:`clean_body` drops ``blocks[index]``."""
    for earlier in blocks[:index + 1]:
        if _AUTHOR_BLOCK.match(earlier.splitlines()[0].strip()):
            return "it is part of the writer's biography (from an “About the writer” line on)"
    block = blocks[index]
    if index == 0 and title and _norm(block) == _norm(title):
        return "it only repeats the headline"
    found = _AUDIO.search(block)
    if found:
        return f"it contains an audio banner (“{found.group(0).strip()[:60]}”)"
    if _BOILERPLATE.match(block) or _BYLINE.match(block):
        return "it is a byline or a share, subscribe or copyright line"
    found = _READ_MORE.search(block)
    if found:
        return f"it is a link to more reading (“{found.group(0).strip()[:60]}”)"
    found = _CREDIT.search(block[-120:]) or _CREDIT.search(block)
    if found:
        return f"it is a photo caption or credit (“{found.group(0).strip()[:60]}”)"
    return "it looks like a photo's alt text or caption (a short line without sentence punctuation)"
