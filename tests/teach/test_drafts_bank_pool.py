"""Distractors from the bank: a new article that names too few people borrows those of the bank's
articles that share a person or an organization with it, of the same role, never of unrelated stories."""

from __future__ import annotations

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from tests.teach.test_drafts import import_id_of, inline, review, start_import, teacher  # noqa: F401

RESULTS = (
    "Three food companies reported their results in Port Alden on Monday.\n\n"
    "Nora Vance, chief executive of Lumen Foods, said sales rose. \"We had a strong spring,\" Vance said.\n\n"
    "Karl Dempe, chief executive of Orchard Mills, said costs were high. \"Flour has never been dearer,\" Dempe said.\n\n"
    "Ines Vallor, chief executive of Brightwell Dairy, was cautious. \"The summer will be hard,\" Vallor said."
)
RIVAL = (
    '"Sales will recover by the summer," chief executive Hana Ostrow said.\n\n'
    "Analyst Ben Carrow of Fenwick Research expects a slow year for the company, a rival of Lumen Foods."
)
UNRELATED = (
    '"Sales will recover by the summer," chief executive Hana Ostrow said.\n\n'
    "Analyst Ben Carrow of Fenwick Research expects a slow year for the company in Port Alden."
)


def _drafts(app, import_id):
    with app.app_context():
        return [q.data for q in db.session.scalars(
            sa.select(Question).where(Question.import_id == import_id).order_by(Question.id))]


def _who_said_choices(drafts):
    mc = [d for d in drafts if d["type"] == "multiple_choice" and "who-said" in d["tags"]]
    return [{c["text"] for c in d["choices"] if c["weight"] == 0} for d in mc]


def test_an_article_sharing_an_organization_borrows_the_bank_s_people_of_the_same_role(client, teacher, inline, app):
    import_id_of(start_import(client, "Food makers report results", "2025-03-10", RESULTS))
    rival = import_id_of(start_import(client, "Rival expects recovery", "2025-03-12", RIVAL))
    choices = _who_said_choices(_drafts(app, rival))
    assert choices, "a multiple-choice 'who said' with distractors from the bank"
    bank_chiefs = {"Nora Vance", "Karl Dempe", "Ines Vallor"}
    assert len(choices[0] & bank_chiefs) >= 2
    html = client.get(f"/teach/imports/{rival}").text  # the teacher reviews it as the first draft
    assert html.index("Who said") < html.index(sorted(choices[0] & bank_chiefs)[0])


def test_a_shared_place_alone_does_not_make_two_stories_alike(client, teacher, inline, app):
    import_id_of(start_import(client, "Food makers report results", "2025-03-10", RESULTS))
    other = import_id_of(start_import(client, "A company expects recovery", "2025-03-12", UNRELATED))
    assert _who_said_choices(_drafts(app, other)) == []
    assert any(d["type"] == "short_answer" and "who-said" in d["tags"] for d in _drafts(app, other))


def test_rejected_drafts_lend_no_names(client, teacher, inline, app):
    first = import_id_of(start_import(client, "Food makers report results", "2025-03-10", RESULTS))
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Question.id).where(Question.import_id == first)))
    assert review(client, first, "reject", ids).status_code == 302
    rival = import_id_of(start_import(client, "Rival expects recovery", "2025-03-12", RIVAL))
    assert _who_said_choices(_drafts(app, rival)) == []
