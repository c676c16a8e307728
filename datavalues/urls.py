from django.urls import path

from datavalues import views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("persetujuan/<kode:code>/<str:period>/", views.approval_page, name="approval"),
    path("isi/<kode:code>/<str:period>/", views.entry_page, name="entry"),
    path("riwayat/<kode:code>/<str:element>/", views.history_page, name="value-history"),
    path("kelengkapan/<kode:code>/<str:period>/", views.completeness_page, name="completeness"),
]
