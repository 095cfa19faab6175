"""Domain errors that views turn into 4xx pages and the CLI into messages."""


class QuizappError(Exception):
    """Base of every error a user can cause; ``str()`` is shown to them."""

    status = 400

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class NotFound(QuizappError):
    status = 404


class Forbidden(QuizappError):
    status = 403


class InvalidInput(QuizappError):
    status = 400


class Conflict(QuizappError):
    status = 409


class InvalidQuestion(InvalidInput):
    """A question that breaks the rules; ``problems`` locate each one by field path."""

    status = 422

    def __init__(self, problems, message: str | None = None):
        self.problems = list(problems)
        super().__init__(message or "; ".join(str(p) for p in self.problems))
