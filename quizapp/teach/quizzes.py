"""Teacher views: quizzes (being written)."""
