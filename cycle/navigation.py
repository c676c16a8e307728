"""The navigation bar: exactly the pages a role may open, reached without typing a URL.

Each link names the URL pattern it opens; the keys are those of the URL × role matrix
(tests/access_matrix.py), and tests/test_navigation.py checks every link of every role
against it. The links are built from the user's scope alone (no query beyond the scope,
which is read once per request), so the bar costs nothing on the busiest pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import landing_region_code, scope_of
from cycle.periods import working_year

WRITERS = {Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN, Role.DESA}
VERIFIERS = {Role.ADMIN, Role.KABUPATEN, Role.KECAMATAN}
MANAGERS = {Role.ADMIN, Role.KABUPATEN}
# Roles whose home is the work menu ("Tugas saya") rather than a dashboard.
WORKING_ROLES = {Role.KECAMATAN, Role.DESA}


@dataclass(frozen=True)
class Link:
    name: str  # the URL pattern's name: a key of the URL × role matrix
    label: Any
    href: str


def _link(name: str, label: Any, *args: Any, query: str = "") -> Link:
    return Link(name, label, reverse(name, args=args) + query)


def has_work_menu(user: Any) -> bool:
    code = landing_region_code(user)
    scope = scope_of(user)
    return bool(scope.cohorts) or (code is not None and bool(scope.roles_at(code) & WORKING_ROLES))


def links_for(user: Any) -> list[Link]:
    if not getattr(user, "is_authenticated", False):
        return []
    scope = scope_of(user)
    links: list[Link] = []
    root = landing_region_code(user)
    roles = scope.roles_at(root)
    year = str(working_year())
    if (root is not None and roles & WORKING_ROLES) or scope.cohorts:
        links.append(_link("home", _("Tugas saya")))
    if scope.cohorts:
        links.append(_link("cohort-list", _("Program")))
    if root is None:
        if scope.national:
            links.append(_link("dashboard-national", _("Dasbor nasional")))
        if not scope.is_empty:
            links.append(_link("region-root", _("Wilayah")))
        if scope.is_admin:
            links.append(_link("approval-queue", _("Persetujuan")))
    else:
        level = root.count(".") + 1
        if level == 4:
            links.append(_link("dashboard-desa", _("Dasbor desa"), root))
            if roles & WRITERS:
                links.append(_link("entry", _("Isi data"), root, year))
                links.append(_link("approval", _("Ajukan data"), root, year))
            links.append(_link("desa-follow-ups", _("Tindak lanjut"), root))
            links.append(_link("recommendations", _("Rekomendasi"), root))
            links.append(_link("apbdes-evaluation", _("Evaluasi APBDes"), root))
            links.append(_link("desa-proposals", _("Usulan Musrenbang"), root))
        elif level == 3:
            links.append(_link("dashboard-kecamatan", _("Dasbor"), root))
            if roles & VERIFIERS:
                links.append(_link("approval-queue", _("Persetujuan")))
            links.append(_link("completeness", _("Kelengkapan"), root, year))
            links.append(_link("follow-ups", _("Tindak lanjut"), root))
            links.append(_link("escalations", _("Eskalasi"), root))
            links.append(_link("proposals", _("Usulan Musrenbang"), root))
            links.append(_link("budget-alignment", _("Belanja desa"), root))
            if roles & WRITERS:
                links.append(_link("report-prepare", _("Laporan"), root))
        elif level == 2:
            links.append(_link("dashboard-kabupaten", _("Dasbor kabupaten"), root))
            if roles & MANAGERS:
                links.append(_link("kabupaten-oversight", _("Pengawasan"), root))
                links.append(_link("kabupaten-proposals", _("Usulan Musrenbang"), root))
                links.append(_link("local-targets", _("Target daerah"), root))
            if roles & VERIFIERS:
                links.append(_link("approval-queue", _("Persetujuan")))
        elif level == 1 and scope.is_admin:
            links.append(_link("dashboard-province", _("Dasbor provinsi"), root))
            links.append(_link("province-local-targets", _("Target daerah"), root))
        links.append(_link("region-root", _("Wilayah")))
    if ((root is None and scope.national) or roles & WRITERS) and not scope.is_empty:
        links.append(_link("intake-upload", _("Impor")))
    if scope.is_admin or roles & MANAGERS:
        links.append(_link("assignment-list", _("Penugasan")))
    if scope.is_admin:
        links.append(_link("audit-list", _("Audit")))
    links.append(_link("inbox", _("Notifikasi")))
    links.append(_link("account", _("Akun")))
    return links


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the bar's links and the number of unread notices (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from cycle.notices import unread_count

    return {"nav_links": links_for(user), "nav_unread": unread_count(user)}
