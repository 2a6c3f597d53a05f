"""Benchmark and synthetic-site tools (make bench). Not part of the site."""
