"""Who may open which URL: the one declaration that tests/test_access_matrix.py enforces.

HOW TO ADD A URL
Every URL pattern of the project needs an entry in MATRIX, keyed "namespace:name" (or just
"name" outside a namespace; "namespace:*" covers a whole namespace such as the Django admin).
The test walks the URL resolver and fails, naming the key, for any pattern without an entry.

An entry says which path to request (with a region code in the requesting role's scope and
then with one outside it, when `scoped=True`) and what each role must get:
  OK            200, and for scoped entries the region code appears in the body
  HIDDEN        200, and the region code does NOT appear (e.g. search outside the scope)
  NOT_FOUND     404, and the region code does not appear
  LOGIN         302 to the login page (every page for an anonymous visitor)
  REDIRECT      302 somewhere else
  UNAUTHORIZED  401 JSON (the API without a valid token)
Roles: anonymous, outsider (logged in, no assignment), admin, kabupaten, kecamatan, desa,
viewer, program (a programme secretariat: reads the kecamatan of its cohort, writes nothing);
see tests/cast.py for their regions. API entries (`api=True`) are requested with the
role's Bearer token instead of a session. Out of scope defaults to NOT_FOUND for every role
(401 for anonymous on the API, LOGIN for anonymous pages).

Example for a new region-scoped API endpoint:
    "api-v1:indicator_values": api_entry(lambda c: f"/api/v1/analytics?region={c}"),
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
HIDDEN = "hidden"
NOT_FOUND = "not_found"
LOGIN = "login"
REDIRECT = "redirect"
UNAUTHORIZED = "unauthorized"

SIGNED_IN = ("outsider", "admin", "kabupaten", "kecamatan", "desa", "viewer", "program")

# A path, or a function of (a region code, the test cast, the role) giving a path.
UrlSpec = str | Callable[..., str]


@dataclass(frozen=True)
class Entry:
    urls: tuple[UrlSpec, ...]
    expect: Mapping[str, str]
    scoped: bool = False
    out_of_scope: str = NOT_FOUND
    method: str = "GET"
    data: Mapping[str, Any] = field(default_factory=dict)
    api: bool = False
    debug_only: bool = False  # the pattern exists only with DEBUG=1 (tests run with DEBUG=0)


def roles(default: str, anonymous: str = LOGIN, **overrides: str) -> dict[str, str]:
    expect = {"anonymous": anonymous}
    expect.update(dict.fromkeys(SIGNED_IN, default))
    expect.update(overrides)
    return expect


def page(url: UrlSpec, default: str = OK, **kwargs: Any) -> Entry:
    overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in SIGNED_IN or k == "anonymous"}
    return Entry(urls=(url,), expect=roles(default, **overrides), **kwargs)


def api_entry(url: UrlSpec, default: str = OK, **kwargs: Any) -> Entry:
    overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in SIGNED_IN or k == "anonymous"}
    overrides.setdefault("anonymous", UNAUTHORIZED)
    return Entry(urls=(url,), expect=roles(default, **overrides), api=True, **kwargs)


def _other_users_token(code: str, cast: Any, role: str) -> str:
    from accounts.models import ApiToken

    owner = cast.users["outsider" if role != "outsider" else "desa"]
    token, _ = ApiToken.issue(user=owner, name="bukan milik Anda", days=1)
    return f"/akun/token/{token.pk}/cabut/"


def _assignment_at(code: str, cast: Any, role: str) -> str:
    """A fresh viewer assignment at `code` for a throwaway user, to be revoked."""
    from django.contrib.auth.models import User

    from accounts.models import Assignment

    user = User.objects.create_user(f"target-{role}-{code}")
    assignment = Assignment.objects.create(user=user, role="viewer", region_id=code)
    return f"/akun/penugasan/{assignment.pk}/cabut/"


def _analytics(code: str, cast: Any, role: str) -> str:
    """One indicator for a region; loads the catalogue the figure needs on first use."""
    from catalog.loading import load_catalogue
    from catalog.models import Indicator

    if not Indicator.objects.exists():
        load_catalogue()
    return f"/api/v1/analytics?indicator=K01&period=2025&region={code}"


def _with_catalogue() -> None:
    from catalog.loading import load_catalogue
    from catalog.models import Indicator

    if not Indicator.objects.exists():
        load_catalogue()


def _indicator_page(code: str, cast: Any, role: str) -> str:
    """The page of one indicator of the catalogue (loaded on first use)."""
    _with_catalogue()
    return "/indikator/G01/"


def _kecamatan_page(code: str, cast: Any, role: str, suffix: str = "") -> str:
    """The dashboard of the kecamatan at or above `code`; its desa links carry `code`."""
    _with_catalogue()
    return f"/kecamatan/{code[:8]}/{suffix}"


def _desa_page(code: str, cast: Any, role: str) -> str:
    """The dashboard of `code` if a desa, else of the first desa below it."""
    from regions.models import Level, Region

    _with_catalogue()
    if code.count(".") < 3:
        code = (
            Region.objects.filter(level=Level.DESA, code__startswith=code + ".")
            .order_by("code")
            .values_list("code", flat=True)[0]
        )
    return f"/desa/{code}/"


def _desa_upload(code: str, cast: Any, role: str, suffix: str = "") -> str:
    """An upload sent by the desa operator: only its sender and national admins see it."""
    from intake.models import Status, Upload

    upload = Upload.objects.create(
        file_name="uji.csv",
        sha256="0" * 64,
        size=1,
        content=b"kode_wilayah,kode_data,periode,nilai\n",
        uploaded_by=cast.users["desa"],
        status=Status.PREVIEWED,
    )
    return f"/impor/{upload.pk}/{suffix}"


def _desa_budget_upload(code: str, cast: Any, role: str, suffix: str = "") -> str:
    """An APBDes upload sent by the desa operator: only its sender and national admins."""
    from intake.models import Status, Upload

    upload = Upload.objects.create(
        kind="apbdes",
        file_name="apbdes.csv",
        sha256="0" * 64,
        size=1,
        content=b"kode_desa,tahun,kode_kegiatan,nama_kegiatan,sumber_dana,anggaran\n",
        uploaded_by=cast.users["desa"],
        status=Status.PREVIEWED,
    )
    return f"/impor/apbdes/{upload.pk}/{suffix}"


def _idm_upload(code: str, cast: Any, role: str, suffix: str = "") -> str:
    """A Kemendes IDM file sent by the kabupaten planner: its sender and national admins."""
    from intake.models import Status, Upload

    upload = Upload.objects.create(
        kind="idm",
        file_name="idm.csv",
        sha256="0" * 64,
        size=1,
        content=b"kode_desa\n",
        uploaded_by=cast.users["kabupaten"],
        status=Status.PREVIEWED,
        preview={"leftovers": []},
    )
    return f"/impor/{upload.pk}/{suffix}"


def _idm_leftover_under(code: str, cast: Any, role: str) -> str:
    """The list of IDM rows left over under `code`, with one row there to show."""
    from intake.models import IdmLeftover, Status, Upload

    upload = Upload.objects.create(
        kind="idm", file_name="idm.csv", sha256="0" * 64, size=1, status=Status.COMMITTED
    )
    IdmLeftover.objects.create(upload=upload, year=2024, row=2, code=code, reason="uji")
    return f"/impor/idm/tidak-cocok/{code}.csv"


def _desa_upload_running(code: str, cast: Any, role: str) -> str:
    """The progress fragment of a big upload of the desa operator, still being checked."""
    from intake.models import Status, Upload

    path = _desa_upload(code, cast, role)
    Upload.objects.filter(pk=path.split("/")[2]).update(status=Status.CHECKING)
    return path + "kemajuan/"


def _kecamatan_prepared_report(suffix: str) -> Callable[..., str]:
    """A report of 34.04.01 prepared for the kecamatan user: only that user opens it."""

    def url(code: str, cast: Any, role: str) -> str:
        from reports.models import PreparedReport, ReportStatus

        report = PreparedReport.objects.create(
            owner=cast.users["kecamatan"],
            region_id="34.04.01",
            year=2024,
            kind="pdf",
            status=ReportStatus.DONE if suffix == "unduh/" else ReportStatus.RUNNING,
            content=b"%PDF-1.7 uji",
            size=12,
        )
        return f"/laporan/{report.pk}/{suffix}"

    return url


def _datavalues_path(code: str, cast: Any, role: str) -> str:
    _with_catalogue()
    return "/api/v1/datavalues"


VALUE_WRITERS = {"outsider": NOT_FOUND, "viewer": NOT_FOUND, "program": NOT_FOUND}
UPLOAD_OWNER = {r: NOT_FOUND for r in SIGNED_IN if r not in ("admin", "desa")}
IDM_OWNER = {r: NOT_FOUND for r in SIGNED_IN if r not in ("admin", "kabupaten")}
REPORT_OWNER = {r: NOT_FOUND for r in SIGNED_IN if r != "kecamatan"}


def _facility_at(code: str, cast: Any, role: str) -> str:
    """The edit page of a facility registered at the desa at or below `code`."""
    from facilities.models import Facility

    page = _desa_page(code, cast, role)
    facility = Facility.objects.create(
        desa_id=page.split("/")[2], kind="sd", name="SD uji", status_date="2024-01-01"
    )
    return f"{page}fasilitas/{facility.pk}/"


def _desa_subpage(suffix: str) -> Callable[..., str]:
    def url(code: str, cast: Any, role: str) -> str:
        return _desa_page(code, cast, role) + suffix

    return url


def _follow_up_at(code: str, cast: Any, role: str) -> str:
    """A follow-up at the desa at or below `code`, whose status the role tries to change."""
    import datetime as dt

    from catalog.models import Indicator
    from planning.followups import create_follow_up
    from regions.models import Region

    desa = _desa_page(code, cast, role).split("/")[2]
    item = create_follow_up(
        by="uji",
        desa=Region.objects.get(code=desa),
        indicator=Indicator.objects.get(code="G01"),
        problem="masalah",
        action="tindakan",
        owner="desa",
        due_date=dt.date.today() + dt.timedelta(days=7),
    )
    return f"/tindak-lanjut/{item.pk}/status/"


def _agreed_proposal(code: str, cast: Any, role: str) -> str:
    """A proposal of desa 34.04.01.2001 agreed at the Musrenbang, awaiting the OPD."""
    from planning.proposals import Proposal

    _with_catalogue()
    item = Proposal.objects.create(
        desa_id="34.04.01.2001",
        year=2026,
        problem="masalah",
        activity="kegiatan",
        volume=1,
        unit="paket",
        cost_rp=1,
        opd="dinkes",
        status="disepakati",
        created_by="uji",
    )
    return f"/usulan/{item.pk}/keputusan/"


def _local_target(suffix: str) -> Callable[..., str]:
    """A local target of Kabupaten Sleman (34.04), fresh for each role."""

    def url(code: str, cast: Any, role: str) -> str:
        from catalog.models import Indicator, RegionTarget

        _with_catalogue()
        target = RegionTarget.objects.create(
            indicator=Indicator.objects.get(code="K01"),
            region_id="34.04",
            value=95,
            basis="Perda Kab. Sleman 4/2021 tentang RPJMD 2021–2026",
            valid_from=2021,
            valid_to=2026,
            created_by="uji",
        )
        return f"/target-daerah/{target.pk}/{suffix}"

    return url


def _cohort(code: str, cast: Any, role: str) -> str:
    """A programme cohort of two Sleman kecamatan; for the programme secretariat, its own
    (another cohort is 404 for it: tests/test_programme_role.py)."""
    from planning.cohorts import load_cohort

    if role == "program":
        return f"/program/{cast.cohort_id}/"
    loaded = load_cohort(f"P3PD {role}", ["34.04.01", "34.04.02"])
    return f"/program/{loaded.cohort.pk}/"


def _desa_notice(code: str, cast: Any, role: str) -> str:
    """A notice for the desa operator: only its user may follow it."""
    from cycle.models import Notice

    notice = Notice.objects.create(
        user=cast.users["desa"], kind="ditugaskan", key=f"uji:{role}", text="uji", href="/"
    )
    return f"/notifikasi/{notice.pk}/"


def _report(name: str) -> Callable[..., str]:
    def url(code: str, cast: Any, role: str) -> str:
        return _kecamatan_page("34.04.01", cast, role, name)

    return url


# Reports of kecamatan 34.04.01 (PDF and XLSX bodies are compressed, so the region code
# cannot be looked for in them: the roles are listed one by one instead of scoped).
REPORT_ROLES = {"outsider": NOT_FOUND, "desa": NOT_FOUND, "viewer": NOT_FOUND}
WRITERS_ONLY = {"outsider": NOT_FOUND, "desa": NOT_FOUND, "viewer": NOT_FOUND, "program": NOT_FOUND}

ADMIN_ONLY = {r: NOT_FOUND for r in SIGNED_IN if r != "admin"}
MANAGERS_ONLY = {r: NOT_FOUND for r in SIGNED_IN if r not in ("admin", "kabupaten")}

MATRIX: dict[str, Entry] = {
    # Regions
    # Home: the work menu ("Tugas saya") of a desa operator or a camat; a dashboard else.
    # A programme secretariat: its programmes.
    "home": page("/", REDIRECT, kecamatan=OK, desa=OK, program=OK),
    # The cycle (cycle/urls.py): the approval queue of verifiers, a desa's follow-ups (its
    # operator reports progress on them), the notices inbox.
    "approval-queue": page("/persetujuan/", NOT_FOUND, admin=OK, kabupaten=OK, kecamatan=OK),
    "desa-follow-ups": page(_desa_subpage("tindak-lanjut/"), scoped=True),
    "follow-up-progress": page(
        lambda c, cast, role: _follow_up_at(c, cast, role).replace("/status/", "/kemajuan/"),
        REDIRECT,
        scoped=True,
        method="POST",
        data={"status": "berjalan", "note": "sedang dikerjakan"},
        outsider=NOT_FOUND,
        viewer=NOT_FOUND,
        program=NOT_FOUND,
    ),
    "inbox": page("/notifikasi/"),
    # What an indicator means (dashboard/meaning.py): the catalogue is for every signed-in user.
    "indicator-catalogue": page("/indikator/"),
    "indicator-detail": page(_indicator_page),
    # A notice of the desa operator: followed (and marked read) by its user only.
    "notice-open": page(_desa_notice, NOT_FOUND, desa=REDIRECT),
    "region-root": page("/wilayah/"),
    "region-detail": page(lambda c: f"/wilayah/{c}/", scoped=True),
    "region-search": page(lambda c: f"/wilayah/cari?q={c}", scoped=True, out_of_scope=HIDDEN),
    # Dashboards (dashboard/urls.py). A kecamatan page lists its desa, so an in-scope desa
    # code shows in it; the desa operator's scope stops below the kecamatan.
    "dashboard-kecamatan": page(_kecamatan_page, scoped=True, desa=NOT_FOUND),
    "budget-alignment": page(
        lambda c, cast, role: _kecamatan_page(c, cast, role, "belanja/"),
        scoped=True,
        desa=NOT_FOUND,
    ),
    "dashboard-desa": page(_desa_page, scoped=True),
    # Facilities register and population profile (facilities/urls.py): readers see the
    # register and the profile; writers of the desa add and edit facilities.
    "facility-list": page(_desa_subpage("fasilitas/"), scoped=True),
    "facility-add": page(
        _desa_subpage("fasilitas/tambah/"), scoped=True, viewer=NOT_FOUND, program=NOT_FOUND
    ),
    "facility-edit": page(_facility_at, scoped=True, viewer=NOT_FOUND, program=NOT_FOUND),
    "population-profile": page(_desa_subpage("penduduk/"), scoped=True),
    "population-targets-save": page(
        _desa_subpage("penduduk/sasaran/"),
        REDIRECT,
        scoped=True,
        method="POST",
        data={"tahun": "2025"},
        outsider=NOT_FOUND,
        viewer=NOT_FOUND,
        program=NOT_FOUND,
    ),
    "dashboard-kabupaten": page("/kabupaten/34.04/", NOT_FOUND, admin=OK, kabupaten=OK),
    "dashboard-province": page("/provinsi/34/", **ADMIN_ONLY),
    "dashboard-national": page("/nasional/", **ADMIN_ONLY),
    # Planning (planning/urls.py): readers see, kecamatan/kabupaten/admin write.
    "recommendations": page(_desa_subpage("rekomendasi/"), scoped=True),
    "apbdes-evaluation": page(_desa_subpage("evaluasi-apbdes/"), scoped=True),
    "follow-ups": page(
        lambda c, cast, role: _kecamatan_page(c, cast, role, "tindak-lanjut/"),
        scoped=True,
        desa=NOT_FOUND,
    ),
    "follow-up-status": page(
        _follow_up_at,
        REDIRECT,
        scoped=True,
        method="POST",
        data={"status": "berjalan"},
        **WRITERS_ONLY,
    ),
    "escalations": page(
        lambda c, cast, role: _kecamatan_page(c, cast, role, "eskalasi/"),
        scoped=True,
        desa=NOT_FOUND,
    ),
    # Reports (reports/urls.py)
    "report-pdf": page(_report("laporan.pdf"), **REPORT_ROLES),
    "report-xlsx": page(_report("laporan.xlsx"), **REPORT_ROLES),
    # Reports prepared in the background: asked for like the direct ones; a prepared report
    # (its page, progress fragment and file) is seen by the user who asked for it only.
    "report-prepare": page(_report("laporan/"), **REPORT_ROLES),
    "report-job": page(_kecamatan_prepared_report(""), **REPORT_OWNER),
    "report-job-progress": page(_kecamatan_prepared_report("kemajuan/"), **REPORT_OWNER),
    "report-job-download": page(_kecamatan_prepared_report("unduh/"), **REPORT_OWNER),
    "report-csv": page(
        lambda c, cast, role: _kecamatan_page(c, cast, role, "tabel/matriks.csv"),
        scoped=True,
        desa=NOT_FOUND,
    ),
    # Login and account
    "login": page("/masuk/", REDIRECT, anonymous=OK),
    "login-totp": page("/masuk/totp/", LOGIN),
    "login-totp-enrol": page("/masuk/totp/daftar/", LOGIN),
    "logout": page("/keluar/", LOGIN, anonymous=LOGIN, method="POST"),
    "account": page("/akun/"),
    "account-totp": page("/akun/totp/", admin=REDIRECT),
    "password-change": page("/akun/sandi/"),
    "token-list": page("/akun/token/"),
    "token-revoke": page(_other_users_token, NOT_FOUND, method="POST"),
    "assignment-list": page("/akun/penugasan/", **MANAGERS_ONLY),
    "assignment-remove": page(
        _assignment_at,
        REDIRECT,
        scoped=True,
        method="POST",
        **MANAGERS_ONLY,
    ),
    "audit-list": page("/akun/audit/", **ADMIN_ONLY),
    "audit-export": page("/akun/audit.csv", **ADMIN_ONLY),
    # Public utilities
    "set_language": page(
        "/i18n/setlang/",
        REDIRECT,
        anonymous=REDIRECT,
        method="POST",
        data={"language": "en", "next": "/"},
    ),
    "^static/(?P<path>.*)$": page("/static/css/app.css", anonymous=OK, debug_only=True),
    # File import of data values (intake/urls.py): writers only; an upload is its sender's.
    "intake-upload": page("/impor/", **VALUE_WRITERS),
    "intake-preview": page(_desa_upload, **UPLOAD_OWNER),
    "intake-progress": page(_desa_upload_running, **UPLOAD_OWNER),
    "intake-report": page(
        lambda c, cast, role: _desa_upload(c, cast, role, "laporan.csv"), **UPLOAD_OWNER
    ),
    "intake-confirm": page(
        lambda c, cast, role: _desa_upload(c, cast, role, "konfirmasi/"),
        REDIRECT,
        method="POST",
        **UPLOAD_OWNER,
    ),
    # Kemendes IDM files (intake/idm_views.py): the upload's leftovers are its sender's; an
    # area's list is for whoever sees the area, the national list for national users.
    "intake-idm-leftovers": page(
        lambda c, cast, role: _idm_upload(c, cast, role, "tidak-cocok.csv"), **IDM_OWNER
    ),
    "intake-idm-leftovers-national": page("/impor/idm/tidak-cocok.csv", **ADMIN_ONLY),
    "intake-idm-leftovers-area": page(_idm_leftover_under, scoped=True),
    # APBDes files on the web (intake/budget_views.py): the same rules as values files.
    "intake-apbdes-upload": page("/impor/apbdes/", **VALUE_WRITERS),
    # Exports of other systems (sources/views.py): the same writers as values files.
    "sources-upload": page("/impor/sumber/", **VALUE_WRITERS),
    "intake-apbdes-preview": page(_desa_budget_upload, **UPLOAD_OWNER),
    "intake-apbdes-report": page(
        lambda c, cast, role: _desa_budget_upload(c, cast, role, "laporan.csv"), **UPLOAD_OWNER
    ),
    "intake-apbdes-confirm": page(
        lambda c, cast, role: _desa_budget_upload(c, cast, role, "konfirmasi/"),
        REDIRECT,
        method="POST",
        **UPLOAD_OWNER,
    ),
    "intake-template-csv": page(
        lambda c: f"/impor/templat/{c}.csv", scoped=True, viewer=NOT_FOUND, program=NOT_FOUND
    ),
    # Approval of a desa's period (datavalues/urls.py): readers see the state and history.
    "approval": page(
        lambda c, cast, role: (
            _desa_page(c, cast, role).replace("/desa/", "/persetujuan/") + "2024/"
        ),
        scoped=True,
    ),
    # Completeness of a kecamatan's desa (datavalues/urls.py): like the kecamatan dashboard.
    "completeness": page(
        lambda c, cast, role: f"/kelengkapan/{c[:8]}/2024/",
        scoped=True,
        desa=NOT_FOUND,
    ),
    # Oversight across the kecamatan of Sleman (planning/kabupaten_views.py): the kabupaten
    # officer and national admins; the kabupaten of another user is covered in
    # tests/test_kabupaten_pages.py.
    **{
        name: page(f"/kabupaten/34.04/{suffix}", NOT_FOUND, admin=OK, kabupaten=OK)
        for name, suffix in (
            ("kabupaten-oversight", "pengawasan/"),
            ("kabupaten-completeness", "kelengkapan/2024/"),
            ("kabupaten-approvals", "persetujuan/2024/"),
            ("kabupaten-evaluations", "evaluasi-apbdes/?tahun=2025"),
            ("kabupaten-follow-ups", "tindak-lanjut/"),
            ("kabupaten-escalations", "eskalasi/?periode=2024"),
            ("kabupaten-budgets", "belanja/?periode=2024"),
            ("kabupaten-report", "laporan.pdf?periode=2024"),
        )
    },
    "province-oversight": page("/provinsi/34/pengawasan/", **ADMIN_ONLY),
    # Local (RPJMD) targets (planning/target_views.py): the kabupaten officer for Sleman,
    # national admins for the province; another kabupaten is in tests/test_local_targets.py.
    "local-targets": page("/kabupaten/34.04/target-daerah/", NOT_FOUND, admin=OK, kabupaten=OK),
    "province-local-targets": page("/provinsi/34/target-daerah/", **ADMIN_ONLY),
    "local-target-edit": page(_local_target(""), NOT_FOUND, admin=OK, kabupaten=OK),
    "local-target-end": page(
        _local_target("akhiri/"), NOT_FOUND, method="POST", admin=REDIRECT, kabupaten=REDIRECT
    ),
    # Usulan Musrenbang (planning/proposal_views.py): the camat's list like the follow-ups,
    # the berita acara like the report (a PDF body cannot show the code), the kabupaten's
    # view by OPD, the OPD decision (kabupaten and admin only), the desa's proposals.
    "proposals": page(
        lambda c, cast, role: _kecamatan_page(c, cast, role, "usulan/"),
        scoped=True,
        desa=NOT_FOUND,
    ),
    "proposals-minutes": page(_report("usulan/berita-acara.pdf"), **REPORT_ROLES),
    "kabupaten-proposals": page("/kabupaten/34.04/usulan/", NOT_FOUND, admin=OK, kabupaten=OK),
    "proposal-decision": page(
        _agreed_proposal,
        NOT_FOUND,
        method="POST",
        data={"status": "diterima", "year": "2026"},
        admin=REDIRECT,
        kabupaten=REDIRECT,
    ),
    "desa-proposals": page(_desa_subpage("usulan/"), scoped=True),
    # Programme monitoring (planning/cohort_views.py): national administrators, and the
    # programme secretariat for its own cohort.
    "cohort-list": page("/program/", NOT_FOUND, admin=OK, program=OK),
    "cohort-detail": page(_cohort, NOT_FOUND, admin=OK, program=OK),
    # The entry form of a desa's period: writers only (a viewer gets 404 in its scope).
    "entry": page(
        lambda c, cast, role: (
            _desa_page(c, cast, role).replace("/desa/", "/isi/") + "2024/?sektor=kesehatan"
        ),
        scoped=True,
        viewer=NOT_FOUND,
        program=NOT_FOUND,
    ),
    # The history of a desa's data element (datavalues/urls.py): every reader of the desa,
    # like its dashboard; sector limits are covered in tests/test_value_history.py.
    "value-history": page(
        lambda c, cast, role: (
            _desa_page(c, cast, role).replace("/desa/", "/riwayat/") + "BUMIL_ANC/"
        ),
        scoped=True,
    ),
    # A zipped body cannot show the code: the kecamatan template, for those who cover it.
    "intake-template-xlsx": page(
        "/impor/templat/34.04.01.xlsx", NOT_FOUND, admin=OK, kabupaten=OK, kecamatan=OK
    ),
    # The Django admin (every pattern): verified national administrators only.
    "admin:*": Entry(
        urls=(
            "/admin/",
            "/admin/accounts/auditevent/",
            "/admin/accounts/assignment/",
            "/admin/auth/user/",
            "/admin/regions/region/",
        ),
        expect=roles(NOT_FOUND, admin=OK),
    ),
    # The JSON API: Bearer token (or session); 401 without; 404 outside the scope.
    "api-v1:openapi-json": api_entry("/api/v1/openapi.json", anonymous=OK),
    "api-v1:api-root": api_entry("/api/v1/", NOT_FOUND, anonymous=NOT_FOUND),
    "api-v1:me": api_entry("/api/v1/me"),
    "api-v1:assignment_list": api_entry("/api/v1/assignments", **MANAGERS_ONLY),
    "api-v1:assignment_create": api_entry(
        "/api/v1/assignments",
        scoped=True,
        method="POST",
        data={"username": "outsider", "role": "viewer", "region": "{code}"},
        **{r: NOT_FOUND for r in SIGNED_IN if r not in ("admin", "kabupaten")},
    ),
    "api-v1:region_search": api_entry(
        lambda c: f"/api/v1/regions?q={c}", scoped=True, out_of_scope=HIDDEN
    ),
    "api-v1:region_detail": api_entry(lambda c: f"/api/v1/regions/{c}", scoped=True),
    # Analytics and the catalogue (analytics/api.py, catalog/api.py). National figures
    # (region=ID) need a national scope: covered in tests/test_analytics_api.py.
    "api-v1:indicator_values": api_entry(_analytics, scoped=True),
    "api-v1:indicator_list": api_entry("/api/v1/indicators"),
    "api-v1:data_element_list": api_entry("/api/v1/dataelements"),
    # Writing values (datavalues/api.py): a batch in the writer's scope (a Sleman desa).
    "api-v1:datavalues_write": api_entry(
        _datavalues_path,
        method="POST",
        data={
            "values": [
                {
                    "kode_wilayah": "34.04.01.2001",
                    "kode_data": "BUMIL_SASARAN",
                    "periode": "2024",
                    "nilai": 5,
                }
            ]
        },
        outsider=NOT_FOUND,
        viewer=NOT_FOUND,
        program=NOT_FOUND,
    ),
}
