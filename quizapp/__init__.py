"""quizapp: turn news articles into curated quizzes that people learn from.

Importing this package loads no Flask: the app factory lives in
:mod:`quizapp.app`, the pure libraries in :mod:`quizapp.generator` and
:mod:`quizapp.formats`.
"""

__version__ = "0.1.0"
