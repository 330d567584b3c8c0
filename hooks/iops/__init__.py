"""The IOPS site's content model: plain Python, no MkDocs.

Loading (`reader`, `schema`, `loader`), cross-file checks (`checks`), URLs
(`urls`), listings (`views`) and dates (`dates`) live here so that
`build.py check` and the tests run them without starting MkDocs; the MkDocs
hooks in `hooks/mkdocs_adapter.py` only adapt them.

The build engine this site is built with (its cache, fingerprints and
workers) is the package `engine`, which imports nothing from here.
"""
