"""The build engine: how a site is built fast and put in place safely.

It turns an MkDocs configuration into a site folder: the parallel build
(`parallel_build`, with each page's steps in `page_steps`), the build cache
(`cache`) and its keys (`fingerprint`), the scratch folders a build holds
(`held`), putting a new site in place of the last one (`site_build`,
`site_update`), forked workers (`workers`), a time limit on pure Python
(`alarm`) and the live preview (`preview`).

It knows nothing of the site: no content model, no views, feeds or
calendars. The site (`iops`, and the MkDocs hooks in
`hooks/mkdocs_adapter.py`) uses the engine's cache and workers, never the
reverse; tests/test_layout.py holds it to that.
"""
