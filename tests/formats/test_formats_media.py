"""Images in questions: read from Moodle XML, checked, written back, packed in decks."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from quizapp.formats import FormatError, ParseReport, anki, media, moodle_xml, parse, safe_html, serialize_with_warnings
from tests.media_helpers import b64, file_element, multichoice, png, quiz

RED, BLUE = png(rgb=(200, 0, 0)), png(3, 1, (0, 0, 200))


def _lenient(text: str) -> tuple[list[dict], ParseReport]:
    report = ParseReport()
    return moodle_xml.parse(text, source="bank.xml", report=report), report


def test_embedded_images_are_kept_with_their_question():
    text = quiz(
        multichoice("flag", '<p>Which colour? <img src="@@PLUGINFILE@@/red%20flag.png" alt="a flag"></p>',
                    file_element("red flag.png", RED),
                    right_feedback='<img src="@@PLUGINFILE@@/why.png">', feedback_files=file_element("why.png", BLUE)),
    )
    (question,), report = _lenient(text)
    assert question["files"] == [
        {"name": "red flag.png", "mime": "image/png", "data": b64(RED)},
        {"name": "why.png", "mime": "image/png", "data": b64(BLUE)},
    ]
    assert not report.skipped and not report.warnings


def test_a_link_to_a_file_the_xml_does_not_hold_is_reported_with_its_question():
    text = quiz(
        multichoice("kept", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED)),
        multichoice("dangling", '<p>See <img src="@@PLUGINFILE@@/gone.png"></p>'),
    )
    questions, report = _lenient(text)
    assert [q["id"] for q in questions] == ["kept", "dangling"]
    assert "files" not in questions[1]
    assert [str(w) for w in report.warnings] == [
        "bank.xml:13:3: question 'dangling': links the file 'gone.png' (@@PLUGINFILE@@), which the file does not "
        "hold: that image is missing"]


@pytest.mark.parametrize("payload, reason", [
    (b"GIF but not really", "file 'x.png' is not a PNG, JPEG, GIF or WebP image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "file 'x.png' is an SVG drawing, which quizapp refuses (it can carry script); save it as PNG"),
    ("not base64 at all!", "file 'x.png' is not valid base64"),
    (b"\x89PNG\r\n\x1a\n" + bytes(media.MAX_FILE_BYTES), "image 'x.png' is 2.0 MB; a question's image may be at most 2.0 MB"),
])
def test_a_bad_file_skips_its_question_with_the_reason_and_the_rest_imports(payload, reason):
    text = quiz(
        multichoice("good", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED)),
        multichoice("bad", '<img src="@@PLUGINFILE@@/x.png">', file_element("x.png", payload)),
    )
    questions, report = _lenient(text)
    assert [q["id"] for q in questions] == ["good"]
    (skipped,) = report.skipped
    assert skipped.message == f"question 'bad': {reason}" and skipped.line == 15
    with pytest.raises(FormatError, match="x.png"):  # the strict parse refuses the file
        moodle_xml.parse(text, source="bank.xml")


def test_an_import_takes_at_most_so_many_image_bytes():
    big = b"\x89PNG\r\n\x1a\n" + bytes(media.MAX_FILE_BYTES - 8)
    count = media.MAX_IMPORT_BYTES // len(big)
    text = quiz(*(multichoice(f"q{n}", f'<img src="@@PLUGINFILE@@/{n}.png">', file_element(f"{n}.png", big))
                  for n in range(count + 1)))
    questions, report = _lenient(text)
    assert len(questions) == count
    (skipped,) = report.skipped
    assert f"question 'q{count}': its images would bring the file's images past 16 MB" in skipped.message


def test_moodle_xml_round_trip_keeps_image_bytes_and_links():
    text = quiz(
        multichoice("flag", '<p><img src="@@PLUGINFILE@@/red%20flag.png"></p>', file_element("red flag.png", RED),
                    right_feedback='<img src="@@PLUGINFILE@@/why.png">', feedback_files=file_element("why.png", BLUE)),
    )
    (question,), _ = _lenient(text)
    written, lost = serialize_with_warnings([question], "xml")
    assert lost == []
    again = parse(written, "xml")
    assert again[0]["files"] == question["files"]
    assert again[0]["stem"] == question["stem"]
    # each file sits beside the text that links it, as Moodle expects
    assert written.index('name="why.png"') > written.index("<feedback")


def test_yaml_and_json_carry_images_and_check_them():
    (question,), _ = _lenient(quiz(multichoice("flag", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED))))
    for fmt in ("yaml", "json"):
        text, lost = serialize_with_warnings([question], fmt)
        assert lost == [] and parse(text, fmt)[0]["files"] == question["files"]
    forged = {**question, "files": [{"name": "a.png", "mime": "image/png", "data": b64(b"<svg onload=alert(1)>")}]}
    text, _ = serialize_with_warnings([forged], "json")
    with pytest.raises(FormatError, match="SVG drawing"):
        parse(text, "json")


def test_gift_and_csv_report_per_question_that_images_are_left_out():
    (question,), _ = _lenient(quiz(multichoice("flag", '<img src="@@PLUGINFILE@@/a.png">', file_element("a.png", RED))))
    for fmt in ("gift", "csv"):
        _, lost = serialize_with_warnings([question], fmt)
        assert f"flag: {fmt.upper()} cannot carry images; 1 image(s) left out (a.png)" in lost


def test_anki_deck_packs_the_images_as_media():
    (question,), _ = _lenient(quiz(multichoice(
        "flag", '<p>Which? <img src="@@PLUGINFILE@@/a.png" alt="flag"></p>', file_element("a.png", RED),
        right_feedback='<img src="@@PLUGINFILE@@/why.png">', feedback_files=file_element("why.png", BLUE))))
    out = io.BytesIO()
    assert anki.write_apkg([question], "deck", out) == []
    with zipfile.ZipFile(out) as archive:
        names = json.loads(archive.read("media"))
        packed = {name: archive.read(number) for number, name in names.items()}
    assert sorted(packed.values()) == sorted([RED, BLUE])
    deck, _, packed = anki.build_deck_with_media([question], "deck")
    front, back, _ = deck.notes[0].fields
    assert "@@PLUGINFILE@@" not in front + back
    assert f'<img src="{next(n for n, data in packed.items() if data == RED)}" alt="flag">' in front


@pytest.mark.parametrize("text, shown", [
    ('<p onclick="x()">Hi <b>you</b></p>', "<p>Hi <b>you</b></p>"),
    ('<a href="javascript:alert(1)">link</a><script>alert(1)</script><style>p{}</style>', "link"),
    ('<img src="@@PLUGINFILE@@/a%20b.png" alt="A &quot;quoted&quot; alt" onerror="x()">',
     '<img src="/files/a b.png" alt="A &quot;quoted&quot; alt">'),
    ('<img src="https://elsewhere.example/t.png" alt="elsewhere">', "[elsewhere]"),
    ('<img src="@@PLUGINFILE@@/a.png&quot; onerror=&quot;x()">', '<img src="/files/a.png" alt="">'),
    ('<iframe src="https://evil.example"></iframe><svg onload="x()"><circle/></svg>ok', "ok"),
])
def test_shown_html_keeps_only_allowed_tags_and_images_the_caller_maps(text, shown):
    def url(src: str) -> str | None:
        names = media.linked_names(src) if src.startswith(media.PLUGINFILE) else []
        return f"/files/{names[0]}" if names else None

    assert safe_html.sanitize(text, url) == shown
