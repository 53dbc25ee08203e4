"""The Django admin: the benchmark (editions and their rows, jobs), brands and assessments."""

from assessments.admin import actions, brands, edition_rows, editions  # noqa: F401  (registers the admins)
