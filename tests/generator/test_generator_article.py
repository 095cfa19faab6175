"""The cleaner: page chrome out, offsets into the cleaned body kept."""

from __future__ import annotations

import hashlib

import pytest

from quizapp.generator import ArticleError, parse_article, plain_article, read_article

#: The curated bank stores offsets into this exact cleaned body.
SEED_BODY_SHA256 = "d4b51c1ba6c976b2dbad5886e95eb79fa9e95c69c255ce4e35108cf4d08c03b4"


def test_seed_body_is_byte_identical(seed_article):
    assert hashlib.sha256(seed_article.body.encode()).hexdigest() == SEED_BODY_SHA256
    assert seed_article.body.startswith("The British Ministry of Defense (MOD) in a Thursday")
    assert seed_article.body.endswith("for Belarus and Russia for comment.")


def test_seed_chrome_is_dropped(seed_article):
    body = seed_article.body
    for chrome in ("Voice is AI-generated", "Maxim Guchek", "Getty Images", "About the writer",
                   "Jon Jackson", "Den of Geek", "New York University", "Read more",
                   "Vladimir Putin and Lukashenko with military"):
        assert chrome not in body
    assert seed_article.published.isoformat() == "2022-12-22"
    assert seed_article.slug == "belarus-trainers"


def test_paragraph_offsets_point_into_the_body(seed_article):
    assert len(seed_article.paragraphs) == 14
    for start, end in seed_article.paragraphs:
        text = seed_article.body[start:end]
        assert text == text.strip() and "\n\n" not in text
    for start, end in seed_article.sentences():
        assert seed_article.body[start:end].strip()


def test_cleaner_drops_banner_caption_and_bio():
    article = parse_article(
        "---\ntitle: A Title\npublished: 2023-01-02\n---\nA Title\n\nListen to this article\n\n"
        "The mayor spoke on Monday.\n\nA crowd outside the hall\nPhoto by Ann Lee/Getty Images\n\n"
        "She left at noon.\n\nAbout the writer\n\nAnn Lee writes about cities."
    )
    assert article.body == "The mayor spoke on Monday.\n\nShe left at noon."
    assert article.paragraphs == ((0, 26), (28, 45))


def test_plain_article_keeps_text_and_offsets():
    text = '  "Hello," she said.\n\nSecond paragraph.\n'
    article = plain_article(text)
    assert article.body == text
    assert [text[s:e] for s, e in article.paragraphs] == ['"Hello," she said.', "Second paragraph."]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty"),
        (b"abc\x00def", "binary file"),
        (b"caf\xe9 au lait\n", "line 1: the file is not UTF-8"),
        (b"---\ntitle: [unclosed\n---\nBody.", "front matter is not valid YAML"),
        (b"---\ntitle: Only front matter\n---\n", "no article text"),
    ],
)
def test_bad_files_raise_article_error(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ArticleError) as info:
        read_article(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ArticleError, match="cannot read file"):
        read_article(tmp_path / "nope.txt")


def test_a_clergy_or_rank_title_does_not_end_the_sentence():
    from quizapp.generator.article import sentence_spans

    text = "The family, with Rev. Ann Bell and Maj. Tom Ruiz, spoke at noon. Nobody else did."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The family, with Rev. Ann Bell and Maj. Tom Ruiz, spoke at noon.", "Nobody else did."]


def test_a_wire_dateline_opens_the_story_and_is_no_photo_credit():
    text = ("---\ntitle: Bridge reopens\n---\n"
            "(Coast News/AP) - Mayor Hilde Varga reopened the Tollgate Bridge on Saturday after two years of repairs.\n\n"
            "Traffic was light in the first hour.\n\n"
            "A crane lifts the last beam. (Photo: Jan Meyer/AP)")
    article = parse_article(text)
    assert "Mayor Hilde Varga reopened the Tollgate Bridge" in article.body
    assert "Photo: Jan Meyer" not in article.body  # a real credit still goes
    from quizapp.generator import generate_questions

    for q in generate_questions(article, all_forms=True):
        if "fill-in" in q["tags"]:
            # the blank's sentence starts after the dateline, at its exact offsets
            assert "AP)" not in q["stem"] and article.body[q["source"]["start"]:q["source"]["end"]] == q["source"]["sentence"]
