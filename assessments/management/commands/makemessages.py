"""Django's makemessages without fuzzy matching.

msgmerge guesses a translation for a new message from a similar old one and flags it fuzzy; a
guess like that gave the review page's "Change" link the change column's 变化. A new message
comes in untranslated instead, which tests/test_catalogue.py reports until someone translates it.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
