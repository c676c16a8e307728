from django.urls import path

from cycle import views

# Region codes use the `kode` converter registered by regions/urls.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("persetujuan/", views.approval_queue, name="approval-queue"),
    path("desa/<kode:code>/tindak-lanjut/", views.desa_follow_ups, name="desa-follow-ups"),
    path("tindak-lanjut/<int:pk>/kemajuan/", views.follow_up_progress, name="follow-up-progress"),
    path("notifikasi/", views.inbox, name="inbox"),
    path("notifikasi/<int:pk>/", views.open_notice, name="notice-open"),
]
