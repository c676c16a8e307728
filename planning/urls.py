from django.urls import path

from planning import cohort_views, kabupaten_views, proposal_views, target_views, views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("desa/<kode:code>/rekomendasi/", views.recommendations, name="recommendations"),
    path("desa/<kode:code>/evaluasi-apbdes/", views.apbdes_evaluation, name="apbdes-evaluation"),
    path("kecamatan/<kode:code>/tindak-lanjut/", views.follow_ups, name="follow-ups"),
    path("tindak-lanjut/<int:pk>/status/", views.follow_up_status, name="follow-up-status"),
    path("kecamatan/<kode:code>/eskalasi/", views.escalation_list, name="escalations"),
]

# Oversight across the kecamatan of a kabupaten (planning/kabupaten_views.py).
urlpatterns += [
    path("kabupaten/<kode:code>/pengawasan/", kabupaten_views.overview, name="kabupaten-oversight"),
    path(
        "kabupaten/<kode:code>/kelengkapan/<str:period>/",
        kabupaten_views.completeness,
        name="kabupaten-completeness",
    ),
    path(
        "kabupaten/<kode:code>/persetujuan/<str:period>/",
        kabupaten_views.approvals,
        name="kabupaten-approvals",
    ),
    path(
        "kabupaten/<kode:code>/evaluasi-apbdes/",
        kabupaten_views.evaluations,
        name="kabupaten-evaluations",
    ),
    path(
        "kabupaten/<kode:code>/tindak-lanjut/",
        kabupaten_views.follow_ups,
        name="kabupaten-follow-ups",
    ),
    path(
        "kabupaten/<kode:code>/eskalasi/", kabupaten_views.escalations, name="kabupaten-escalations"
    ),
    path("kabupaten/<kode:code>/belanja/", kabupaten_views.budgets, name="kabupaten-budgets"),
    path(
        "provinsi/<kode:code>/pengawasan/",
        kabupaten_views.province_overview,
        name="province-oversight",
    ),
    path("kabupaten/<kode:code>/laporan.pdf", kabupaten_views.report, name="kabupaten-report"),
]

# Usulan Musrenbang (planning/proposal_views.py).
urlpatterns += [
    path("kecamatan/<kode:code>/usulan/", proposal_views.kecamatan_proposals, name="proposals"),
    path(
        "kecamatan/<kode:code>/usulan/berita-acara.pdf",
        proposal_views.minutes,
        name="proposals-minutes",
    ),
    path(
        "kabupaten/<kode:code>/usulan/",
        proposal_views.kabupaten_proposals,
        name="kabupaten-proposals",
    ),
    path("usulan/<int:pk>/keputusan/", proposal_views.decide, name="proposal-decision"),
    path("desa/<kode:code>/usulan/", proposal_views.desa_proposals, name="desa-proposals"),
]

# Programme monitoring (planning/cohort_views.py): national administrators.
urlpatterns += [
    path("program/", cohort_views.cohort_list, name="cohort-list"),
    path("program/<int:pk>/", cohort_views.cohort_detail, name="cohort-detail"),
]

# Local (RPJMD) targets of a kabupaten/kota or a province (planning/target_views.py).
urlpatterns += [
    path(
        "kabupaten/<kode:code>/target-daerah/",
        target_views.kabupaten_targets,
        name="local-targets",
    ),
    path(
        "provinsi/<kode:code>/target-daerah/",
        target_views.province_targets,
        name="province-local-targets",
    ),
    path("target-daerah/<int:pk>/", target_views.edit_target, name="local-target-edit"),
    path("target-daerah/<int:pk>/akhiri/", target_views.end_target, name="local-target-end"),
]
