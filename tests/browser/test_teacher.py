"""A teacher in a real browser: add a question, build a quiz, download a CSV export."""

from __future__ import annotations

import csv
import re

from tests.browser.conftest import at_both_widths, axe_violations


def login(page, name):
    """Log in as ``name`` through the form; both pages pass axe."""
    page.goto(page.base + "/auth/login")
    assert axe_violations(page) == [], "log in"
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("correct horse")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert axe_violations(page) == [], f"home of {name}"


def submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


@at_both_widths
def test_teacher_adds_a_question_builds_a_quiz_and_downloads_scores(page, make_user):
    make_user("tess", "teacher")
    login(page, "tess")
    page.goto(page.base + "/teach/")
    assert axe_violations(page) == [], "teach home"

    page.goto(page.base + "/teach/classes")
    assert axe_violations(page) == [], "classes"
    page.get_by_label("Class name").fill("Civics 9")
    submit(page, "Create class")
    assert axe_violations(page) == [], "class"
    # the join link: a QR code to show, and a copy button that the script reveals
    assert page.get_by_role("img", name="QR code of the join link for Civics 9").is_visible()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=page.base)
    page.get_by_role("button", name="Copy link").click()
    page.wait_for_function("document.querySelector('[data-copy-status]').textContent !== ''")
    assert page.locator("[data-copy-status]").inner_text() == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#join-link").input_value()

    page.goto(page.base + "/teach/questions/new?type=multiple_choice")
    assert axe_violations(page) == [], "question editor"
    page.locator("#stem").fill("Which city hosted the Monday meeting between Putin and Lukashenko?")
    for row, (text, weight) in enumerate([("Minsk", "1"), ("Moscow", "0"), ("Warsaw", "0")]):
        page.locator(f"#choices-{row}-text").fill(text)
        page.locator(f"#choices-{row}-weight").fill(weight)
    page.locator("#status").select_option("published")
    submit(page, "Save question")
    assert axe_violations(page) == [], "question saved"
    page.goto(page.base + "/teach/questions?q=Monday+meeting")
    assert "Which city hosted the Monday meeting" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "bank page"

    page.goto(page.base + "/teach/quizzes/new")
    assert axe_violations(page) == [], "quiz builder"
    page.get_by_label("Title").fill("Monday in Minsk")
    page.get_by_label("Which city hosted the Monday meeting between Putin and Lukashenko?").check()
    page.get_by_label("Civics 9").check()
    submit(page, "Save the quiz")
    assert "Monday in Minsk" in page.locator("main").inner_text()
    assert axe_violations(page) == [], "quiz list"

    page.goto(page.base + "/teach/classes")
    assert axe_violations(page) == [], "classes with one"
    with page.expect_navigation():
        page.get_by_role("link", name="Gradebook").first.click()
    assert axe_violations(page) == [], "gradebook"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).first.click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["learner", "classes"]
    assert any(cell.startswith("Monday in Minsk") for cell in rows[0])
    assert re.search(r"\.csv$", download.suggested_filename)
