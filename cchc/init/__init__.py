"""`python -m cchc init`: turn the demo repository into a real department's site.

The repository ships as the fictional "Sở Y tế tỉnh Hoà An" so that it builds and can be tried at
once. A department that clones it answers a few questions (or passes flags), and ``init``:

- writes the answers into mkdocs.yml (comments and layout kept), after checking them with the same
  site schema as ``make check``;
- removes the demo content: only files listed in ``demo-files.sha256`` *and* still byte-identical to
  the shipped demo file, so nothing an editor wrote or changed is ever deleted;
- keeps the news categories and procedure fields as editable defaults.

``questions`` holds what is asked, ``demo`` what counts as demo content, ``config`` the rewrite of
mkdocs.yml; ``run`` ties them together for the command line.
"""
