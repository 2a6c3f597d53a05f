"""Turning plans into bytes: share cards, thumbnails, QR codes, the CSP, the search index, reused Markdown."""
