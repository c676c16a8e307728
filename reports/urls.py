from django.urls import path

from reports import views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("kecamatan/<kode:code>/laporan.pdf", views.report_pdf, name="report-pdf"),
    path("kecamatan/<kode:code>/laporan.xlsx", views.report_xlsx, name="report-xlsx"),
    path("kecamatan/<kode:code>/tabel/<slug:table>.csv", views.table_csv, name="report-csv"),
]
