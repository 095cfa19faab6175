"""Issue 16, points 7 and 8 in a real browser: triage an article's drafts with the keyboard and select-all,
staying in place, with the count following and a reject undone; axe on the drafts page and quiz builder."""

from __future__ import annotations

import re

from tests.browser.conftest import SCREENSHOTS, at_both_widths, axe_violations
from tests.browser.test_teacher import login
from tests.teach.test_drafts import HARBOR_TITLE, harbor_text


def to_review(page) -> int:
    return int(re.search(r"(\d+) drafts? to review", page.locator("#drafts-heading").inner_text())[1])


def current_card(page) -> str:
    return page.evaluate("location.hash").lstrip("#")


def near_top(page, anchor: str) -> bool:
    """The card stands at the top of the window, just below the bar with the count and Undo (in sight):
    the page did not jump back to its start."""
    top = page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top")
    bar = page.evaluate("document.querySelector('.triage-bar').getBoundingClientRect()")
    return page.evaluate("window.scrollY") > 0 and bar["top"] == 0 and bar["bottom"] <= top <= bar["bottom"] + 80


def key(page, letter: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(letter)
    assert axe_violations(page) == [], f"drafts page after {letter}"


@at_both_widths
def test_keyboard_triage_select_all_and_undo(page, app, make_user):
    from quizapp.services import drafts

    teacher = make_user("tess", "teacher")
    with app.app_context():
        import_id = drafts.start_import(teacher, HARBOR_TITLE, None, harbor_text()).id
        drafts.run_import(import_id)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "tess")
    page.goto(f"{page.base}/teach/imports/{import_id}")
    assert axe_violations(page) == [], "drafts page"
    assert page.get_by_text("Keyboard: j and k move").is_visible()
    total = to_review(page)
    cards = page.locator("article.draft").evaluate_all("cards => cards.map(c => c.id)")

    page.keyboard.press("j")  # the second draft
    assert current_card(page) == cards[1]
    key(page, "a")  # approve it: the page lands where it was, on the draft now in its place
    landed = current_card(page)
    assert landed and landed != cards[1] and near_top(page, landed)
    assert to_review(page) == total - 1
    assert "1 question published" in page.locator("main").inner_text()

    key(page, "r")  # reject the draft the page landed on
    rejected = landed
    assert to_review(page) == total - 2 and page.locator(f"#{rejected}").count() == 0
    assert near_top(page, current_card(page))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "issue16-draft-triage-1280px.png"), full_page=False)
    assert page.get_by_role("button", name="Undo").is_visible()  # in the bar, in sight
    with page.expect_navigation():
        page.get_by_role("button", name="Undo").click()
    assert axe_violations(page) == [], "drafts page after undo"
    assert to_review(page) == total - 1 and current_card(page) == rejected
    assert near_top(page, rejected)

    page.locator("select[name=kind]").focus()  # keys typed into a field are not commands
    page.keyboard.press("r")
    assert page.locator(f"#{rejected}").count() == 1 and to_review(page) == total - 1

    page.get_by_label("Select all").check()
    boxes = page.locator("input[type=checkbox][name=question_ids]")
    ticked = boxes.evaluate_all("bs => bs.filter(b => b.checked).length")
    folded = page.locator("details.draft-more input[type=checkbox][name=question_ids]").count()  # not in sight: left alone
    assert folded and ticked == boxes.count() - folded > 3
    with page.expect_navigation():
        page.get_by_role("button", name="Reject selected").first.click()  # the buttons above the list
    assert axe_violations(page) == [], "drafts page after rejecting the selected"
    assert to_review(page) == total - 1 - ticked
    assert f"{ticked} drafts rejected." in page.locator("main").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "issue16-draft-triage-390px.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base + "/teach/quizzes/new")
    assert axe_violations(page) == [], "quiz builder"
    assert page.get_by_role("group", name=HARBOR_TITLE).is_visible()  # questions grouped by article
    page.screenshot(path=str(SCREENSHOTS / "issue16-quiz-builder-1280px.png"), full_page=False)
