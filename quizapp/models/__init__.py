"""Every model, re-exported so that Alembic sees them all."""

from quizapp.models.article import Article
from quizapp.models.attempt import Answer, Attempt
from quizapp.models.question import Question, QuestionVersion
from quizapp.models.quiz import Quiz, QuizQuestion
from quizapp.models.user import User

__all__ = ["Answer", "Article", "Attempt", "Question", "QuestionVersion", "Quiz", "QuizQuestion", "User"]
