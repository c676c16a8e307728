from django.urls import path

from sources import views

urlpatterns = [
    path("impor/sumber/", views.source_upload, name="sources-upload"),
]
