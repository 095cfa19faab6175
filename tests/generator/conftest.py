"""Fixtures for the generator tests: articles from seeds/ and tests/data/, no app."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.generator import extract, read_article

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "belarus-trainers.txt"
ARTICLES = ROOT / "tests" / "data" / "articles"


@pytest.fixture(scope="session")
def seed_article():
    return read_article(SEED)


@pytest.fixture(scope="session")
def seed_facts(seed_article):
    return extract(seed_article)


@pytest.fixture(scope="session")
def harbor_facts():
    return extract(read_article(ARTICLES / "harbor-vote.txt"))
