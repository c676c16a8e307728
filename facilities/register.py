"""Changing the facilities register: the facility and the counts it feeds, together.

`save_facility` writes the facility, recounts the active facilities of its type (and of
its former type, if it changed) in its desa, and saves those counts for the current year
through `datavalues.writing.save_values` — all in one transaction, so a count that the
values path rejects (a locked period, say) leaves the register unchanged too. Every change
is recorded in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from accounts import audit
from accounts.models import Action
from catalog.models import DataElement
from datavalues.models import How
from datavalues.writing import SaveResult, ValueInput, save_values
from facilities.models import ELEMENT_OF, Facility

SOURCE = "Register fasilitas"


def sectors_of_kinds() -> dict[str, str | None]:
    """Each facility kind → the sector of the data element counting it (None if the
    element is not in the loaded catalogue: then only an all-sector writer may write)."""
    by_element = dict(
        DataElement.objects.filter(code__in=set(ELEMENT_OF.values())).values_list(
            "code", "sector__code"
        )
    )
    return {kind: by_element.get(element) for kind, element in ELEMENT_OF.items()}


def counts(desa_code: str, kinds: set[str], year: int) -> list[ValueInput]:
    """The number of active facilities of each kind in the desa, as values of `year`."""
    found = dict(
        Facility.objects.filter(desa_id=desa_code, kind__in=kinds, active=True)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [
        ValueInput(desa_code, ELEMENT_OF[kind], str(year), float(found.get(kind, 0)), SOURCE)
        for kind in sorted(kinds)
    ]


def save_facility(
    facility: Facility,
    *,
    by: Any,
    request: HttpRequest | None = None,
    former_kind: str | None = None,
) -> SaveResult:
    """Save `facility` and the counts of its desa; raises ValuesRejected (nothing saved)
    when the values path refuses a count."""
    created = facility.pk is None
    kinds = {facility.kind} | ({former_kind} if former_kind else set())
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            facility.save()
            result = save_values(
                values=counts(facility.desa_id, kinds, year), by=by, how=How.FORM, source=SOURCE
            )
            _audit(facility, by=by, request=request, created=created)
    except Exception:
        if created:
            # Rolled back: the facility is still new.
            facility.pk = None
            facility._state.adding = True
        raise
    return result


def _audit(facility: Facility, *, by: Any, request: HttpRequest | None, created: bool) -> None:
    audit.record(
        Action.EDIT,
        request=request,
        user=by,
        region_code=facility.desa_id,
        summary=(
            f"{'Fasilitas ditambah' if created else 'Fasilitas diubah'}: "
            f"{facility.get_kind_display()} {facility.name}"
        ),
        detail={
            "facility": facility.pk,
            "kind": facility.kind,
            "active": facility.active,
            "status_date": facility.status_date.isoformat(),
            "created": created,
        },
    )


def register_from_source(rows: list[tuple[str, str, str, str]], *, source: str, since: date) -> int:
    """Create or update facilities named in a source file, found again by `(source, key)`:
    rows of (desa code, kind, key, name). The counts come with the file's own values, so
    none are written here. Returns the number of rows created or changed."""
    existing = {
        f.source_key: f
        for f in Facility.objects.filter(source=source, source_key__in=[r[2] for r in rows])
    }
    changed = 0
    for desa, kind, key, name in rows:
        found = existing.get(key)
        if found is None:
            Facility.objects.create(
                desa_id=desa,
                kind=kind,
                name=name[:200],
                status_date=since,
                source=source,
                source_key=key,
            )
            changed += 1
        elif (found.desa_id, found.kind, found.name, found.active) != (desa, kind, name, True):
            found.desa_id, found.kind, found.name = desa, kind, name[:200]
            if not found.active:
                found.active, found.status_date = True, since
            found.save()
            changed += 1
    return changed
