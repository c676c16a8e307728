from django.urls import path

from reports import views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("kecamatan/<kode:code>/laporan.pdf", views.report_pdf, name="report-pdf"),
    path("kecamatan/<kode:code>/laporan.xlsx", views.report_xlsx, name="report-xlsx"),
    path("kecamatan/<kode:code>/tabel/<slug:table>.csv", views.table_csv, name="report-csv"),
    path("kecamatan/<kode:code>/laporan/", views.prepare, name="report-prepare"),
    path("laporan/<int:pk>/", views.job, name="report-job"),
    path("laporan/<int:pk>/kemajuan/", views.job_progress, name="report-job-progress"),
    path("laporan/<int:pk>/unduh/", views.job_download, name="report-job-download"),
]
