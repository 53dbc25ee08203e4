"""The pure core: scoring, prevalence, recommendations and their presentation, with no Django.

Everything here works on plain data (the specs built from an edition, a brand's answers) so it
can be tested without a database and reused by the web, the API, the admin and the tasks alike.
`assessments/tests/test_core_purity.py` imports the whole package in a fresh interpreter and
fails if any module pulls in Django; nothing here imports from the rest of `assessments`.
"""
