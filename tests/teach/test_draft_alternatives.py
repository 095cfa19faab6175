"""The review page lists each fact once; its other forms are one click away (no JavaScript)."""

from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.generator.questions import answer_slots
from quizapp.models import Question
from tests.conftest import csrf_token
from tests.teach.test_drafts import PASSWORD, draft_ids, import_id_of, paste_harbor, review, start_import  # noqa: F401
from tests.teach.test_drafts import inline, teacher  # noqa: F401


def _drafts(app, import_id):
    with app.app_context():
        return [(q.id, q.data) for q in db.session.scalars(
            sa.select(Question).where(Question.import_id == import_id, Question.status == "draft").order_by(Question.id))]


def _shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="card draft[^"]*" id="draft-(\d+)"', html)]


def _answer(data: dict) -> str | None:
    fact = data["fact"]
    return None if fact["kind"] == "date" or "quotes" in fact else (fact.get("speaker") or fact.get("name"))


def test_each_fact_once_and_other_forms_on_request(client, teacher, inline, app):
    import_id = paste_harbor(client)
    stored = _drafts(app, import_id)
    keys = Counter(data["fact"]["key"] for _, data in stored)
    assert any(n > 1 for n in keys.values()), "the generator stores the other forms too"

    html = client.get(f"/teach/imports/{import_id}").text
    listed_html, _, more_html = html.partition('<details class="draft-more">')
    shown = _shown_ids(listed_html)
    by_id = dict(stored)
    shown_keys = [by_id[i]["fact"]["key"] for i in shown]
    assert len(shown_keys) == len(set(shown_keys))  # every fact once
    # each answer only as often as the generator allows (a speaker twice at most, one blank per sentence)
    asked = Counter(slot for i in shown for slot, _ in answer_slots(by_id[i]))
    limits = {slot: limit for i in shown for slot, limit in answer_slots(by_id[i])}
    assert asked and all(asked[slot] <= limits[slot] for slot in asked)
    assert all("alternative" not in by_id[i]["tags"] for i in shown)
    assert "Other forms of this fact" in html
    # every other draft is one click away: under a listed draft's other forms, or in the folded list
    folded = _shown_ids(more_html)
    assert folded and all(by_id[i]["fact"]["kind"] == "date" or "quotes" in by_id[i]["fact"] for i in folded)
    reachable = set(shown) | set(folded)
    for key in shown_keys:
        page = client.get(f"/teach/imports/{import_id}", query_string={"forms": key}).text
        reachable |= set(_shown_ids(page.partition('<details class="draft-more">')[0]))
    assert reachable == set(by_id)

    # reveal the other forms of one fact: a plain link, served by the same teacher-only page
    key, n = next((k, n) for k, n in keys.items() if n > 1 and k in shown_keys)
    link = re.search(r'href="([^"]*forms=[^"#]*)#draft-\d+"', html)
    assert link
    page = client.get(f"/teach/imports/{import_id}", query_string={"forms": key})
    assert page.status_code == 200
    revealed = _shown_ids(page.text.partition('<details class="draft-more">')[0])
    extra = [i for i in revealed if i not in shown]
    assert len([i for i in extra if by_id[i]["fact"]["key"] == key]) == n - 1
    slots = {slot for slot, _ in answer_slots(by_id[next(i for i in shown if by_id[i]["fact"]["key"] == key)])}
    assert all(by_id[i]["fact"]["key"] == key or slots & {slot for slot, _ in answer_slots(by_id[i])}
               for i in extra)
    assert "Hide the other forms" in page.text

    # an alternative is reviewed like any draft (CSRF on) and leaves the bank without its tag
    response = review(client, import_id, "approve", extra[:1])
    assert response.status_code == 302
    with app.app_context():
        approved = db.session.get(Question, extra[0])
        assert approved.status == "published"
        assert "alternative" not in approved.current.data["tags"]


def test_an_alternative_stands_in_when_the_best_form_is_rejected(client, teacher, inline, app):
    import_id = paste_harbor(client)
    stored = _drafts(app, import_id)
    by_key: dict[str, list[int]] = {}
    for qid, data in stored:
        by_key.setdefault(data["fact"]["key"], []).append(qid)
    key, ids = next((k, v) for k, v in by_key.items() if len(v) > 1)
    best = next(i for i in ids if "alternative" not in dict(stored)[i]["tags"])
    assert review(client, import_id, "reject", [best]).status_code == 302
    shown = _shown_ids(client.get(f"/teach/imports/{import_id}").text)
    assert best not in shown
    assert len([i for i in shown if i in ids]) == 1  # the fact is still offered, once


def test_other_forms_of_another_teachers_import_stay_hidden(client, teacher, inline, app, auth):
    import_id = paste_harbor(client)
    key = _drafts(app, import_id)[0][1]["fact"]["key"]
    auth.logout()
    from quizapp.services import accounts

    with app.app_context():
        accounts.create_user("other", PASSWORD, "teacher")
    auth.login("other", PASSWORD)
    assert client.get(f"/teach/imports/{import_id}", query_string={"forms": key}).status_code == 404
    token = csrf_token(client.get("/teach/imports").text)
    assert token


SHIPYARD = """Engineers at the Vessel Works shipyard in Port Alden launched the research ship Tern on Tuesday.

"The hull was the hardest part, and we rebuilt it twice," said Ines Carvalho, the shipyard's chief engineer.

Carvalho said the delay came from a shortage of welders. "We trained twelve new welders this spring," she said.

Mayor Owen Pratt called the launch "a proud day for the whole harbour."

The ship's first captain, Dara Quill, will take the Tern to the northern ice next year. "I have waited ten years for a ship like this," Quill said.

"She will carry forty scientists and stay at sea for two months," Carvalho added.
"""


def test_the_review_page_lists_every_draft_the_generator_offers_by_default(client, teacher, inline, app):
    """With three people in the article, a speaker may be asked "who said" twice; the page must not hide the second."""
    import_id = import_id_of(start_import(client, "Research ship launched in Port Alden", "2025-04-02", SHIPYARD))
    by_id = dict(_drafts(app, import_id))
    html = client.get(f"/teach/imports/{import_id}").text
    listed = [by_id[i] for i in _shown_ids(html.partition('<details class="draft-more">')[0])]
    who_said_carvalho = [d for d in listed if d["type"] == "short_answer" and d["stem"].startswith("Who said")
                         and d["fact"].get("speaker") == "Ines Carvalho"]
    assert len(who_said_carvalho) == 2
    defaults = [d for d in by_id.values() if "alternative" not in d["tags"]]
    assert sorted(d["stem"] for d in listed) == sorted(d["stem"] for d in defaults)
