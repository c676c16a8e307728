from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import assigning, audit
from accounts.models import Action, Role, Sector


class Command(BaseCommand):
    help = (
        "Memberi peran kepada pengguna di satu wilayah (REGION_CODE `-` = nasional). "
        "Gives USERNAME a ROLE at REGION_CODE ('-' for national)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("region_code", help="e.g. 34.04.01, or - for national")
        parser.add_argument("--create", action="store_true", help="create the user if missing")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="file whose first line is the new user's password (default: random, printed)",
        )
        parser.add_argument(
            "--sector",
            action="append",
            choices=Sector.values,
            default=[],
            help="limit a kecamatan role to a sector (repeatable)",
        )
        parser.add_argument(
            "--program",
            type=int,
            help="the cohort id of a program role (region_code -)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        region = None if options["region_code"] == "-" else options["region_code"]
        user = get_user_model().objects.filter(username=username).first()
        password: str | None = None
        if user is None:
            if not options["create"]:
                raise CommandError(
                    f"Pengguna {username} tidak ada (pakai --create). / No user {username}."
                )
            given = None
            if options["password_file"]:
                try:
                    given = options["password_file"].read_text(encoding="utf-8").splitlines()[0]
                except (OSError, IndexError, UnicodeDecodeError) as error:
                    raise CommandError(f"Cannot read the password file: {error}") from None
            try:
                user, password = assigning.create_user(username, given)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            audit.record(
                Action.USER_CREATED,
                username=assigning.COMMAND_ACTOR,
                summary=username,
                detail={"user_id": user.pk},
            )
            if given:
                password = None
        try:
            _, created = assigning.grant(
                by=None,
                user=user,
                role=options["role"],
                region_code=region,
                sectors=options["sector"],
                cohort_id=options["program"],
            )
        except assigning.Refused as refused:
            raise CommandError(str(refused)) from None
        where = f"program {options['program']}" if options["program"] else region or "nasional"
        self.stdout.write(
            f"{username}: {options['role']} {where} "
            + ("ditambahkan / added" if created else "sudah ada / already present")
        )
        if password:
            self.stdout.write(f"Kata sandi awal / initial password: {password}")
