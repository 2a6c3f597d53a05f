"""What a page is (PageSpec), how listings are paginated, and what a page says when shared."""
