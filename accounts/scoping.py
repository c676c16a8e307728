"""Region scoping: the one place that decides which regions a user may see.

A user sees the subtree of every region they are assigned to (their *scope*). National
administrators (and Django superusers) see everything. Nobody else sees anything: deny by
default. Ancestors of the assigned regions are *browsable* (for breadcrumbs and the way
down from /wilayah/), but carry no data.

Pages use `region_for_user_or_404` (data) or `browsable_region_or_404` (navigation);
querysets use `Region.objects.for_user(user)` or, for any model with a region field,
`region_q(user, "desa")`. No view filters by hand.

Who may *change* something is decided here too, by one method: `Scope.may(code, roles,
sector)` — a grant covering the region, with one of the roles (admin always counts), whose
sector limit (a kecamatan role limited with `assign … --sector`) includes the sector. A
write, approval or follow-up that touches every sector of a desa (approving its period)
passes no sector and needs a grant without a sector limit. `Scope.may_write` is the one
rule for writing a data value, on every path (form, file, API, commands with a user).

A programme secretariat (`program`, assigned to a cohort of kecamatan) reads the subtree
of every kecamatan of its cohorts and holds no writer role: `Scope.cohorts` names the
cohorts whose monitoring pages it opens.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.http import Http404, HttpRequest

from accounts.models import Assignment, Role

# is_within_or_equal and subtree_q live in regions.codes; importable from here as before.
from regions.codes import ancestor_codes_of
from regions.codes import is_within_or_equal as is_within_or_equal
from regions.codes import subtree_q as subtree_q
from regions.models import Region

if TYPE_CHECKING:
    from regions.models import RegionQuerySet

_CACHE_ATTR = "_dashkec_scope"

# Roles that may write data values (inside their region and sectors).
WRITER_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN, Role.DESA})


@dataclass(frozen=True)
class Grant:
    role: str
    region_code: str | None  # None: the whole country
    sectors: frozenset[str] = frozenset()

    def covers(self, code: str) -> bool:
        return self.region_code is None or is_within_or_equal(code, self.region_code)


@dataclass(frozen=True)
class Scope:
    grants: tuple[Grant, ...] = ()
    superuser: bool = False
    cohorts: frozenset[int] = frozenset()  # programme cohorts (planning.Cohort ids)
    roots: tuple[str, ...] = field(init=False)
    root_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = sorted({g.region_code for g in self.grants if g.region_code is not None})
        # Keep only the top-most codes: 34.04 already covers 34.04.01. Codes are fixed
        # width, so in sorted order a code's ancestors come just before its subtree: only
        # the last root kept can cover it (linear for a cohort of a thousand kecamatan).
        roots: list[str] = []
        for code in codes:
            if not roots or not is_within_or_equal(code, roots[-1]):
                roots.append(code)
        object.__setattr__(self, "roots", tuple(roots))
        object.__setattr__(self, "root_set", frozenset(roots))

    @property
    def national(self) -> bool:
        return self.superuser or any(g.region_code is None for g in self.grants)

    @property
    def is_empty(self) -> bool:
        return not self.national and not self.roots

    @property
    def is_admin(self) -> bool:
        return self.superuser or any(g.role == Role.ADMIN for g in self.grants)

    def covers(self, code: str) -> bool:
        if self.national or code in self.root_set:
            return True
        return any(a in self.root_set for a in ancestor_codes_of(code))

    def browsable_codes(self) -> set[str]:
        """The roots and their ancestors: the path from Indonesia down to each root."""
        codes: set[str] = set(self.roots)
        for root in self.roots:
            codes.update(ancestor_codes_of(root))
        return codes

    def roles_at(self, code: str | None) -> set[str]:
        """Roles that apply to a region (an assignment on it or on one of its ancestors)."""
        if self.superuser:
            return {Role.ADMIN}
        if code is None:
            return {g.role for g in self.grants if g.region_code is None}
        return {g.role for g in self.grants if g.covers(code)}

    def sectors_at(self, code: str) -> frozenset[str] | None:
        """Sector codes the user may see at a region; None means every sector.

        Any grant without a sector limit (or any role other than kecamatan) lifts the limit.
        """
        limited: set[str] = set()
        for grant in self.grants:
            if not grant.covers(code):
                continue
            if grant.role != Role.KECAMATAN or not grant.sectors:
                return None
            limited |= grant.sectors
        if self.superuser:
            return None
        return frozenset(limited)

    def may(self, code: str | None, roles: Collection[str], sector: str | None = None) -> bool:
        """Whether the user holds one of `roles` (or admin) at region `code` (None: the
        whole country) through a grant that covers `sector`; `sector=None` asks for every
        sector (a grant without a sector limit). The only place that decides who may
        change data, approve it or act on a follow-up."""
        if self.superuser:
            return True
        for grant in self.grants:
            if grant.role != Role.ADMIN and grant.role not in roles:
                continue
            if code is None and grant.region_code is not None:
                continue
            if code is not None and not grant.covers(code):
                continue
            if grant.role != Role.KECAMATAN or not grant.sectors:
                return True
            if sector is not None and sector in grant.sectors:
                return True
        return False

    def may_write(self, code: str, sector: str | None = None) -> bool:
        """Whether the user may write a data value of `sector` at desa `code` (every
        sector of it when None)."""
        return self.may(code, WRITER_ROLES, sector)

    def sectors_for(self, code: str, roles: Collection[str]) -> frozenset[str] | None:
        """The sectors `may(code, roles, sector)` allows: None for every sector, an empty
        set for none. (For a million-row file: asked once per desa, then a set lookup per
        value, with the same answer as `may` for each sector.)"""
        if self.may(code, roles):
            return None
        return frozenset(
            sector
            for sector in {s for g in self.grants for s in g.sectors}
            if self.may(code, roles, sector)
        )

    def may_any_sector(self, code: str, roles: Collection[str]) -> bool:
        """Whether `may(code, roles, sector)` holds for at least one sector."""
        sectors = self.sectors_for(code, roles)
        return sectors is None or bool(sectors)

    def write_sectors(self, code: str) -> frozenset[str] | None:
        """The sectors whose values the user may write at `code` (None: every sector)."""
        return self.sectors_for(code, WRITER_ROLES)

    def may_write_any_sector(self, code: str) -> bool:
        """Whether the user may write a value of at least one sector at `code`."""
        return self.may_any_sector(code, WRITER_ROLES)

    def holds_somewhere(self, roles: Collection[str]) -> bool:
        """Whether the user holds one of `roles` (or admin) at any region (a page's door;
        each region is then decided by `may`)."""
        return self.superuser or any(g.role == Role.ADMIN or g.role in roles for g in self.grants)

    def may_write_somewhere(self) -> bool:
        """Whether the user holds a writer role anywhere (the upload pages)."""
        return self.superuser or any(g.role in WRITER_ROLES for g in self.grants)

    def q(self, field_name: str) -> Q:
        """A filter on a region-code field or a foreign key to Region ("desa", "desa_id")."""
        if self.national:
            return Q()
        condition = Q(pk__in=[])
        for root in self.roots:
            condition |= Q(**{field_name: root}) | subtree_q(field_name, root)
        return condition


EMPTY_SCOPE = Scope()


def scope_of(user: Any) -> Scope:
    """The scope of a user, read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    rows = list(
        Assignment.objects.filter(user=user).values_list(
            "role", "region_id", "sectors", "cohort_id"
        )
    )
    grants = [
        Grant(role=role, region_code=region_id, sectors=frozenset(sectors or ()))
        for role, region_id, sectors, cohort_id in rows
        if cohort_id is None
    ]
    cohorts = frozenset(cohort_id for *_, cohort_id in rows if cohort_id is not None)
    if cohorts:
        # A programme secretariat reads every kecamatan of its cohorts (one more query).
        members = Assignment.objects.filter(user=user, cohort_id__in=cohorts).values_list(
            "cohort__members__kecamatan_id", flat=True
        )
        grants += [
            Grant(role=Role.PROGRAM, region_code=code) for code in sorted(set(members)) if code
        ]
    scope = Scope(grants=tuple(grants), superuser=bool(user.is_superuser), cohorts=cohorts)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's assignments changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def region_q(user: Any, field_name: str) -> Q:
    """Filter any model by region: `DataValue.objects.filter(region_q(u, "desa"))`."""
    return scope_of(user).q(field_name)


def regions_for_user(
    queryset: RegionQuerySet, user: Any, *, with_ancestors: bool = False
) -> RegionQuerySet:
    scope = scope_of(user)
    if scope.national:
        return queryset
    if scope.is_empty:
        return queryset.none()
    condition = scope.q("code")
    if with_ancestors:
        condition |= Q(code__in=sorted(scope.browsable_codes()))
    return queryset.filter(condition)


def region_for_user_or_404(request: HttpRequest, code: str) -> Region:
    """The region, if the requesting user's scope covers it; 404 otherwise (no hint why)."""
    if not scope_of(request.user).covers(code):
        raise Http404("region outside the user's scope")
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404("no such region") from None


def browsable_region_or_404(request: HttpRequest, code: str) -> tuple[Region, bool]:
    """A region in scope, or an ancestor of one (for navigation only).

    Returns the region and whether it is in scope. Views must show no data about a region
    that is merely browsable.
    """
    scope = scope_of(request.user)
    in_scope = scope.covers(code)
    if not in_scope and code not in scope.browsable_codes():
        raise Http404("region outside the user's scope")
    try:
        return Region.objects.get(code=code), in_scope
    except Region.DoesNotExist:
        raise Http404("no such region") from None


def require_role(request: HttpRequest, code: str | None, *roles: str) -> None:
    """404 unless the user holds one of `roles` at the region (or nationally for None)."""
    held = scope_of(request.user).roles_at(code)
    if Role.ADMIN not in held and not held.intersection(roles):
        raise Http404("role not held at this region")


def landing_region_code(user: Any) -> str | None:
    """Where a user with exactly one region lands after login; None for the national page."""
    scope = scope_of(user)
    if scope.national or len(scope.roots) != 1:
        return None
    return scope.roots[0]
