from django.urls import path

from facilities import views

urlpatterns = [
    path("desa/<kode:code>/fasilitas/", views.facility_list, name="facility-list"),
    path("desa/<kode:code>/fasilitas/tambah/", views.facility_add, name="facility-add"),
    path("desa/<kode:code>/fasilitas/<int:pk>/", views.facility_edit, name="facility-edit"),
    path("desa/<kode:code>/penduduk/", views.population, name="population-profile"),
    path("desa/<kode:code>/penduduk/sasaran/", views.save_targets, name="population-targets-save"),
]
