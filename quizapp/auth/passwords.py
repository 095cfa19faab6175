"""Password and username rules shared by the web forms and ``quizapp user create``.

NIST SP 800-63B style: a length floor and ceiling, no composition rules, and
a refusal of passwords that are known to be common or derived from the
username. ``common-passwords.txt.gz`` beside this module is Django's list
(BSD licence): 20,000 common passwords compiled by Royce Williams, lower case.
Pure Python: no Flask, no database.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

USERNAME_MIN, USERNAME_MAX = 3, 64
PASSWORD_MIN, PASSWORD_MAX = 8, 200
USERNAME_PATTERN = re.compile(r"^[\w.-]+$")
USERNAME_HINT = "Use letters, digits, dots, dashes or underscores."

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case (read once per process)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def username_problem(username: str) -> str | None:
    """Why ``username`` cannot be an account name, or None."""
    name = username.strip()
    if not name:
        return "Choose a username."
    if len(name) < USERNAME_MIN or len(name) > USERNAME_MAX:
        return f"A username has {USERNAME_MIN} to {USERNAME_MAX} characters."
    if not USERNAME_PATTERN.fullmatch(name):
        return USERNAME_HINT
    return None


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is too weak for ``username``, or None."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    folded = _folded(password)
    name = _folded(username.strip())
    if name and (name in folded or folded in name):
        return "The password must not contain the username."
    if folded in common_passwords() or folded.strip() in common_passwords():
        return "This password is one of the most common ones; choose another."
    if len(set(folded)) == 1:
        return "A password of one repeated character is too easy to guess."
    return None
