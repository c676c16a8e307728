"""IDM files through the upload lifecycle, and the rows they leave over.

The web sends a Kemendes IDM file through the same lifecycle as a values file (/impor/:
`importing.receive`, checked in the request or by the worker for big files, preview,
confirm): only the planning and writing differ, and they are intake/idm.py's, shared with
`importidm`.

Who imports IDM: a national administrator (a whole, national file) and a kabupaten/kota
planner, for the desa of their kabupaten/kota only; the file's other rows are left alone,
counted as outside the user's area and not listed. Kecamatan and desa roles do not: the
status is Kemendes' published figure for the kabupaten's desa, not a value a desa enters.
Both through `Scope.may` (accounts.scoping), the one rule for who may change data.

The preview offers each name match (an unknown code → the only desa of the same name in
its kabupaten/kota) with a box to tick; the confirm re-plans the stored file with the ticked
matches only, and writes the values, the ticked matches (`RegionCodeChange`, marked as name
matches, so later imports use them) and the leftovers in one transaction.

Leftovers (`IdmLeftover`) are kept per year: an import replaces those of the same year in
the provinces its rows cover (and the user may import), so the table holds the rows still
unresolved; the dashboards count them per area.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scoping import Scope, scope_of
from datavalues.models import How
from datavalues.writing import SaveResult, file_transaction, save_value_chunks
from intake import lifecycle, retention
from intake.idm import STATUSES, IdmPlan, NotIdmFile, plan_idm
from intake.models import IdmLeftover, Status, Upload
from intake.parsing import BadFile
from regions.crosswalk import record_name_matches
from regions.models import Region

# Roles that may import IDM (besides the national administrator): for their area only.
IDM_ROLES: frozenset[str] = frozenset({Role.KABUPATEN})
ROWS_SHOWN = 1000
VALUES_PER_ROW = 6  # IKS, IKE, IKL, the score, maju-or-mandiri, the official class  # rows to be written listed on the preview (all are counted)
NATIONAL = "ID"  # analytics.models.NATIONAL: the whole country


def may_upload(scope: Scope) -> bool:
    """Whether the user may send an IDM file at all (the upload page's choice)."""
    return scope.holds_somewhere(IDM_ROLES)


def allowed_for(scope: Scope) -> Callable[[str], bool] | None:
    """The rule for each row's desa: None for a national importer (every row)."""
    if scope.may(None, IDM_ROLES):
        return None
    return lambda code: scope.may(code, IDM_ROLES)


def plan_upload(upload: Upload, *, by: Any, confirmed: Collection[str] | None = None) -> IdmPlan:
    """Plan the stored file for `by`; name matches offered (all) or only the `confirmed`."""
    return plan_idm(
        io.BytesIO(retention.content_of(upload)),
        size=upload.size,
        match_names=True,
        confirmed=confirmed,
        allowed=allowed_for(scope_of(by)),
    )


def _desa_names(codes: Collection[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def snapshot(plan: IdmPlan, *, suggesting: bool) -> dict[str, Any]:
    """What the preview shows of a plan, as JSON for the Upload row (computed once, in the
    request or by the worker; a national file is not planned again to be looked at).
    `suggesting`: name matches are offered, not yet written (counted apart)."""
    suggested = [r for r in plan.entries if r.how.startswith("cocok nama baru")]
    classes = Counter(
        r.status for r in plan.entries if not (suggesting and r.how.startswith("cocok nama baru"))
    )
    names = _desa_names([r.target for r in suggested])
    return {
        "year": plan.year,
        "rows": plan.rows,
        "entries": len(plan.entries) - (len(suggested) if suggesting else 0),
        "values": (len(plan.entries) - (len(suggested) if suggesting else 0)) * VALUES_PER_ROW,
        "outside": plan.outside,
        "classes": [[status, classes[status]] for status in STATUSES],
        "written": [
            {
                "row": r.number,
                "code": r.target,
                "name": r.name,
                "status": r.status,
                "score": r.scores[3],
            }
            for r in islice(
                (
                    r
                    for r in plan.entries
                    if not (suggesting and r.how.startswith("cocok nama baru"))
                ),
                ROWS_SHOWN,
            )
        ],
        "resolved": [
            {"row": r.number, "old_code": r.code, "code": r.target, "name": r.name, "how": r.how}
            for r in plan.resolved
            if r.how.startswith("padanan tersimpan")
        ],
        "suggestions": [
            {
                "row": r.number,
                "old_code": r.code,
                "name": r.name,
                "code": r.target,
                "desa": names.get(r.target, ""),
                "status": r.status,
            }
            for r in suggested
        ],
        "leftovers": [
            {
                "row": u.row,
                "code": u.code,
                "name": u.name,
                "kabupaten": u.kabupaten,
                "province": u.province,
                "status": u.status,
                "reason": u.reason,
            }
            for u in plan.unmatched
        ],
        "skipped": [{"row": r, "reason": why} for r, why in plan.skipped],
    }


def check(upload: Upload, *, by: Any) -> IdmPlan | None:
    """Plan an IDM upload and keep its preview on the row (PREVIEWED), or its refusal
    (REJECTED: a file that is no IDM file, or has no row the user may import)."""
    try:
        plan = plan_upload(upload, by=by)
    except BadFile as exc:
        upload.preview = {
            "refused": "columns" if isinstance(exc, NotIdmFile) else "file",
            "missing": exc.missing if isinstance(exc, NotIdmFile) else [],
            "message": str(exc),
        }
        upload.status, upload.message = Status.REJECTED, str(exc)
        upload.save_record()
        return None
    upload.preview = snapshot(plan, suggesting=True)
    upload.rows = upload.progress = plan.rows
    upload.period = str(plan.year)
    upload.warnings = len(upload.preview["suggestions"])
    upload.errors = len(plan.skipped)
    if plan.entries:
        upload.status, upload.message = Status.PREVIEWED, ""
    else:
        upload.status = Status.REJECTED
        upload.message = _("tidak ada baris yang dapat diimpor")
    upload.save_record()
    return plan


class IdmImportRefused(ValueError):
    pass


@dataclass(frozen=True)
class IdmResult:
    plan: IdmPlan
    saved: SaveResult
    matches_stored: int


def write_idm(
    plan: IdmPlan, *, upload: Upload, by: Any = None, source: str, scope: Scope | None = None
) -> IdmResult:
    """Inside the caller's transaction: the plan's name matches into the crosswalk, its
    values through the write path, and its leftovers in place of the year's earlier ones
    (those of its provinces that `scope` may import; None: a command run by the operator)."""
    stored = record_name_matches(
        plan.new_matches, edition=f"Kemendes IDM {plan.year}", source=source
    )
    saved = save_value_chunks(chunks=plan.chunks(), by=by, how=How.FILE, upload=upload)
    replace_leftovers(plan, upload=upload, allowed=allowed_for(scope) if scope else None)
    return IdmResult(plan, saved, stored)


def replace_leftovers(
    plan: IdmPlan, *, upload: Upload, allowed: Callable[[str], bool] | None
) -> None:
    earlier = IdmLeftover.objects.filter(year=plan.year)
    ids = [
        pk
        for pk, code in earlier.values_list("pk", "code")
        if code[:2] in plan.provinces and (allowed is None or allowed(code))
    ]
    IdmLeftover.objects.filter(pk__in=ids).delete()
    kabupaten = _desa_names({u.code[:5] for u in plan.unmatched if not u.kabupaten})
    IdmLeftover.objects.bulk_create(
        [
            IdmLeftover(
                upload=upload,
                year=plan.year,
                row=u.row,
                code=u.code[:20],
                name=u.name[:100],
                kabupaten=(u.kabupaten or kabupaten.get(u.code[:5], ""))[:100],
                province=u.province[:100],
                status=u.status[:20],
                reason=u.reason[:200],
            )
            for u in plan.unmatched
        ],
        batch_size=1000,
    )


def _planned(plan: IdmPlan) -> lifecycle.Tally:
    """What is known of a plan before it is written (the write returns the counts)."""
    return lifecycle.Tally(rows=plan.rows, created=0, updated=0, unchanged=0)


def commit(
    upload: Upload, *, by: Any, confirmed: Collection[str], request: Any = None
) -> IdmResult:
    """Re-plan the stored file with the ticked name matches and write all of it with the
    upload's record and its audit event in one transaction, or nothing."""
    from accounts import audit
    from accounts.models import Action

    try:
        plan = plan_upload(upload, by=by, confirmed=set(confirmed))
    except BadFile as exc:
        raise IdmImportRefused(str(exc)) from None
    if not plan.entries:
        Upload.objects.filter(pk=upload.pk).update(status=Status.REJECTED)
        raise IdmImportRefused(_("tidak ada baris yang dapat diimpor"))
    scope = scope_of(by)
    written: list[IdmResult] = []

    def write() -> lifecycle.Tally:
        result = write_idm(
            plan,
            upload=upload,
            by=by,
            source=f"unggahan {upload.pk} {upload.file_name}",
            scope=scope,
        )
        written.append(result)
        upload.preview = snapshot(plan, suggesting=False)
        return lifecycle.Tally(
            rows=plan.rows,
            created=result.saved.created,
            updated=result.saved.updated,
            unchanged=result.saved.unchanged,
            message=f"{len(plan.unmatched)} baris tidak cocok dengan daftar wilayah",
        )

    def record() -> None:
        result = written[0]
        audit.record(
            Action.IMPORT,
            request=request,
            user=by if getattr(by, "pk", None) else None,
            region_code="" if scope.national or not scope.roots else scope.roots[0],
            summary=f"impor IDM {plan.year} {upload.file_name}: {result.saved.created} baru, "
            f"{result.saved.updated} berubah, {result.saved.unchanged} tetap, "
            f"{len(plan.unmatched)} tidak cocok",
            detail={
                "upload": upload.pk,
                "kind": upload.kind,
                "sha256": upload.sha256,
                "name_matches": result.matches_stored,
                "unmatched": len(plan.unmatched),
                "outside": plan.outside,
            },
        )

    lifecycle.confirm(
        upload, _planned(plan), by=by, write=write, audit=record, atomic=file_transaction
    )
    result = written[0]
    return result


def leftover_rows(leftovers: list[dict[str, Any]]) -> Iterator[list[str]]:
    """The downloadable list: code, name, kabupaten/kota, reason (and where it came from)."""
    yield ["kode", "nama", "kabupaten", "alasan", "provinsi", "status", "baris"]
    for u in leftovers:
        yield [
            str(u["code"]),
            str(u["name"]),
            str(u["kabupaten"]),
            str(u["reason"]),
            str(u["province"]),
            str(u["status"]),
            str(u["row"]),
        ]


def leftovers_within(area: str, year: int) -> list[dict[str, Any]]:
    """The unresolved rows of `year` under `area` (NATIONAL: all)."""
    rows = IdmLeftover.objects.filter(year=year)
    if area != NATIONAL:
        rows = rows.filter(Q(code=area) | Q(code__startswith=area + "."))
    fields = ("year", "row", "code", "name", "kabupaten", "province", "status", "reason")
    return [
        dict(zip(fields, r, strict=True)) for r in rows.order_by("code", "row").values_list(*fields)
    ]


@dataclass(frozen=True)
class LeftoverCount:
    year: int
    n: int


def leftover_count(area: str) -> LeftoverCount | None:
    """How many rows of the latest IDM year with leftovers under `area` matched no desa."""
    rows = IdmLeftover.objects.all()
    if area != NATIONAL:
        rows = rows.filter(Q(code=area) | Q(code__startswith=area + "."))
    found = rows.values("year").annotate(n=Count("id")).order_by("-year").first()
    return LeftoverCount(found["year"], found["n"]) if found else None
