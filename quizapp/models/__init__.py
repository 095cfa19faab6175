"""Every model, re-exported so that Alembic sees them all."""

from quizapp.models.api_token import ApiToken
from quizapp.models.article import Article
from quizapp.models.attempt import Answer, Attempt, QuestionView
from quizapp.models.background import BackgroundJob
from quizapp.models.bank_upload import BankUpload
from quizapp.models.classroom import Classroom, Enrollment
from quizapp.models.co_teacher import CoTeacher, CoTeacherEvent
from quizapp.models.imports import ArticleImport
from quizapp.models.live import LiveAnswer, LiveParticipant, LiveSession
from quizapp.models.lti import LtiAccount, LtiContext, LtiGrade, LtiKey, LtiPlatform, LtiResourceLink, LtiStore
from quizapp.models.question import Question, QuestionVersion
from quizapp.models.question_file import QuestionFile
from quizapp.models.quiz import Quiz, QuizQuestion, quiz_classroom
from quizapp.models.review import ReviewCard, ReviewLog
from quizapp.models.security import AuditEvent, LoginAttempt
from quizapp.models.user import User

__all__ = [
    "Answer", "ApiToken", "Article", "ArticleImport", "Attempt", "BackgroundJob", "BankUpload", "Classroom", "CoTeacher", "CoTeacherEvent",
    "Enrollment", "LiveAnswer", "LiveParticipant", "LiveSession", "Question", "QuestionFile",
    "QuestionVersion", "QuestionView", "Quiz", "QuizQuestion", "User", "quiz_classroom",
    "ReviewCard", "ReviewLog",
    "AuditEvent", "LoginAttempt",
    "LtiAccount", "LtiContext", "LtiGrade", "LtiKey", "LtiPlatform", "LtiResourceLink", "LtiStore",
]
