from django.urls import path, register_converter

from regions import views
from regions.converters import RegionCodeConverter

register_converter(RegionCodeConverter, "kode")

urlpatterns = [
    path("wilayah/", views.region_detail, name="region-root"),
    path("wilayah/cari", views.region_search, name="region-search"),
    path("wilayah/<kode:code>/", views.region_detail, name="region-detail"),
]
