from django.urls import path

from dashboard import views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    # The home page ("home") is cycle.views.home: the work menu, or this app's landing.
    path("nasional/", views.national, name="dashboard-national"),
    path("provinsi/<kode:code>/", views.province, name="dashboard-province"),
    path("kabupaten/<kode:code>/", views.kabupaten, name="dashboard-kabupaten"),
    path("kecamatan/<kode:code>/", views.kecamatan, name="dashboard-kecamatan"),
    path("desa/<kode:code>/", views.desa, name="dashboard-desa"),
    path("kecamatan/<kode:code>/belanja/", views.budget_alignment, name="budget-alignment"),
    path("indikator/", views.indicator_catalogue, name="indicator-catalogue"),
    path("indikator/<str:code>/", views.indicator_detail, name="indicator-detail"),
]
