from django.core.management.base import BaseCommand

from assessments.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo brands, scored assessments and logins (once; later runs change nothing)."

    def handle(self, *args, **options) -> None:
        for line in load_demo():
            self.stdout.write(line)
