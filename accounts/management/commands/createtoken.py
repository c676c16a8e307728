from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import audit
from accounts.assigning import COMMAND_ACTOR
from accounts.models import Action, ApiToken


class Command(BaseCommand):
    help = (
        "Membuat token API untuk pengguna; token dicetak sekali saja. "
        "Creates an API token for USERNAME and prints it once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True)
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']}.")
        if not options["name"].strip():
            raise CommandError("--name must not be empty.")
        try:
            token, raw = ApiToken.issue(user=user, name=options["name"], days=options["days"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        audit.record(
            Action.TOKEN_CREATED,
            username=COMMAND_ACTOR,
            summary=f"{user.username}: {token.name} ({token.hint}…)",
            detail={"token_id": token.pk, "expires_at": token.expires_at.isoformat()},
        )
        self.stdout.write(raw)
