"""The generator: news article -> facts -> draft quiz questions.

Pure library: no Flask, no database. Public API:

- :func:`extract_facts` -- the facts of an article (DESIGN.md "Facts")
- :func:`generate_questions` -- canonical draft questions with provenance
- :func:`quotes_from_text` -- attributed quotations of plain text
- :func:`quoted_source` -- the sentences a question's feedback quotes
- :func:`load_article` / :func:`read_article` / :func:`parse_article` -- articles
"""

from __future__ import annotations

from .article import Article, ArticleError, parse_article, plain_article, read_article
from .dates import event_sentences
from .facts import Facts, extract


def load_article(article) -> Article:
    """Accept an :class:`Article`, a path-like, or article text with front matter."""
    if isinstance(article, Article):
        return article
    if hasattr(article, "__fspath__"):
        return read_article(article)
    if isinstance(article, str):
        return parse_article(article)
    raise TypeError("article must be an Article, a path or text")


def extract_facts(article) -> list[dict]:
    """Return the facts of ``article`` as the dicts of DESIGN.md "Facts".

    :param article: an :class:`Article`, a path to an article file, or its text.
    :raises ArticleError: when a path or text cannot be read as an article.
    """
    return extract(load_article(article)).to_list()


def quotes_from_text(text: str, published=None) -> list[dict]:
    """Attributed quotations of already-clean text (one or more paragraphs)."""
    facts = extract(plain_article(text, published=published))
    return [facts.quote_fact(q) for q in facts.quotes]


def generate_questions(article, facts=None, all_forms: bool = False, pool=None) -> list[dict]:
    """Return draft questions in the canonical schema, best first.

    By default each fact of the article is asked once, in its best form;
    ``fact["key"]`` names the fact.

    :param article: an :class:`Article`, a path to an article file, or its text.
    :param facts: a :class:`Facts` already extracted from the same article
        (extracted here when omitted).
    :param all_forms: also return the other forms of each fact (tagged
        ``alternative``), each right after its fact's best form.
    :param pool: entities of other articles in the bank (dicts shaped like
        ``quizapp extract``'s person/organization/place facts) that may serve
        as distractors of the same kind and role or type.
    :raises ArticleError: when a path or text cannot be read as an article.
    """
    from .questions import build_questions

    article = load_article(article)
    if facts is None or not isinstance(facts, Facts):
        facts = extract(article)
    return build_questions(facts, all_forms=all_forms, pool=pool)


def quoted_source(question: dict) -> dict | None:
    """The source a question's feedback quotes: its ``source``, but for an ordering
    question of dated events only the sentences of those events (generated or stored,
    a bank may hold the whole article between the first and the last).
    """
    source = question.get("source")
    fact = question.get("fact")
    if question.get("type") != "ordering" or not isinstance(source, dict) or not isinstance(fact, dict):
        return source
    events = fact.get("events")
    return event_sentences(source, events) if isinstance(events, list) else source


__all__ = [
    "Article",
    "ArticleError",
    "Facts",
    "extract",
    "extract_facts",
    "generate_questions",
    "load_article",
    "parse_article",
    "plain_article",
    "quoted_source",
    "quotes_from_text",
    "read_article",
]

