"""Serving the built site right: what a web server must send with it, read from the built site itself.

``facts`` reads a built site folder (the policies its pages carry, the redirects it holds, its 404 page);
``nginx`` writes an nginx configuration from those facts (``python -m cchc may-chu nginx``). Nothing here
imports MkDocs: it runs on a site built anywhere.
"""
