from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Akun dan akses"

    def ready(self) -> None:
        from accounts import (
            audit,  # noqa: F401  (connects the login signal receivers)
            token_revocation,  # noqa: F401  (revokes tokens on a new password)
        )
        from accounts.scoping import regions_for_user
        from regions.models import RegionQuerySet

        # Region.objects.for_user applies the scoping rules of this app.
        RegionQuerySet.user_filter = staticmethod(regions_for_user)


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "accounts.admin_site.AdminSite"
