from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("accounts.urls")),
    path("", include("regions.urls")),
    path("", include("cycle.urls")),
    path("", include("dashboard.urls")),
    path("", include("intake.urls")),
    path("", include("sources.urls")),
    path("", include("datavalues.urls")),
    path("", include("planning.urls")),
    path("", include("reports.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
