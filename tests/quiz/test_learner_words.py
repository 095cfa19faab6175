"""Issue 16, point 5: the words on learner pages: article titles not file paths, plurals,
promises that match the quiz's feedback, the quiz list's standing, join links, local times."""

from __future__ import annotations

import datetime as dt
import re

from quizapp.models._common import utcnow
from tests.conftest import csrf_token
from tests.quiz.test_taking import answer_fields, attempt_id_of, layout, post_answer
from tests.test_quiz_integrity import finish, make_quiz, set_quiz, start


def test_the_overview_counts_in_words_and_promises_what_the_quiz_does(app, client, auth):
    make_quiz(app, "short", time_limit_s=60, feedback_timing="after_attempt")
    make_quiz(app, "long", time_limit_s=150)
    auth.register()
    short = client.get("/quizzes/short").text
    assert "Time limit: 1 minute<" in short and "4 questions, one a page" in short
    assert "After each answer" not in short
    assert "You can change your answers until you submit the attempt" in short
    long = client.get("/quizzes/long").text
    assert "Time limit: 2 minutes 30 seconds<" in long and "After each answer you see the right answer" in long
    set_quiz(app, "short", feedback_timing="after_close", closes_at=utcnow() + dt.timedelta(days=1))
    short = client.get("/quizzes/short").text
    assert "the right answers are shown after the quiz closes" in short and "After each answer" not in short


def test_the_quiz_list_shows_an_attempt_in_progress_and_the_best_and_last_scores(app, client, auth):
    make_quiz(app, "twice")
    auth.register()
    assert "In progress" not in client.get("/").text
    first = attempt_id_of(start(client, "twice").location)
    for position, (data, order) in enumerate(layout(app, first), 1):
        post_answer(client, f"/attempts/{first}/q/{position}", answer_fields(data, order, right=position <= 3))
    finish(client, first)
    second = attempt_id_of(start(client, "twice").location)
    data, order = layout(app, second)[0]
    post_answer(client, f"/attempts/{second}/q/1", answer_fields(data, order, right=False))
    item = re.search(r'<li>\s*<span class="quiz-name"><a href="/quizzes/twice">.*?</li>', client.get("/").text, re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item.group(0)))
    assert "In progress · Continue Twice · Best 75%, last 75%" in text
    assert f'href="/attempts/{second}/q/2">Continue' in item.group(0)  # the first question not answered
    finish(client, second)
    text = re.sub(r"<[^>]+>", "", client.get("/").text)
    assert "In progress" not in text and "Best 75%, last 0%" in text


def test_the_quiz_list_keeps_a_score_due_after_the_close_to_itself(app, client, auth):
    make_quiz(app, "exam", feedback_timing="after_close", closes_at=utcnow() + dt.timedelta(days=1))
    auth.register()
    attempt_id = attempt_id_of(start(client, "exam").location)
    data, order = layout(app, attempt_id)[0]
    post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data, order))
    finish(client, attempt_id)
    page = client.get("/").text
    assert "your score is shown after the quiz closes" in page and "Best" not in page


def test_a_join_link_fills_in_the_code(client, auth):
    auth.register()
    page = client.get("/classes/join?code=AB12CD").text
    assert re.search(r'<input[^>]*name="code"[^>]*value="AB12CD"', page)
    hostile = client.get('/classes/join?code="><b>x</b>').text
    assert "<b>x</b>" not in hostile and "&#34;&gt;&lt;b&gt;x&lt;/b&gt;" in hostile
    assert not re.search(r'<input[^>]*name="code"[^>]*value="[^"]+"', client.get("/classes/join").text)


def test_words_for_numbers_and_unknown_sources(app):
    from quizapp import presentation

    assert [presentation.plural(n, "question") for n in (0, 1, 2)] == ["0 questions", "1 question", "2 questions"]
    assert [presentation.duration(s) for s in (1, 60, 90, 3600)] == [
        "1 second", "1 minute", "1 minute 30 seconds", "60 minutes"]
    assert [presentation.and_list(x) for x in ([2], [2, 5], [2, 5, 7])] == ["2", "2 and 5", "2, 5 and 7"]
    with app.test_request_context():
        assert presentation.source_caption("uploads/some-file.txt") == "From the article"
        assert presentation.source_caption(None) == "From the article"
        assert presentation.source_caption("belarus-trainers").startswith("From “Weakened Russian Military")


def test_times_are_given_as_utc_for_the_page_script_to_show_locally(app, client, auth):
    closes = (utcnow() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    make_quiz(app, "dated", closes_at=closes)
    auth.register()
    overview = client.get("/quizzes/dated").text
    assert f'<time datetime="{closes:%Y-%m-%dT%H:%M:%S}Z" data-local="datetime">{closes:%Y-%m-%d %H:%M} UTC</time>' in overview
    attempt_id = attempt_id_of(start(client, "dated").location)
    finish(client, attempt_id)
    progress = client.get("/progress").text
    assert re.search(r'<td><time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" data-local="datetime">[^<]+ UTC</time></td>', progress)
    script = client.get("/static/quizapp.js")
    assert "toLocaleString" in script.text and "data-local" in script.text
    script.close()


def test_the_missed_list_counts_in_words(app, client, auth):
    make_quiz(app, "missy")
    auth.register()
    for _ in range(2):
        attempt_id = attempt_id_of(start(client, "missy").location)
        data, order = layout(app, attempt_id)[0]
        post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data, order, right=False))
        finish(client, attempt_id)
    assert "missed 2 times out of 2" in client.get("/progress").text


def test_feedback_names_the_article_not_its_file(app, client, auth):
    make_quiz(app, "source")
    auth.register()
    attempt_id = attempt_id_of(start(client, "source").location)
    data, order = layout(app, attempt_id)[0]
    post_answer(client, f"/attempts/{attempt_id}/q/1", answer_fields(data, order))
    page = client.get(f"/attempts/{attempt_id}/q/1").text
    caption = re.search(r"<figcaption>(.*?)</figcaption>", page).group(1)
    assert caption == ("From “Weakened Russian Military Turning to &#39;Inferior&#39; Belarusian Trainers: U.K.” "
                       "(Newsweek, 22 December 2022)")
    assert "seeds/" not in page and ".txt" not in page
