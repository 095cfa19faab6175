"""Teacher views: results (being written)."""
