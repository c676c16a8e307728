from django.apps import AppConfig


class DatavaluesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "datavalues"
