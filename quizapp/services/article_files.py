"""The article in a file a teacher uploads: text, Markdown, a saved web page, Word or PDF.

Each reader returns the article's text, with front matter (title, site,
author, publication date, address) when the file tells them, so that the
article reader fills the import from it and the form's own fields still win.

- A saved web page goes through trafilatura, a maintained extractor of the
  main text and metadata of news pages: menus, cookie banners, ads, comments,
  "related stories" and scripts are left out.
- Word (.docx) through python-docx, after checking that the archive does not
  expand beyond :data:`MAX_EXPANDED_BYTES` (a zip bomb is refused unread).
- PDF through pypdf, text PDFs only: lines are joined back into paragraphs;
  a scan without a text layer is refused with a message that says so.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import statistics
import zipfile
from pathlib import PurePath

import yaml

from quizapp.services.errors import InvalidInput

UPLOAD_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
UPLOAD_ACCEPT = ",".join(UPLOAD_EXTENSIONS)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: What a .docx may expand to (all its parts together), and how many parts it may hold.
MAX_EXPANDED_BYTES = 40 * 1024 * 1024
MAX_ARCHIVE_PARTS = 2000
#: Fewer words than this found on a saved page is a menu or a teaser, not an article.
MIN_PAGE_WORDS = 15
#: Pages of a PDF read at most: a news article is a few pages.
MAX_PDF_PAGES = 200


def read_upload(filename: str, data: bytes) -> str:
    """The article text of an uploaded file, with front matter when the file gives metadata.

    :raises InvalidInput: naming the file when its extension is not one of
        :data:`UPLOAD_EXTENSIONS`, or it is empty, too large, damaged, a zip
        bomb, a scan without text, or text that is binary or not UTF-8.
    """
    name = PurePath(filename or "").name or "the file"
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_EXTENSIONS:
        raise InvalidInput("only .txt, .md, .html, .docx and .pdf files can be imported", where=name)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"the file is {len(data) / 1048576:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1048576} MB", where=name
        )
    if not data.strip():
        raise InvalidInput("the file is empty", where=name)
    if suffix == ".docx":
        text = _with_front_matter(*docx_text(data, name))
    elif suffix == ".pdf":
        text = _with_front_matter(*pdf_text(data, name))
    else:
        text = _decoded(data, name)
        if suffix in (".html", ".htm"):
            text = _with_front_matter(*page_text(text, name))
        elif suffix in (".md", ".markdown"):
            text = markdown_to_text(text)
    if not text.strip():
        raise InvalidInput("the file has no text", where=name)
    return text


def _decoded(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise InvalidInput("this looks like a binary file, not text", where=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(f"line {line}: the file is not UTF-8 text; save it as UTF-8 and upload it again",
                           where=name) from None


def _with_front_matter(body: str, meta: dict) -> str:
    """``body`` under a YAML front matter of the metadata found (none when nothing was found)."""
    meta = {k: v for k, v in meta.items() if v}
    if not meta or not body.strip():
        return body
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n\n" + body


# --- saved web pages ------------------------------------------------------

def fetched_page(data: bytes, url: str) -> str:
    """The article text, under its front matter, of a page fetched from ``url`` (any charset)."""
    body, meta = page_text(data, url)
    meta["url"] = meta.get("url") or url[:500]
    return _with_front_matter(body, meta)


def page_text(html: str | bytes, name: str = "the page") -> tuple[str, dict]:
    """The article of a saved web page and its metadata (title, site, author, date, address).

    :raises InvalidInput: when the page holds no article text.
    """
    import trafilatura  # imported when a page comes: the web process does not load it otherwise

    try:
        # the date only from the page's markup (meta tags, JSON-LD, <time>), never guessed from
        # a "© 2024" in the footer: a wrong date would move every "last Monday" of the article
        found = None
        for precise in (True, False):  # precision first; an old table layout needs the looser pass
            found = trafilatura.bare_extraction(
                html, with_metadata=True, include_comments=False, include_tables=False,
                include_images=False, favor_precision=precise,
                date_extraction_params={"extensive_search": False, "original_date": True})
            if found is not None and (found.text or "").strip():
                break
    except (ValueError, TypeError):  # a page lxml cannot read at all
        found = None
    text = (getattr(found, "text", None) or "").strip() if found is not None else ""
    if len(text.split()) < MIN_PAGE_WORDS:  # "Home": a menu is all the page had
        raise InvalidInput("no article text was found on this page; paste the article's text instead", where=name)
    paragraphs: list[str] = []
    for line in (line.strip() for line in text.split("\n")):
        if not line:
            continue
        if paragraphs and line[:1].islower() and not _END.search(paragraphs[-1]):
            paragraphs[-1] += " " + line  # a line break (<br>) inside a sentence
        else:
            paragraphs.append(line)
    meta = {
        "title": _clean(getattr(found, "title", None), 300),
        "source": _clean(getattr(found, "sitename", None), 120),
        "author": _clean(getattr(found, "author", None), 120),
        "published": _iso_date(getattr(found, "date", None)),
        "url": _clean(getattr(found, "url", None), 500),
    }
    if meta["title"] and len(paragraphs) > 1 and paragraphs[0].casefold() == meta["title"].casefold():
        paragraphs = paragraphs[1:]  # the headline, kept as the title
    return "\n\n".join(paragraphs), meta


def _clean(value, limit: int) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text[:limit] or None


def _iso_date(value) -> str | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


# --- Word ---------------------------------------------------------------

def docx_text(data: bytes, name: str = "the document") -> tuple[str, dict]:
    """The paragraphs of a .docx and its title and author.

    :raises InvalidInput: for a damaged file, a zip bomb, or a document without text.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput("this is not a Word document (.docx) that can be read", where=name) from None
    expanded = sum(part.file_size for part in parts)
    if len(parts) > MAX_ARCHIVE_PARTS or expanded > MAX_EXPANDED_BYTES:
        raise InvalidInput(
            f"the document expands to {expanded / 1048576:,.0f} MB in {len(parts):,} parts; a Word article "
            f"should stay under {MAX_EXPANDED_BYTES // 1048576} MB — save it again or paste its text",
            where=name,
        )
    if "word/document.xml" not in archive.namelist():
        raise InvalidInput("this is not a Word document (.docx) that can be read", where=name)
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises lxml, KeyError and its own errors for damaged files
        raise InvalidInput("this Word document is damaged and cannot be read", where=name) from None
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        raise InvalidInput("the Word document has no text", where=name)
    core = document.core_properties
    meta = {"title": _clean(core.title, 300), "author": _clean(core.author, 120)}
    if meta["title"] and paragraphs[0] == meta["title"]:
        paragraphs = paragraphs[1:]  # the title typed as the first line as well
    return "\n\n".join(paragraphs), meta


# --- PDF ----------------------------------------------------------------

def pdf_text(data: bytes, name: str = "the PDF") -> tuple[str, dict]:
    """The text of a text PDF, lines joined back into paragraphs, and its title and author.

    :raises InvalidInput: for a damaged or encrypted PDF, one too long, or a scan without text.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidInput("this PDF is protected by a password; save an unprotected copy", where=name)
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise InvalidInput(f"the PDF has {len(pages):,} pages; an article should have at most "
                               f"{MAX_PDF_PAGES}", where=name)
        texts = [_page_text(page) for page in pages]
        info = reader.metadata
    except InvalidInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise InvalidInput("this PDF is damaged and cannot be read", where=name) from None
    lines = [line.rstrip() for text in texts for line in (text.split("\n") + [""])]
    if not any(line.strip() for line in lines):
        raise InvalidInput("this PDF has no text, only images (a scan?); upload the article as text, "
                           "Word or a saved web page, or paste it", where=name)
    meta = {"title": _clean(getattr(info, "title", None), 300) if info else None,
            "author": _clean(getattr(info, "author", None), 120) if info else None}
    return "\n\n".join(_paragraphs(lines)), meta


def _page_text(page) -> str:
    """A page's text laid out as printed, so that the gap between paragraphs is a blank line."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError):
        return page.extract_text() or ""


_END = re.compile(r"[.!?:\"”’)]\s*$")


def _paragraphs(lines: list[str]) -> list[str]:
    """Join a PDF's lines into paragraphs: a blank line, or a short line ending a sentence, ends one;
    a word hyphenated across lines is joined."""
    filled = [len(line) for line in lines if line.strip()]
    full = statistics.median(filled) if filled else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        line = line.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if _END.search(line) and len(line) < 0.8 * full:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


# --- Markdown -----------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_MARKDOWN = (
    (re.compile(r"^ {0,3}(?:```|~~~).*$", re.M), ""),  # code fences (their text stays)
    (re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M), r"\1"),  # ATX headings
    (re.compile(r"^ {0,3}(?:[=-]{3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})[ \t]*$", re.M), ""),  # rules, setext
    (re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$", re.M), ""),  # link reference definitions
    (re.compile(r"^ {0,3}(?:>[ \t]?)+", re.M), ""),  # block quotes
    (re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+", re.M), ""),  # list markers
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images: their alt text is page chrome
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # inline links keep their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
)


def markdown_to_text(text: str) -> str:
    """Markdown without its markup; front matter is kept for the article reader."""
    match = _FRONT_MATTER.match(text)
    head, body = (text[: match.end()], text[match.end():]) if match else ("", text)
    for pattern, replacement in _MARKDOWN:
        body = pattern.sub(replacement, body)
    return head + body
