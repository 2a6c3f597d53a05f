"""Content core of the Sở Y tế site: load, validate and plan pages.

Nothing in this package imports MkDocs, so it can be tested quickly and run
as a pre-build step under another generator.
"""
