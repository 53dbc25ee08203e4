import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo brands, scored assessments and logins (once; later runs change nothing). "
        "Development only: with DEBUG off it refuses unless --force, which sets a random password."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run with DEBUG off; the logins get a random password, printed once",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            # The demo password is published: with it on a real server anyone could log in as
            # the demo admin and take an API token.
            raise CommandError(
                "load_demo is for development (DEBUG=true): it creates an admin whose password "
                "is published. Use --force to load it anyway with a random password."
            )
        # A random password on a production-like server: the published one must never work there.
        kwargs = {} if settings.DEBUG else {"password": secrets.token_urlsafe(18)}
        for line in load_demo(**kwargs):
            self.stdout.write(line)
