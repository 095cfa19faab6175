"""Issue 15, point 8: Anki cards render (sanitised) HTML in every text of an HTML question and
carry its embedded images."""

from __future__ import annotations

import base64
import io
import json
import zipfile

from quizapp.formats import anki

PIXEL = base64.b64encode(b"\x89PNG\r\n\x1a\n-a-tiny-test-image-").decode()


def html_question() -> dict:
    return {
        "id": "html-choices", "type": "multiple_choice", "stem_format": "html",
        "stem": f'<p>Which river is shown? <img src="data:image/png;base64,{PIXEL}" alt="a river"></p>',
        "choices": [
            {"text": "<p>The <em>Alder</em></p>", "weight": 1.0, "feedback": "<p>Yes: the <b>Alder</b>.</p>"},
            {"text": '<p onmouseover="steal()">The Birch<script>steal()</script></p>', "weight": 0.0},
        ],
        "general_feedback": '<p>See <a href="javascript:steal()">the map</a>.</p><style>p{}</style>',
    }


def test_choices_feedback_and_explanations_render_html_not_literal_tags():
    front, back = anki.front(html_question()), anki.back(html_question())
    assert "<li><p>The <em>Alder</em></p></li>" in front
    assert "&lt;p&gt;" not in front + back
    assert "<p>See the map.</p>" in back


def test_scripts_handlers_links_and_styles_never_reach_a_card():
    cards = anki.front(html_question()) + anki.back(html_question())
    for unsafe in ("<script", "steal()", "onmouseover", "javascript:", "<a ", "<style", "p{}"):
        assert unsafe not in cards


def test_plain_questions_stay_escaped_text():
    plain = {"id": "p", "type": "true_false", "stem": "Is <b>this</b> bold?", "stem_format": "plain", "answer": False}
    assert "Is &lt;b&gt;this&lt;/b&gt; bold?" in anki.front(plain)


def test_embedded_images_are_packed_into_the_deck():
    buffer = io.BytesIO()
    anki.write_apkg([html_question()], "Rivers", buffer, timestamp=1_700_000_000)
    with zipfile.ZipFile(buffer) as archive:
        media = json.loads(archive.read("media"))
        (number, name), = media.items()
        assert name.endswith(".png") and archive.read(number) == base64.b64decode(PIXEL)
    deck, _, files = anki.build_deck_with_media([html_question()], "Rivers")
    assert f'<img src="{name}" alt="a river">' in deck.notes[0].fields[0] and name in files


def test_an_image_the_deck_cannot_hold_shows_its_description():
    question = {**html_question(), "stem": '<p>Look: <img src="https://example.org/x.png" alt="the old mill"></p>'}
    assert "<p>Look: [the old mill]</p>" in anki.front(question)
