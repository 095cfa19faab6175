"""Draft triage (issue 16, point 7): land where you were, undo a reject, filters, the count, edit and back."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from quizapp.models import Question
from quizapp.services import accounts
from tests.conftest import csrf_token
from tests.teach.test_questions import submit_page
from tests.teach.test_drafts import PASSWORD, draft_ids, inline, paste_harbor, review, teacher  # noqa: F401


def cards(html: str) -> list[int]:
    """The draft cards of a review page, in page order."""
    return [int(i) for i in re.findall(r'<article class="card draft[^"]*" id="draft-(\d+)"', html)]


def to_review(html: str) -> int:
    match = re.search(r"(\d+) drafts? to review", html)
    assert match, "the page does not say how many drafts are left"
    return int(match.group(1))


def press(client, html: str, import_id: int, action: str, question_id: int):
    """Press a draft's own Approve or Reject button, sending what its form holds."""
    after = re.search(rf'name="question_ids" value="{question_id}">\s*<input type="hidden" name="next_draft" value="(\d*)"',
                      html)
    assert after, f"draft {question_id} has no review buttons"
    return client.post(f"/teach/imports/{import_id}/review", data={
        "action": action, "question_ids": str(question_id), "next_draft": after[1], "csrf_token": csrf_token(html)})


def landing(response) -> tuple[str, str]:
    assert response.status_code == 302
    location = response.headers["Location"]
    path, _, anchor = location.partition("#")
    return path, anchor


def test_approve_and_reject_land_on_the_next_draft_and_the_count_follows(client, teacher, inline, query):
    import_id = paste_harbor(client)
    url = f"/teach/imports/{import_id}"
    html = client.get(url).text
    order, total = cards(html), to_review(html)
    assert total == len(draft_ids(query, import_id)) and len(order) >= 4

    for action, left in (("approve", total - 1), ("reject", total - 2)):
        reviewed = order[1]
        path, anchor = landing(press(client, html, import_id, action, reviewed))
        html = client.get(url).text
        order = cards(html)
        # the page lands on the card now in the reviewed one's place (the next card, or another form of its fact)
        assert path == url and anchor == f"draft-{order[1]}" and reviewed not in order
        assert to_review(html) == left
    last = cards(html)[-1]
    assert landing(press(client, html, import_id, "approve", last)) == (url, "drafts")  # none after it: the list's top


def test_a_reject_can_be_undone_and_rejected_drafts_restored(client, teacher, inline, app, query):
    import_id = paste_harbor(client)
    url = f"/teach/imports/{import_id}"
    html = client.get(url).text
    total, first, second = to_review(html), *cards(html)[:2]

    review(client, import_id, "reject", [first, second])
    html = client.get(url).text
    assert "2 drafts rejected." in html and to_review(html) == total - 2
    assert first not in cards(html) and second not in cards(html)
    undo = re.search(r'<form method="post"[^>]*>(?:(?!</form>).)*>Undo</button>', html, re.S)
    assert undo and f'name="question_ids" value="{first}"' in undo[0] and 'name="csrf_token"' in undo[0]
    bank = client.get("/teach/questions?status=draft").text  # nor in the bank while rejected
    stem = query(sa.select(Question.stem).where(Question.id == first))[0][0]
    assert html_lib.escape(stem)[:40] not in bank
    assert "Undo" not in client.get(url).text  # offered once, right after the reject

    response = client.post(url + "/review", data={"action": "restore", "question_ids": [str(first)],
                                                  "csrf_token": csrf_token(html)})
    assert landing(response) == (url, f"draft-{first}")
    html = client.get(url).text
    assert "1 draft restored" in html and to_review(html) == total - 1 and first in cards(html)

    listing = client.get(url + "?show=rejected").text
    assert cards(listing) == [second] and ">Restore</button>" in listing and ">Approve</button>" not in listing
    response = client.post(url + "/review?show=rejected", data={
        "action": "restore", "question_ids": [str(second)], "csrf_token": csrf_token(listing)})
    assert landing(response)[0] == url + "?show=rejected"
    assert to_review(client.get(url).text) == total
    assert draft_ids(query, import_id) == sorted(draft_ids(query, import_id)) and len(draft_ids(query, import_id)) == total


def test_restore_refuses_strangers_tampered_ids_and_missing_csrf(client, teacher, inline, auth, app, query):
    import_id = paste_harbor(client)
    ids = draft_ids(query, import_id)
    review(client, import_id, "reject", ids[:1])
    url = f"/teach/imports/{import_id}/review"
    assert client.post(url, data={"action": "restore", "question_ids": [str(ids[0])]}).status_code == 400
    seed = query(sa.select(Question.id).where(Question.import_id.is_(None)).limit(1))[0][0]
    token = csrf_token(client.get(f"/teach/imports/{import_id}").text)
    response = client.post(url, data={"action": "restore", "question_ids": [str(seed)], "csrf_token": token})
    assert response.status_code == 404 and "not drafts of this article" in response.text
    assert client.post(url, data={"action": "restore", "question_ids": ["x"], "csrf_token": token}).status_code == 302
    auth.logout()
    with app.app_context():
        accounts.create_user("other", PASSWORD, "teacher")
    auth.login("other", PASSWORD)
    token = csrf_token(client.get("/teach/imports").text)
    assert client.post(url, data={"action": "restore", "question_ids": [str(ids[0])],
                                  "csrf_token": token}).status_code == 404
    assert client.get(f"/teach/imports/{import_id}?show=rejected").status_code == 404
    assert draft_ids(query, import_id) == ids[1:]  # still rejected


def test_filters_by_fact_kind_type_and_quality_keep_the_count_and_survive_an_action(client, teacher, inline, query):
    import_id = paste_harbor(client)
    url = f"/teach/imports/{import_id}"
    rows = query(sa.select(Question.id, Question.fact_kind, Question.type)
                 .where(Question.import_id == import_id).order_by(Question.id))
    total = to_review(client.get(url).text)
    kind = rows[0][1]
    html = client.get(f"{url}?kind={kind}").text
    shown = cards(html)
    assert shown and all(dict((r[0], r[1]) for r in rows)[i] == kind for i in shown)
    assert to_review(html) == total and f'<option value="{kind}" selected>' in html
    qtype = rows[0][2]
    assert all(dict((r[0], r[2]) for r in rows)[i] == qtype for i in cards(client.get(f"{url}?type={qtype}").text))
    assert cards(client.get(f"{url}?quality=duplicates").text) == []  # nothing in the bank repeats this article
    assert "No drafts match these filters." in client.get(f"{url}?quality=duplicates").text
    assert cards(client.get(f"{url}?quality=fresh").text) == cards(client.get(url).text)
    # values no draft can have are no filter, not an error
    assert cards(client.get(f"{url}?kind=%3Cscript%3E&type=nope&quality=1&show=x").text) == cards(client.get(url).text)

    token = csrf_token(html)
    response = client.post(f"{url}/review?kind={kind}&evil=1",
                           data={"action": "approve", "question_ids": [str(shown[0])], "csrf_token": token})
    assert landing(response)[0] == f"{url}?kind={kind}"


def test_edit_first_returns_to_the_drafts(client, teacher, inline, query):
    import_id = paste_harbor(client)
    url = f"/teach/imports/{import_id}"
    html = client.get(url).text
    first = cards(html)[0]
    link = re.search(rf'href="(/teach/questions/{first}/edit\?next=[^"]+)"', html)
    assert link, "Edit first carries no way back"
    editor_url = html_lib.unescape(link[1])
    editor = client.get(editor_url).text
    assert f'href="{url}#draft-{first}">← Back to the drafts' in editor
    response = submit_page(client, editor_url, editor, {"stem": "Who said the bridge would connect neighborhoods?"})
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]+)', response.text)
    assert landing(response) == (url, f"draft-{first}")


@pytest.mark.parametrize("target", ["//evil.example/teach/imports/1", "https://evil.example/teach/imports/1",
                                    "/teach/imports/\\\\evil.example", "/teach/questions", "/teach/imports/1\n"])
def test_edit_first_never_sends_the_teacher_elsewhere(client, teacher, inline, query, target):
    import_id = paste_harbor(client)
    first = draft_ids(query, import_id)[0]
    editor_url = f"/teach/questions/{first}/edit?" + urlencode({"next": target})
    editor = client.get(editor_url).text
    assert "Back to the drafts" not in editor and "evil.example" not in editor
    response = submit_page(client, editor_url, editor)
    assert response.headers["Location"] == f"/teach/questions/{first}/edit"  # saved, and stays in the editor


def test_bulk_buttons_at_top_and_bottom_with_select_all(client, teacher, inline, query):
    import_id = paste_harbor(client)
    html = client.get(f"/teach/imports/{import_id}").text
    assert html.count('form="bulk-review" name="action" value="approve"') == 2
    assert html.count('form="bulk-review" name="action" value="reject"') == 2
    assert html.index('value="approve">Approve selected') < html.index('<article class="card draft')
    assert 'data-select-all="question_ids"' in html  # shown by static/quizapp.js
    assert 'class="hint keyboard-help" hidden' in html
    ids = draft_ids(query, import_id)
    response = review(client, import_id, "reject", ids)  # the bulk form
    assert draft_ids(query, import_id) == [] and "0 drafts to review" in client.get(response.headers["Location"]).text
