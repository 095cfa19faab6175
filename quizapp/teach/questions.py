"""Teacher views: questions (being written)."""
