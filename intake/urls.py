from django.urls import path

from intake import budget_views, idm_views, views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("impor/", views.upload_page, name="intake-upload"),
    path("impor/<int:pk>/", views.preview, name="intake-preview"),
    path("impor/<int:pk>/kemajuan/", views.preview_progress, name="intake-progress"),
    path("impor/<int:pk>/konfirmasi/", views.confirm, name="intake-confirm"),
    path("impor/<int:pk>/laporan.csv", views.error_report, name="intake-report"),
    path(
        "impor/<int:pk>/tidak-cocok.csv",
        idm_views.upload_leftovers,
        name="intake-idm-leftovers",
    ),
    path(
        "impor/idm/tidak-cocok.csv",
        idm_views.area_leftovers,
        name="intake-idm-leftovers-national",
    ),
    path(
        "impor/idm/tidak-cocok/<kode:code>.csv",
        idm_views.area_leftovers,
        name="intake-idm-leftovers-area",
    ),
    path("impor/apbdes/", budget_views.budget_upload, name="intake-apbdes-upload"),
    path("impor/apbdes/<int:pk>/", budget_views.budget_preview, name="intake-apbdes-preview"),
    path(
        "impor/apbdes/<int:pk>/konfirmasi/",
        budget_views.budget_confirm,
        name="intake-apbdes-confirm",
    ),
    path(
        "impor/apbdes/<int:pk>/laporan.csv",
        budget_views.budget_report,
        name="intake-apbdes-report",
    ),
    path(
        "impor/templat/<kode:code>.csv",
        views.template_download,
        {"fmt": "csv"},
        name="intake-template-csv",
    ),
    path(
        "impor/templat/<kode:code>.xlsx",
        views.template_download,
        {"fmt": "xlsx"},
        name="intake-template-xlsx",
    ),
]
