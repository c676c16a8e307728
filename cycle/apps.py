from django.apps import AppConfig


class CycleConfig(AppConfig):
    """The planning cycle as each role works it: its menu, its work, its notices."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cycle"
    verbose_name = "Siklus perencanaan"
