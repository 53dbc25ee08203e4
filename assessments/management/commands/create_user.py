from django.core.management.base import BaseCommand, CommandError

from assessments.accounts import Role, user_create


class Command(BaseCommand):
    help = "Create a user with a role and brands; prints the user's API token on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument(
            "--brand", action="append", default=[], metavar="SLUG", help="may be repeated"
        )
        parser.add_argument("--password", help="without it the user can only use the API token")

    def handle(self, *args, **options) -> None:
        role = Role(options["role"])
        if role in (Role.ADMIN, Role.EDITOR, Role.PUBLISHER) and options["brand"]:
            raise CommandError(
                "--brand: admins, editors and publishers work in the admin; give brands to "
                "brand managers and consultants only."
            )
        user, token = user_create(
            username=options["username"],
            role=role,
            brand_slugs=options["brand"],
            password=options["password"],
        )
        brands = ", ".join(options["brand"]) or "none"
        self.stdout.write(f"User {user} is a {role.value.replace('_', ' ')}; brands: {brands}.")
        self.stdout.write(token.key)
