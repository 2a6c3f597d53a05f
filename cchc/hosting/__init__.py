"""Serving the built site right: what a web server must send with it, read from the built site itself.

``facts`` reads a built site folder (the policies its pages carry, the redirects it holds, its 404 page);
``nginx`` writes an nginx configuration from those facts (``python -m cchc may-chu nginx``). Nothing here
imports MkDocs: it runs on a site built anywhere.
"""

# What every host of this site sends the same way, whoever serves it (nginx here, S3 in cchc.deploy.s3):
# a file named by a hash of its content never changes, and office files and archives are saved, not opened.
IMMUTABLE = "public, max-age=31536000, immutable"
DOWNLOADS = ("doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "zip")
