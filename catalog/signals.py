"""Every saved or deleted sector, data element, indicator or target (national or local)
changes the catalogue stamp, so that no process goes on computing with a catalogue it holds in memory.

Bulk statements send no signals: `load_catalogue` changes the stamp itself, and so must
any other code that writes the catalogue in bulk.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from catalog.models import CatalogueStamp, DataElement, Indicator, RegionTarget, Sector, Target


def _changed(sender: Any, **kwargs: Any) -> None:
    CatalogueStamp.bump()


def connect() -> None:
    for model in (Sector, DataElement, Indicator, Target, RegionTarget):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalogue-stamp-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalogue-stamp-del-{model}")
