"""Issue 16, point 10 in a real browser: form fields of every kind alike, teacher pages that use the width,
a quiz builder that says why new questions cannot be picked yet; and an axe sweep of the main pages
at a desktop and a phone width, with a screenshot of each for review."""

from __future__ import annotations

import re

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from tests.browser.conftest import SCREENSHOTS, axe_violations
from tests.browser.test_learner import answer_current_question
from tests.browser.test_marking import login
from tests.teach.test_drafts import HARBOR_TITLE, harbor_text
from tests.teach.test_marking import school  # noqa: F401  (fixture)
from tests.teach.test_results import Q_MOD

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth")


def past_the_right_edge(page) -> list[str]:
    """The elements reaching past the window's right edge (to say what makes the page scroll sideways)."""
    return page.evaluate("""[...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth)
        .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""")


def column_width(page, table: str, header: str) -> float:
    """The width in pixels of the column of ``table`` headed ``header``."""
    cell = page.locator(table).get_by_role("columnheader", name=header, exact=True)
    return cell.evaluate("th => th.getBoundingClientRect().width")


def box(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        "e => ({height: e.getBoundingClientRect().height, fontSize: getComputedStyle(e).fontSize})")


def sweep(page, name: str) -> None:
    """The page as it stands at both widths: no axe violation of any impact, no sideways scrolling
    of the page (a wide table scrolls in its own box), and a full-page screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{name} at {size['width']} px"
        assert not page_scrolls_sideways(page), (name, size["width"], past_the_right_edge(page))
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}px.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def visit(page, path: str, name: str) -> None:
    response = page.goto(page.base + path)
    assert response.status == 200, (name, path, response.status)
    sweep(page, name)


def assert_accessible(page, where: str) -> None:
    assert axe_violations(page) == [], where


def main_width(page) -> float:
    return page.locator("main").evaluate("m => m.getBoundingClientRect().width")


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_form_fields_wide_teacher_tables_and_drafts_that_cannot_be_picked(page, school):  # noqa: F811
    page.set_viewport_size(DESKTOP)
    login(page, "tess")

    # every kind of field in the quiz builder is as tall as the title field, in the same type size
    page.goto(page.base + "/teach/quizzes/new")
    assert_accessible(page, "quiz builder")
    title = box(page, "#title")
    assert float(title["fontSize"].removesuffix("px")) >= 16  # phones do not zoom into the field
    for field in ("#attempts_allowed", "#time_limit", "#draw_count", "#opens_at", "#closes_at", "#question-search-q"):
        assert box(page, field)["fontSize"] == title["fontSize"], field
        assert abs(box(page, field)["height"] - title["height"]) <= 1, field

    # the bank and item statistics give the question its room at 1280 px (a learner's page keeps its
    # short lines); at 390 px the page stays put
    page.goto(page.base + "/")
    assert_accessible(page, "home")
    assert main_width(page) == 46 * 16
    page.goto(page.base + "/teach/questions")
    assert_accessible(page, "bank")
    assert main_width(page) > 1200  # the whole window, less a scroll bar
    assert column_width(page, "table.bank", "Question") >= 500
    page.goto(page.base + f"/teach/quizzes/{school['quiz']}/statistics")
    assert_accessible(page, "item statistics")
    assert column_width(page, "table.stats", "Question") >= 500
    page.set_viewport_size(PHONE)
    assert not page_scrolls_sideways(page)
    page.goto(page.base + "/teach/questions")
    assert not page_scrolls_sideways(page)
    page.set_viewport_size(DESKTOP)

    # a new question starts as Draft: the builder does not offer it, and says where to publish it
    page.goto(page.base + "/teach/questions/new?type=true_false")
    assert_accessible(page, "question editor")
    stem = "Did the trainers come from Britain?"
    page.locator("#stem").fill(stem)
    page.get_by_label("True", exact=True).check()
    submit(page, "Save question")
    assert_accessible(page, "question saved as draft")
    page.goto(page.base + "/teach/quizzes/new")
    assert_accessible(page, "quiz builder with a draft")
    assert page.get_by_label(stem).count() == 0
    hint = page.locator("#drafts-hint")
    assert hint.is_visible()
    assert "Only published questions can be picked. A new question starts as Draft" in hint.inner_text()
    with page.expect_navigation():
        hint.get_by_role("link", name="the question bank’s drafts").click()
    assert_accessible(page, "the bank's drafts")
    assert page.locator("table.bank").get_by_role("link", name=stem).is_visible()
    with page.expect_navigation():
        page.locator("table.bank").get_by_role("link", name=stem).click()
    assert_accessible(page, "the draft's editor")
    page.get_by_label("Status").select_option("published")
    submit(page, "Save question")
    assert_accessible(page, "question published")
    page.goto(page.base + "/teach/quizzes/new")
    assert_accessible(page, "quiz builder with the question")
    assert page.get_by_label(stem).is_visible()


def test_main_pages_pass_axe_at_both_widths_with_screenshots(page, app, school):  # noqa: F811
    """Visitor pages (home, log in, register), learner pages (home, a quiz, a question and its feedback,
    the summary, results, review, practice, progress, joining a class, a flashcard's two sides) and
    teacher pages (home, bank, editor, preview, history, imports and drafts, builder, quizzes, classes,
    class, gradebook, a learner's attempts, item statistics, marking, mastery, re-grading, an export of all
    classes and its job, background work) at 1280 and 390 px."""
    from quizapp.services import drafts

    with app.app_context():
        import_id = drafts.start_import(school["tess"], HARBOR_TITLE, None, harbor_text()).id
        drafts.run_import(import_id)
        question_id = db.session.scalar(sa.select(Question.id).filter_by(uid=Q_MOD))

    page.set_viewport_size(DESKTOP)
    for name, path in [("home-visitor", "/"), ("login", "/auth/login"), ("register", "/auth/register")]:
        visit(page, path, name)
    login(page, "ann")
    for name, path in [("home", "/"), ("quiz", "/quizzes/belarus-trainers")]:
        visit(page, path, name)
    submit(page, "Start the quiz")
    sweep(page, "question")
    answer_current_question(page)
    sweep(page, "feedback")
    with page.expect_navigation(url=re.compile(r"/summary$")):
        page.get_by_role("link", name="Summary and submit").click()
    sweep(page, "summary")
    submit(page, "Submit all and finish")
    sweep(page, "result")
    for name, path in [("review", "/review"), ("practice-mistakes", "/practice/mistakes"), ("progress", "/progress"),
                       ("essay-result", f"/attempts/{school['ann_attempt']}/review"), ("join", "/classes/join"),
                       ("flashcard", "/flashcards")]:
        visit(page, path, name)
    submit(page, "Show the answer")
    sweep(page, "flashcard-back")

    login(page, "tess")
    quiz, class_id = school["quiz"], school["class"]
    for name, path in [
        ("teach-home", "/teach/"),
        ("bank", "/teach/questions"),
        ("question-editor", "/teach/questions/new?type=multiple_choice"),
        ("imports", "/teach/imports"),
        ("drafts", f"/teach/imports/{import_id}"),
        ("quiz-builder", "/teach/quizzes/new"),
        ("quizzes", "/teach/quizzes"),
        ("classes", "/teach/classes"),
        ("class", f"/teach/classes/{class_id}"),
        ("gradebook", f"/teach/classes/{class_id}/gradebook"),
        ("item-statistics", f"/teach/quizzes/{quiz}/statistics"),
        ("marking-queue", f"/teach/quizzes/{quiz}/marking"),
        ("mark-answer", f"/teach/quizzes/{quiz}/marking/{school['ann_essay']}"),
        ("teacher-attempt", f"/teach/quizzes/{quiz}/attempts/{school['ann_attempt']}"),
        ("learner-attempts", f"/teach/classes/{class_id}/learners/{school['ann']}/quizzes/{quiz}"),
        ("mastery", f"/teach/classes/{class_id}/mastery"),
        ("regrade", f"/teach/quizzes/{quiz}/regrade"),
        ("question-edit", f"/teach/questions/{question_id}/edit"),
        ("question-preview", f"/teach/questions/{question_id}/preview"),
        ("question-history", f"/teach/questions/{question_id}/history"),
        ("import-article", "/teach/imports/new"),
        ("bank-import", "/teach/bank/import"),
        ("export-all", "/teach/exports"),
    ]:
        visit(page, path, name)
    # an export of all the classes: the job's page refreshes itself until the worker has written the file
    submit(page, "Export all my classes")
    page.get_by_role("link", name="Download the file").wait_for(timeout=60_000)
    sweep(page, "export-job")
    visit(page, "/teach/jobs", "background-work")
