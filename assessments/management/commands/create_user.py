import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.accounts import Role, user_create

# The name the token shows in the user's list (GET /api/v1/auth/tokens/).
TOKEN_NAME = "create_user"


class Command(BaseCommand):
    help = (
        "Create a user with a role and brands; prints a new API token for the user on the last "
        "line (shown only then: the database keeps its digest). "
        "With --set-password the password is asked for (or read from standard input when it "
        "is not a terminal), never taken from the command line, where `ps` and shell history "
        "would show it."
    )
    # As Django's createsuperuser: tests hand the command a stand-in for standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument(
            "--brand", action="append", default=[], metavar="SLUG", help="may be repeated"
        )
        parser.add_argument(
            "--set-password",
            action="store_true",
            help="prompt for a password (or read one line from standard input); without it "
            "the user can only use the API token",
        )

    def handle(self, *args, **options) -> None:
        role = Role(options["role"])
        if role in (Role.ADMIN, Role.EDITOR, Role.PUBLISHER) and options["brand"]:
            raise CommandError(
                "--brand: admins, editors and publishers work in the admin; give brands to "
                "brand managers and consultants only."
            )
        password = None
        if options["set_password"]:
            password = self._read_password(options["username"], options.get("stdin") or sys.stdin)
        user, token = user_create(
            username=options["username"],
            role=role,
            brand_slugs=options["brand"],
            password=password,
            token_name=TOKEN_NAME,
        )
        brands = ", ".join(options["brand"]) or "none"
        self.stdout.write(f"User {user} is a {role.value.replace('_', ' ')}; brands: {brands}.")
        self.stdout.write(str(token))

    def _read_password(self, username: str, stdin) -> str:
        if stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("password: the two entries differ; nothing was created.")
        else:
            password = stdin.readline().rstrip("\r\n")
        # The same validators as every other way of setting a password (AUTH_PASSWORD_VALIDATORS),
        # checked before anything is written.
        candidate = get_user_model()(username=username)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(
                "password: " + " ".join(exc.messages) + " Nothing was created."
            ) from exc
        return password
