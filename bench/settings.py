"""The production settings, with URLs that add the bare view item 1 compares the API against.

A settings module of its own, chosen by DJANGO_SETTINGS_MODULE (which the runner sets for itself
and every process it starts), rather than a switch read in readiness/settings.py: production
settings never learn that a benchmark exists, and nothing else differs from them.
"""

from readiness.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
