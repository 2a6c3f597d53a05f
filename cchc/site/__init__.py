"""The whole site: all content loaded at once, and every page, file and card planned from it."""
