"""Teacher views: drafts (being written)."""
