"""A password change revokes the user's API tokens.

A token is a second way in that does not ask for the password, so whoever had it (or stole it)
must lose it when the owner changes the password: after a suspected leak, changing the password
is what people do. Every path that sets a new password counts (the account page, the admin,
`changepassword`, `set_password` + `save`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts import audit
from accounts.models import Action, ApiToken

User = get_user_model()
_CHANGED = "_dashkec_password_changed"


@receiver(pre_save, sender=User, dispatch_uid="accounts.token_revocation.note")
def note_password_change(sender: Any, instance: Any, **_: Any) -> None:
    # `set_password` keeps the new raw password in `_password` until the save; a hash upgrade
    # at login (same password, new hasher settings) clears it first and so revokes nothing.
    changed = instance.pk is not None and getattr(instance, "_password", None) is not None
    setattr(instance, _CHANGED, changed)


@receiver(post_save, sender=User, dispatch_uid="accounts.token_revocation.revoke")
def revoke_tokens_after_password_change(sender: Any, instance: Any, **_: Any) -> None:
    if not getattr(instance, _CHANGED, False):
        return
    setattr(instance, _CHANGED, False)
    with transaction.atomic():
        tokens = list(ApiToken.objects.usable().filter(user=instance).select_for_update())
        if not tokens:
            return
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
        audit.record(
            Action.TOKEN_REVOKED,
            user=instance,
            summary=f"{len(tokens)} token (kata sandi diganti)",
            detail={"token_ids": [t.pk for t in tokens], "reason": "password_changed"},
        )
