"""News: categories, posts, questions and answers; their loading, pages and feeds."""
