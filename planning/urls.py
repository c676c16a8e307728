from django.urls import path

from planning import views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("desa/<kode:code>/rekomendasi/", views.recommendations, name="recommendations"),
    path("desa/<kode:code>/evaluasi-apbdes/", views.apbdes_evaluation, name="apbdes-evaluation"),
    path("kecamatan/<kode:code>/tindak-lanjut/", views.follow_ups, name="follow-ups"),
    path("tindak-lanjut/<int:pk>/status/", views.follow_up_status, name="follow-up-status"),
    path("kecamatan/<kode:code>/eskalasi/", views.escalation_list, name="escalations"),
]
