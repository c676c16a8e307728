from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "facilities"
    verbose_name = "Fasilitas dan penduduk"
